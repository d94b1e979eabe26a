"""The demo bot ships with a suite that passes against the offline engine (text mode)."""

import io

import pytest
from django.core.management import call_command

from botbuilder.demo_tests import TESTS
from botbuilder.models import BotTest

pytestmark = pytest.mark.django_db(transaction=True)


def test_seeded_demo_suite_passes_on_the_offline_engine(engine_default, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    kinds = set(BotTest.objects.values_list("kind", flat=True))
    assert BotTest.objects.count() == len(TESTS) >= 8
    assert kinds == {"reply", "tool", "scenario", "simulation"}
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert BotTest.objects.count() == len(TESTS)
    out = io.StringIO()
    call_command("test_bots", "--bot", "acme-support", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "All bot tests passed." in text
    assert text.count("     ok  acme-support") == len(TESTS) - 1
    assert "skipped  acme-support · Impatient caller" in text  # offline: no simulation
