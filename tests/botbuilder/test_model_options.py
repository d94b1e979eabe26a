"""A bot's model-dependent options: an option its model lacks is a form error."""

import pytest

from botbuilder.models import Connection
from tests.botbuilder.test_models import errors_of, valid_bot
from tests.conftest import create_voice


@pytest.mark.django_db
@pytest.mark.parametrize("effort", ["minimal", "low", "medium", "high", "xhigh"])
def test_reasoning_models_take_every_effort(effort):
    valid_bot(model="gpt-realtime-2.1-mini", reasoning_effort=effort).full_clean()


@pytest.mark.django_db
def test_reasoning_effort_on_a_model_without_reasoning_is_an_error():
    bot = valid_bot(model="gpt-realtime-mini", reasoning_effort="high")
    assert errors_of(bot) == {"reasoning_effort": ["model_lacks_reasoning"]}
    # The default is not a choice: a legacy bot keeps saving.
    valid_bot(model="gpt-realtime-mini", reasoning_effort="low").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [True, False])
def test_parallel_tool_calls_need_a_reasoning_model(value):
    bot = valid_bot(model="gpt-realtime-1.5", parallel_tool_calls=value)
    assert errors_of(bot) == {"parallel_tool_calls": ["model_lacks_parallel_tools"]}
    valid_bot(model="gpt-realtime-2", parallel_tool_calls=value).full_clean()


@pytest.mark.django_db
def test_idle_timeout_needs_server_vad():
    bot = valid_bot(turn_detection="semantic_vad", idle_timeout_ms=8000)
    assert errors_of(bot) == {"idle_timeout_ms": ["idle_timeout_needs_server_vad"]}
    valid_bot(turn_detection="server_vad", idle_timeout_ms=8000).full_clean()


@pytest.mark.django_db
def test_retention_ratio_needs_its_ratio_and_fits_the_context():
    bot = valid_bot(truncation="retention_ratio")
    assert errors_of(bot) == {"truncation_retention_ratio": ["required"]}
    bot = valid_bot(
        model="gpt-realtime-mini",
        truncation="retention_ratio",
        truncation_retention_ratio=0.8,
        truncation_post_instructions_tokens=28_000,  # 32,000 − 4,096 = 27,904 at most
    )
    assert errors_of(bot) == {
        "truncation_post_instructions_tokens": ["limit_above_context"]
    }
    valid_bot(
        model="gpt-realtime-2.1-mini",
        truncation="retention_ratio",
        truncation_retention_ratio=0.8,
        truncation_post_instructions_tokens=28_000,
    ).full_clean()


@pytest.mark.django_db
def test_ratio_fields_without_retention_ratio_truncation_are_an_error():
    bot = valid_bot(truncation="auto", truncation_retention_ratio=0.5)
    assert errors_of(bot) == {"truncation": ["truncation_fields_unused"]}


@pytest.mark.django_db
def test_languages_and_keywords_need_a_model_that_takes_them():
    bot = valid_bot(
        input_transcription_model="gpt-realtime-whisper",
        transcription_languages="en, de",
        transcription_keywords="Acme",
    )
    assert errors_of(bot) == {
        "transcription_languages": ["transcription_model_lacks_hints"],
        "transcription_keywords": ["transcription_model_lacks_hints"],
    }
    valid_bot(
        input_transcription_model="gpt-transcribe",
        transcription_languages="en, de",
        transcription_keywords="Acme\nZürich",
    ).full_clean()


@pytest.mark.django_db
def test_language_codes_are_two_letters():
    bot = valid_bot(transcription_languages="en, german")
    assert errors_of(bot) == {"transcription_languages": ["invalid_language_code"]}


@pytest.mark.django_db
def test_custom_voices_need_a_model_that_speaks_them():
    voice = create_voice(provider_voice="alloy", custom_voice_id="voice_1234")
    bot = valid_bot(model="gpt-realtime-mini", voice=voice)
    assert errors_of(bot) == {"voice": ["model_lacks_custom_voices"]}
    valid_bot(model="gpt-realtime-2.1", voice=voice).full_clean()


@pytest.mark.django_db
def test_custom_voice_ids_look_like_voice_ids():
    voice = create_voice(name="Own", custom_voice_id="my voice")
    assert errors_of(voice) == {"custom_voice_id": ["invalid_custom_voice_id"]}


@pytest.mark.django_db
def test_an_azure_connection_s_model_decides_what_the_bot_may_use():
    azure = Connection.objects.create(
        name="Azure",
        kind="azure",
        base_url="https://res.openai.azure.com/openai/v1",
        azure_deployment="prod-rt",
        azure_model="gpt-realtime-mini",
        api_key_env="AZURE_KEY",
    )
    bot = valid_bot(connection=azure, model="gpt-realtime-2.1", reasoning_effort="high")
    assert bot.speech_model() == "gpt-realtime-mini"
    assert errors_of(bot) == {"reasoning_effort": ["model_lacks_reasoning"]}


@pytest.mark.django_db
def test_only_azure_connections_name_a_deployment_model():
    connection = Connection(
        name="OpenAI",
        kind="openai",
        api_key_env="OPENAI_API_KEY",
        azure_model="gpt-realtime",
    )
    assert errors_of(connection) == {"azure_model": ["azure_only"]}
