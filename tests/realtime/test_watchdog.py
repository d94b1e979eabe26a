"""The silent-model watchdog on its own: when `model_slow` is reported and when the session
ends, with events noted by time (kick) instead of a timer restarted per event."""

import asyncio

import pytest

import realtime.session.watchdog as watchdog
from realtime.session.watchdog import UpstreamWatchdog

SLOW_S, END_S = 0.2, 0.8


class FakeOutbox:
    def __init__(self) -> None:
        self.errors: list[tuple[float, str]] = []

    async def error(self, reason: str, code: str, *, fatal: bool = False) -> None:
        self.errors.append((asyncio.get_running_loop().time(), code))


@pytest.fixture
def dog(monkeypatch):
    monkeypatch.setattr(watchdog, "MODEL_SLOW_AFTER_S", SLOW_S)
    monkeypatch.setattr(watchdog, "MODEL_SILENT_END_AFTER_S", END_S)
    outbox, ended = FakeOutbox(), []

    def request_end(**kwargs):
        ended.append((asyncio.get_running_loop().time(), kwargs["reason"]))

    wd = UpstreamWatchdog(outbox, request_end=request_end)
    wd.outbox, wd.ended = outbox, ended
    return wd


async def kick_every(wd, period_s: float, total_s: float) -> None:
    for _ in range(round(total_s / period_s)):
        await asyncio.sleep(period_s)
        wd.kick()


async def test_events_keep_it_quiet_and_silence_counts_from_the_last_one(dog):
    dog.arm()
    await kick_every(dog, 0.05, 0.4)  # a reply longer than SLOW_S, never silent long
    last = asyncio.get_running_loop().time()
    assert dog.outbox.errors == [] and dog.ended == []
    await asyncio.sleep(END_S + 0.15)
    ((slow_at, code),) = dog.outbox.errors
    assert code == "model_slow"
    assert slow_at - last >= SLOW_S - 0.01  # never early; late only by the box
    ((end_at, reason),) = dog.ended
    assert reason == "upstream_timeout"
    assert end_at - last >= END_S - 0.01
    assert not dog.armed


async def test_the_model_back_after_a_slow_report_is_watched_afresh(dog):
    """As when every event restarted the timer: slow is reported again after a new silence."""
    dog.arm()
    await asyncio.sleep(SLOW_S + 0.05)
    assert [c for _, c in dog.outbox.errors] == ["model_slow"]
    dog.kick()
    back = asyncio.get_running_loop().time()
    assert not dog.slow_reported
    await asyncio.sleep(SLOW_S + 0.05)
    assert [c for _, c in dog.outbox.errors] == ["model_slow", "model_slow"]
    assert dog.outbox.errors[1][0] - back >= SLOW_S - 0.01
    await asyncio.sleep(END_S - SLOW_S + 0.05)
    ((end_at, _),) = dog.ended
    assert end_at - back >= END_S - 0.01


async def test_disarm_stops_it(dog):
    dog.arm()
    dog.disarm()
    await asyncio.sleep(SLOW_S + 0.1)
    dog.kick()  # not armed: ignored
    await asyncio.sleep(SLOW_S + 0.1)
    assert dog.outbox.errors == [] and dog.ended == [] and not dog.armed
