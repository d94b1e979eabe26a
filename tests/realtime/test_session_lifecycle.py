"""The session's phases: only the table's moves, each logged; waiters wake on the end."""

import asyncio
import logging

import pytest

from realtime.session.lifecycle import TRANSITIONS, IllegalTransition, Lifecycle, Phase


def test_the_normal_path_and_a_reconnect_are_allowed(caplog):
    life = Lifecycle("s-1")
    with caplog.at_level(logging.INFO, logger="realtime.session.lifecycle"):
        for phase in (Phase.LIVE, Phase.RECONNECTING, Phase.LIVE, Phase.CLOSING):
            life.transition(phase, "test")
        life.transition(Phase.ENDED)
    assert life.phase is Phase.ENDED
    assert "s-1: live -> reconnecting (test)" in caplog.text
    assert caplog.text.count("s-1:") == 5


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Phase.CONNECTING, Phase.RECONNECTING),
        (Phase.CONNECTING, Phase.ENDED),
        (Phase.LIVE, Phase.LIVE),
        (Phase.CLOSING, Phase.LIVE),
        (Phase.ENDED, Phase.CLOSING),
    ],
)
def test_illegal_moves_are_refused(start, to):
    life = Lifecycle("s-2")
    life.phase = start
    with pytest.raises(IllegalTransition):
        life.transition(to)
    assert life.phase is start


def test_every_phase_can_reach_the_end():
    for phase in Phase:
        seen, todo = {phase}, [phase]
        while todo:
            for nxt in TRANSITIONS[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert Phase.ENDED in seen


async def test_senders_waiting_out_a_reconnect_wake_when_live_or_ending():
    life = Lifecycle("s-3")
    life.transition(Phase.LIVE)
    life.transition(Phase.RECONNECTING)
    waiter = asyncio.create_task(life.wait_live(5))
    await asyncio.sleep(0)
    life.transition(Phase.LIVE)
    assert await waiter is True
    life.transition(Phase.RECONNECTING)
    waiter = asyncio.create_task(life.wait_live(5))
    await asyncio.sleep(0)
    life.transition(Phase.CLOSING)
    assert await waiter is False
    assert await Lifecycle("s-4").wait_live(0.01) is False
