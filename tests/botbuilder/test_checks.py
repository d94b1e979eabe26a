"""System checks: a missing API key warns but never stops the admin."""

from django.core import checks
from django.core.management import call_command


def test_missing_api_key_is_a_warning_not_an_error(settings):
    settings.OPENAI_API_KEY = ""
    messages = checks.run_checks()

    assert "botbuilder.W001" in [m.id for m in messages]
    assert [m for m in messages if m.level >= checks.ERROR] == []
    call_command("check")  # raises SystemCheckError on any error


def test_no_warning_with_an_api_key(settings):
    settings.OPENAI_API_KEY = "sk-test"
    assert "botbuilder.W001" not in [m.id for m in checks.run_checks()]
