"""Caller audio upstream in appends of RELAY_APPEND_MS (20 ms frames coalesced): nothing
lost, nothing reordered, and what is pending goes first before a commit, a clear, the end,
or when the caller stops sending."""

import asyncio
import base64

import pytest

from tests.realtime.conftest import make_bot

pytestmark = pytest.mark.django_db(transaction=True)

FRAME_BYTES = 960  # 20 ms of PCM16 24 kHz mono


def frame(n: int) -> bytes:
    """A 20 ms frame whose bytes say which frame it is."""
    return bytes([n % 251]) * FRAME_BYTES


async def listening_upstream(fake_upstream):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await asyncio.sleep(30)

    return await fake_upstream(script)


def audio_events(conn) -> list[tuple[str, bytes]]:
    """(type, audio) of every input_audio_buffer event, in order."""
    return [
        (e["type"], base64.b64decode(e.get("audio", "")))
        for e in conn.received
        if e["type"].startswith("input_audio_buffer.")
    ]


async def until(condition, within: float = 3.0) -> None:
    for _ in range(int(within / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met")


@pytest.mark.parametrize(
    ("append_ms", "frames_per_append"), [(40, 2), (20, 1), (60, 3)]
)
async def test_frames_go_up_coalesced_in_order(
    fake_upstream, open_session, settings, append_ms, frames_per_append
):
    settings.RELAY_APPEND_MS = append_ms
    fake = await listening_upstream(fake_upstream)
    browser = await open_session(await make_bot(fake.base_url, greeting_mode="wait"))
    for n in range(6):
        await browser.send_audio(frame(n))
    conn = fake.connections[0]
    await until(
        lambda: len(conn.of_type("input_audio_buffer.append")) >= 6 // frames_per_append
    )
    appends = [audio for _, audio in audio_events(conn)]
    assert [len(a) for a in appends] == [FRAME_BYTES * frames_per_append] * (
        6 // frames_per_append
    )
    assert b"".join(appends) == b"".join(frame(n) for n in range(6))
    await browser.close()


async def test_pending_audio_goes_before_the_commit(fake_upstream, open_session):
    fake = await listening_upstream(fake_upstream)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot, push_to_talk=True)
    for n in range(7):  # 140 ms: three appends of 40 ms and one frame pending
        await browser.send_audio(frame(n))
    await browser.send(type="audio.commit")
    conn = fake.connections[0]
    await until(lambda: conn.of_type("input_audio_buffer.commit"))
    events = audio_events(conn)
    assert [t for t, _ in events] == ["input_audio_buffer.append"] * 4 + [
        "input_audio_buffer.commit"
    ]
    assert b"".join(a for _, a in events) == b"".join(frame(n) for n in range(7))
    await browser.close()


async def test_pending_audio_goes_before_the_clear(fake_upstream, open_session):
    fake = await listening_upstream(fake_upstream)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot, push_to_talk=True)
    for n in range(3):
        await browser.send_audio(frame(n))
    await browser.send(type="audio.clear")
    conn = fake.connections[0]
    await until(lambda: conn.of_type("input_audio_buffer.clear"))
    assert [t for t, _ in audio_events(conn)] == [
        "input_audio_buffer.append",
        "input_audio_buffer.append",
        "input_audio_buffer.clear",
    ]
    await browser.close()


async def test_pending_audio_goes_before_the_end(fake_upstream, open_session):
    fake = await listening_upstream(fake_upstream)
    browser = await open_session(await make_bot(fake.base_url, greeting_mode="wait"))
    for n in range(3):
        await browser.send_audio(frame(n))
    await browser.close()  # the caller hangs up with one frame pending
    conn = fake.connections[0]
    await until(lambda: len(conn.of_type("input_audio_buffer.append")) == 2)
    appended = b"".join(a for _, a in audio_events(conn))
    assert appended == b"".join(frame(n) for n in range(3))


async def test_a_lone_frame_is_not_held_back(fake_upstream, open_session, settings):
    """The caller stops sending mid-append: the frame goes up after one append's time."""
    settings.RELAY_APPEND_MS = 200
    fake = await listening_upstream(fake_upstream)
    browser = await open_session(await make_bot(fake.base_url, greeting_mode="wait"))
    await browser.send_audio(frame(1))
    conn = fake.connections[0]
    await asyncio.sleep(0.1)
    assert conn.of_type("input_audio_buffer.append") == []  # within its 200 ms
    await until(lambda: conn.of_type("input_audio_buffer.append"), within=2.0)
    assert audio_events(conn) == [("input_audio_buffer.append", frame(1))]
    await browser.close()
