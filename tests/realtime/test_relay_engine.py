"""The relay against the offline engine over a real websocket on 127.0.0.1.

The caller's question is spoken by the engine's own speech synthesis; the bot has no
connection of its own and no OPENAI_API_KEY is set, so the server default (the offline
engine) answers.
"""

import numpy as np
import pytest
from channels.db import database_sync_to_async

from botbuilder.engines import session_cost
from botbuilder.models import Session, TranscriptItem
from realtime.engine.tts import synthesize
from tests.conftest import create_bot, create_snippet, create_voice
from tests.realtime.conftest import Browser

pytestmark = pytest.mark.django_db(transaction=True)

OPENING_HOURS = "Our opening hours are Monday to Friday from nine in the morning to six in the evening."
RETURNS = "You can return any item within thirty days of delivery for a full refund."
WEEKEND = "We deliver on Saturdays in major cities."
FRAME_BYTES = 24_000  # 500 ms per binary frame: the most the relay accepts
ENGINE_WAIT_S = 30.0


@pytest.fixture
def engine_default(offline_engine, settings):
    """Point the server default connection at the test engine."""
    settings.OPENAI_API_KEY = ""
    settings.OFFLINE_ENGINE_HOST = offline_engine.host
    settings.OFFLINE_ENGINE_PORT = offline_engine.port
    return offline_engine


def _bot(**fields):
    voice = create_voice(name="Klatt", offline_voice="en-us+klatt3")
    bot = create_bot(voice=voice, slug="engine-bot", **fields)
    create_snippet(bot, title="Opening hours", content=OPENING_HOURS)
    create_snippet(bot, title="Return policy", content=RETURNS)
    create_snippet(bot, title="Weekend delivery", content=WEEKEND, mode="retrieved")
    create_snippet(
        bot,
        title="Payment methods",
        mode="retrieved",
        content="We accept credit cards and bank transfers.",
    )
    return bot


make_engine_bot = database_sync_to_async(_bot)


def _spoken_pcm(text: str) -> bytes:
    """`text` in the engine's voice, with quiet room noise around it: PCM16 24 kHz."""
    speech = synthesize(text, voice="en-us+klatt3")
    silence = np.zeros(int(0.3 * 24_000), np.int16), np.zeros(24_000, np.int16)
    pcm = np.concatenate([silence[0], speech, silence[1]]).astype(np.float32)
    noisy = pcm + np.random.default_rng(3).normal(0, 60, pcm.size)
    return np.clip(noisy, -32768, 32767).astype("<i2").tobytes()


async def test_spoken_question_is_answered_from_the_right_snippet(
    engine_default, staff_cookie
):
    bot = await make_engine_bot(greeting_mode="wait")
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start")
    started = await browser.until("session.started", within=10)
    assert started["provider"] == "offline"
    audio = _spoken_pcm("what are your opening hours")
    for start in range(0, len(audio), FRAME_BYTES):
        await browser.send_audio(audio[start : start + FRAME_BYTES])
    user = await browser.until("transcript.done", role="user", within=ENGINE_WAIT_S)
    assert "opening hours" in user["text"]
    answer = await browser.until(
        "transcript.done", role="assistant", within=ENGINE_WAIT_S
    )
    assert answer["text"] == OPENING_HOURS
    usage = await browser.until("usage", within=ENGINE_WAIT_S)
    assert usage["tokens"]["audio_out"] > 0 and float(usage["cost_usd"]) > 0
    assert len(browser.audio) > 48_000  # more than a second of the bot's voice
    assert browser.of_type("turn.latency")[0]["response_ms"] >= 0
    await browser.send(type="session.end")
    await browser.until("session.ended", within=10)
    await browser.close()
    rows = await database_sync_to_async(
        lambda: list(
            TranscriptItem.objects.filter(session_id=started["session_id"])
            .order_by("seq")
            .values_list("role", "text")
        )
    )()
    assert rows[0][0] == "user" and "opening hours" in rows[0][1]
    assert rows[1] == ("assistant", OPENING_HOURS)
    session = await database_sync_to_async(Session.objects.get)(
        pk=started["session_id"]
    )
    assert session.audio_in_tokens + session.audio_cached_tokens > 0
    # Nothing paid on the offline engine; what the bot's model would have cost is shown.
    assert session.audio_out_tokens > 0 and session.cost_usd == 0
    assert session_cost(session).estimate_usd > 0
    assert started["engine"] == session.engine == "offline rehearsal engine"
    assert session.connection_kind == "offline" and session.end_reason == "client_ended"


async def test_greeting_and_search_knowledge_through_the_engine(
    engine_default, staff_cookie
):
    bot = await make_engine_bot(greeting="Hello, this is Acme.")
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start")
    greeting = await browser.until(
        "transcript.done", role="assistant", within=ENGINE_WAIT_S
    )
    assert greeting["text"] == "Hello, this is Acme."
    await browser.send(type="text", text="do you deliver on weekends")
    result = await browser.until("tool.result", within=ENGINE_WAIT_S)
    assert result["name"] == "search_knowledge" and result["status"] == "ok"
    assert WEEKEND in result["output"]
    await browser.until(
        "transcript.done", role="assistant", text=WEEKEND, within=ENGINE_WAIT_S
    )
    await browser.send(type="session.end")
    await browser.until("session.ended", within=10)
    await browser.close()
    assert browser.of_type("error") == []


# Text sent at once after `session.start` is answered, and the greeting is said once.
GREETING = "Hello, this is the Acme shop."


async def test_text_right_after_session_start_is_answered_once_greeted(
    engine_default, staff_cookie
):
    bot = await make_engine_bot(greeting=GREETING, greeting_mode="bot_greeting")
    browser = Browser(bot.pk, staff_cookie)
    connected, _ = await browser.connect()
    assert connected
    await browser.send(type="session.start")
    await browser.send(type="text", text="What are your opening hours?")
    await browser.until("session.started", within=30)
    answer = await browser.until(
        "transcript.done", within=30, role="assistant", text=OPENING_HOURS
    )
    assert answer
    await browser.drain(1.0)
    await browser.send(type="session.end")
    await browser.until_closed(within=10)
    session_id = browser.events[0]["session_id"]
    rows = await database_sync_to_async(
        lambda: list(
            TranscriptItem.objects.filter(session_id=session_id)
            .order_by("seq")
            .values_list("role", "text")
        )
    )()
    # Stored in the order things happened: typed during the greeting, answered after it.
    assert rows == [
        ("user", "What are your opening hours?"),
        ("assistant", GREETING),
        ("assistant", OPENING_HOURS),
    ]
    greetings = [
        e
        for e in browser.of_type("transcript.done")
        if e["role"] == "assistant" and e["text"] == GREETING
    ]
    assert len(greetings) == 1
