"""`manage.py test_bots`: exit status, progress, JUnit XML read by an independent parser."""

import io
import socket

import pytest
from django.core.management import CommandError, call_command
from junitparser import Error, Failure, JUnitXml, Skipped

from botbuilder.models import BotTestRun
from tests.botbuilder.bottests.conftest import make_test
from tests.conftest import create_bot

pytestmark = pytest.mark.django_db(transaction=True)

HOURS = [{"kind": "contains", "text": "monday"}]


def test_bots(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("test_bots", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return str(exc), out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


test_bots.__test__ = False


def test_passing_suite_exits_zero_with_junit(shop_bot, tmp_path):
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=HOURS)  # fmt: skip
    make_test(shop_bot, name="judged", caller_turn="what are your opening hours",
              checks=[{"kind": "judged", "criterion": "polite"}])  # fmt: skip
    report = tmp_path / "out" / "bots.xml"
    failure, out, err = test_bots(
        "--bot", "shop", "--repeat", "2", "--junit", str(report)
    )
    assert failure is None, out
    assert "ok  shop · hours  (2/2)" in out and "All bot tests passed." in out
    assert "2/2" in err and "test" in err  # the progress bar, in tests
    (suite,) = JUnitXml.fromfile(str(report))
    assert suite.name == "shop" and suite.tests == 2
    cases = {case.name: case for case in suite}
    assert set(cases) == {"hours", "judged"}
    assert cases["hours"].is_passed
    assert isinstance(cases["judged"].result[0], Skipped)
    assert "unknown" in cases["judged"].result[0].message
    assert "Monday to Friday" in cases["hours"].system_out


def test_failures_exit_non_zero_one_case_per_test_and_per_bot(
    shop_bot, tmp_path, settings
):
    with socket.socket() as free:  # nothing listens there: the command starts an engine
        free.bind(("127.0.0.1", 0))
        settings.OFFLINE_ENGINE_PORT = free.getsockname()[1]
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=HOURS)  # fmt: skip
    make_test(shop_bot, name="sunday", caller_turn="what are your opening hours",
              checks=[{"kind": "contains", "text": "sunday"}])  # fmt: skip
    other = create_bot(slug="broken", name="Broken", is_active=True,
                       variable_defaults={})  # fmt: skip
    make_test(other, name="x", caller_turn="hi", checks=HOURS)
    report = tmp_path / "bots.xml"
    failure, out, _ = test_bots("--junit", str(report), "--parallel", "1")
    assert failure == "2 bot test(s) failed."
    assert "Started an offline engine" in out
    assert "FAIL  shop · sunday" in out
    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(report))}
    assert set(suites) == {"shop", "broken"}
    cases = {case.name: case for case in suites["shop"]}
    assert isinstance(cases["sunday"].result[0], Failure)
    assert "contains 'sunday'" in cases["sunday"].result[0].message
    assert cases["hours"].is_passed
    (broken,) = list(suites["broken"])
    assert isinstance(broken.result[0], Error)
    assert BotTestRun.objects.count() == 2


def test_unknown_bot_and_bad_repeat_are_clear_errors(db):
    assert test_bots("--bot", "nope")[0] == "No bot with slug nope."
    assert "between 1 and 50" in test_bots("--repeat", "0")[0]
    assert "No active bot has tests" in test_bots()[0]
