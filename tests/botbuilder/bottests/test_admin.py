"""Admin: tests per bot, "Run tests" through the background queue, test from a session."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from botbuilder.bottests.from_session import session_turns, suggested_phrase
from botbuilder.models import BotTest, BotTestRun, Session, TranscriptItem
from tests.botbuilder.bottests.conftest import HOURS, make_test
from tests.conftest import create_bot

pytestmark = pytest.mark.django_db(transaction=True)


def _run_queued_job():
    """Run the queued job the way the worker does (its task, its stored arguments)."""
    job = DBTaskResult.objects.get(status="READY")
    return job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])


def test_run_tests_action_queues_runs_the_worker_executes(staff_client, shop_bot):
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=[{"kind": "contains", "text": "monday"}])  # fmt: skip
    idle = create_bot(slug="idle", name="Idle")
    response = staff_client.post(
        reverse("admin:botbuilder_bot_changelist"),
        {"action": "run_tests_action", "_selected_action": [shop_bot.pk, idle.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Queued 1 tests of Support line" in text
    assert "Idle has no enabled tests." in text
    run = BotTestRun.objects.get()
    assert run.status == "queued" and run.total == 1
    page = staff_client.get(reverse("admin:botbuilder_bottestrun_changelist"))
    assert "0/1 tests (queued)" in page.content.decode()
    assert _run_queued_job() == "passed"
    run.refresh_from_db()
    assert run.status == "passed" and run.done == 1
    page = staff_client.get(
        reverse("admin:botbuilder_bottestrun_change", args=[run.pk])
    )
    assert (
        "1/1 (100%)" in page.content.decode() and "first run" in page.content.decode()
    )


def test_regressions_are_highlighted(staff_client, shop_bot):
    test = make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
                     checks=[{"kind": "contains", "text": "monday"}])  # fmt: skip
    from botbuilder.bottests.services import run_create, run_execute

    run_execute(run_id=run_create(bot=shop_bot).pk)
    test.checks = [{"kind": "contains", "text": "sunday"}]
    test.save()
    run = run_execute(run_id=run_create(bot=shop_bot).pk)
    page = staff_client.get(
        reverse("admin:botbuilder_bottestrun_change", args=[run.pk])
    )
    assert "REGRESSION (was passed)" in page.content.decode()
    listing = staff_client.get(reverse("admin:botbuilder_bottest_changelist"))
    assert "⚠ regression" in listing.content.decode()


def test_test_form_shows_errors_next_to_fields_and_the_offline_note(staff_client, bot):
    url = reverse("admin:botbuilder_bottest_add")
    page = staff_client.get(url).content.decode()
    assert "only scripted tests (reply, tool, scenario) run" in page
    response = staff_client.post(url, {
        "bot": bot.pk, "name": "bad", "kind": "reply", "is_enabled": "on", "repeat": 1,
        "history": "[]", "caller_turn": "hi", "checks": '[{"kind": "regex", "pattern": "("}]',
        "turns": "[]", "persona": "", "goal": "", "max_turns": 6, "criteria": "[]",
        "mocks": "[]", "unmatched_tool_calls": "real",
    })  # fmt: skip
    assert response.status_code == 200
    assert "does not compile" in response.content.decode()
    assert not BotTest.objects.exists()
    response = staff_client.post(url, {
        "bot": bot.pk, "name": "sim", "kind": "simulation", "is_enabled": "on",
        "repeat": 1, "history": "[]", "caller_turn": "", "checks": "[]", "turns": "[]",
        "persona": "an impatient caller", "goal": "get a refund", "max_turns": 6,
        "criteria": '["The caller is offered a refund"]', "mocks": "[]",
        "unmatched_tool_calls": "real",
    }, follow=True)  # fmt: skip
    assert "only scripted tests" in response.content.decode()
    assert BotTest.objects.get().kind == "simulation"


def _session_with_items(bot):
    session = Session.objects.create(bot=bot, bot_name=bot.name, channel="preview")
    rows = [
        ("assistant", "message", "Hello, how can I help?", ""),
        ("user", "message", "what are your opening hours", ""),
        ("assistant", "message", HOURS, ""),
        ("user", "message", "where is order 5", ""),
        ("assistant", "function_call", "", "get_order_status"),
        ("assistant", "message", "It has shipped.", ""),
    ]
    for seq, (role, kind, text, tool) in enumerate(rows, 1):
        TranscriptItem.objects.create(
            session=session, seq=seq, role=role, kind=kind, text=text, tool_name=tool
        )
    return session


def test_create_a_test_from_a_session(staff_client, shop_bot):
    session = _session_with_items(shop_bot)
    assert session_turns(session) == [
        {"say": "what are your opening hours",
         "checks": [{"kind": "contains",
                     "text": "Our opening hours are Monday to Friday from nine in the"}]},
        {"say": "where is order 5",
         "checks": [{"kind": "tool_called", "tool": "get_order_status"},
                    {"kind": "contains", "text": "It has shipped"}]},
    ]  # fmt: skip
    response = staff_client.post(
        reverse("admin:botbuilder_session_changelist"),
        {"action": "test_from_session_action", "_selected_action": [session.pk]},
    )
    test = BotTest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:botbuilder_bottest_change", args=[test.pk])
    assert test.kind == "scenario" and test.bot == shop_bot and len(test.turns) == 2
    from botbuilder.bottests.services import run_create, run_execute

    run = run_execute(run_id=run_create(bot=shop_bot).pk)  # the suggested checks hold
    result = run.results.get()
    # The reply and the tool call are as in the session; the engine words the order's
    # status its own way ("status shipped").
    assert [c["outcome"] for c in result.checks[0]] == ["passed", "passed", "failed"]


def test_a_session_without_caller_turns_is_refused(staff_client, bot):
    session = Session.objects.create(bot=bot, bot_name=bot.name, channel="preview")
    response = staff_client.post(
        reverse("admin:botbuilder_session_changelist"),
        {"action": "test_from_session_action", "_selected_action": [session.pk]},
        follow=True,
    )
    assert "no caller turn to script" in response.content.decode()
    assert not BotTest.objects.exists()


def test_suggested_phrase_is_the_opening_sentence():
    assert suggested_phrase("Yes, we are open. Come by.") == "Yes, we are open"
    assert len(suggested_phrase("word " * 40)) <= 60


def test_run_tests_button_on_the_bot_page_and_the_run_page_refreshes(
    staff_client, shop_bot
):
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=[{"kind": "contains", "text": "monday"}])  # fmt: skip
    page = staff_client.get(reverse("admin:botbuilder_bot_change", args=[shop_bot.pk]))
    start = reverse("admin:botbuilder_bottestrun_start", args=[shop_bot.pk])
    assert start in page.content.decode()
    assert staff_client.get(start).status_code == 405
    response = staff_client.post(start, follow=True)
    assert "Queued 1 tests of Support line" in response.content.decode()
    run = BotTestRun.objects.get()
    page = staff_client.get(
        reverse("admin:botbuilder_bottestrun_change", args=[run.pk])
    )
    assert 'http-equiv="refresh"' in page.content.decode()
    _run_queued_job()
    page = staff_client.get(
        reverse("admin:botbuilder_bottestrun_change", args=[run.pk])
    )
    assert 'http-equiv="refresh"' not in page.content.decode()
