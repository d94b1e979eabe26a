"""A bot's model options reach the upstream session.update (and pass the SDK oracle the
fake upstream applies to everything it receives)."""

from tests.realtime.conftest import make_bot


async def test_reasoning_truncation_idle_timeout_and_transcription_go_upstream(
    fake_upstream, open_session
):
    seen = {}

    async def script(conn):
        await conn.session_created()
        seen["update"] = await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        model="gpt-realtime-2.1",
        reasoning_effort="medium",
        parallel_tool_calls=True,
        idle_timeout_ms=9000,
        truncation="retention_ratio",
        truncation_retention_ratio=0.75,
        truncation_post_instructions_tokens=12000,
        input_transcription_model="gpt-live-transcribe",
        transcription_languages="en, fr",
        transcription_keywords="Acme",
    )
    browser = await open_session(bot)
    await browser.close()
    session = seen["update"]["session"]
    assert session["model"] == "gpt-realtime-2.1"
    assert session["reasoning"] == {"effort": "medium"}
    assert session["parallel_tool_calls"] is True
    assert session["truncation"] == {
        "type": "retention_ratio",
        "retention_ratio": 0.75,
        "token_limits": {"post_instructions": 12000},
    }
    audio_in = session["audio"]["input"]
    assert audio_in["turn_detection"]["idle_timeout_ms"] == 9000
    assert audio_in["transcription"]["languages"] == ["en", "fr"]
    assert audio_in["transcription"]["keywords"] == ["Acme"]
    assert not fake.errors


async def test_a_legacy_model_gets_no_reasoning_fields(fake_upstream, open_session):
    seen = {}

    async def script(conn):
        await conn.session_created()
        seen["update"] = await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait", model="gpt-realtime-mini")
    browser = await open_session(bot)
    await browser.close()
    session = seen["update"]["session"]
    assert "reasoning" not in session and "parallel_tool_calls" not in session
    assert session["truncation"] == "auto"
