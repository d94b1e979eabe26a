"""Upstream URLs and headers per provider; the key only ever in headers."""

import pytest

from realtime.providers import (
    ConnectionSpec,
    ProviderConfigError,
    adapt_session,
    upstream_target,
)


def test_openai_uses_bearer_key_from_the_named_variable(monkeypatch):
    monkeypatch.setenv("BOT_SECRET_MY_OPENAI_KEY", "sk-abc")
    target = upstream_target(
        ConnectionSpec("openai", "gpt-realtime", api_key_env="BOT_SECRET_MY_OPENAI_KEY")
    )
    assert target.url == "wss://api.openai.com/v1/realtime?model=gpt-realtime"
    assert target.headers == {"Authorization": "Bearer sk-abc"}
    assert "sk-abc" not in repr(target) and "sk-abc" not in str(target)


def test_openai_key_falls_back_to_settings_value_for_openai_api_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    spec = ConnectionSpec("openai", "gpt-realtime-mini", api_key_env="OPENAI_API_KEY")
    target = upstream_target(spec, openai_key_fallback="sk-from-dotenv")
    assert target.headers["Authorization"] == "Bearer sk-from-dotenv"


def test_azure_ga_url_and_api_key_header(monkeypatch):
    monkeypatch.setenv("BOT_SECRET_AZ_KEY", "az-123")
    spec = ConnectionSpec(
        "azure",
        "gpt-realtime",
        base_url="https://res.openai.azure.com/openai/v1/",
        azure_deployment="my-rt",
        api_key_env="BOT_SECRET_AZ_KEY",
    )
    target = upstream_target(spec)
    assert target.url == "wss://res.openai.azure.com/openai/v1/realtime?model=my-rt"
    assert target.headers == {"api-key": "az-123"}
    assert (
        adapt_session(spec, {"type": "realtime", "model": "gpt-realtime"})["model"]
        == "my-rt"
    )


def test_compatible_accepts_ws_urls_and_works_without_a_key():
    spec = ConnectionSpec(
        "compatible", "gpt-realtime-mini", base_url="ws://127.0.0.1:9999/v1"
    )
    target = upstream_target(spec)
    assert target.url == "ws://127.0.0.1:9999/v1/realtime?model=gpt-realtime-mini"
    assert target.headers == {}
    spec = ConnectionSpec("compatible", "m", base_url="http://h:1/x/realtime")
    assert upstream_target(spec).url == "ws://h:1/x/realtime?model=m"


def test_offline_engine_url_carries_the_voice_settings():
    spec = ConnectionSpec(
        "offline",
        "gpt-realtime-mini",
        offline_voice="en-us+f3",
        offline_rate_wpm=180,
        offline_pitch=40,
    )
    target = upstream_target(spec, offline_host="127.0.0.1", offline_port=8765)
    assert target.url == (
        "ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime-mini"
        "&espeak_voice=en-us%2Bf3&espeak_rate=180&espeak_pitch=40"
    )
    assert target.headers == {}


def test_missing_key_is_a_readable_error_naming_the_variable(monkeypatch):
    monkeypatch.delenv("BOT_SECRET_NOT_SET_KEY", raising=False)
    with pytest.raises(ProviderConfigError, match="BOT_SECRET_NOT_SET_KEY"):
        upstream_target(
            ConnectionSpec(
                "openai", "gpt-realtime", api_key_env="BOT_SECRET_NOT_SET_KEY"
            )
        )
    with pytest.raises(ProviderConfigError):
        upstream_target(ConnectionSpec("azure", "gpt-realtime", api_key_env="X"))
    with pytest.raises(ProviderConfigError, match="must start with"):
        upstream_target(ConnectionSpec("compatible", "m", base_url="ftp://x/v1"))
