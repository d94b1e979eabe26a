"""Analysis in the admin: the block atop the session page, columns, filters, actions,
CSV with one column per field, the JSON export, the plan inline on the bot page."""

import csv
import io
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from botbuilder.analysis.plan import plan_snapshot
from botbuilder.models import SessionAnalysis, WebhookDelivery
from tests.botbuilder.analysis.conftest import ADMIN_CALL, URGENT_CALL, ended_session

CHANGELIST = "admin:botbuilder_session_changelist"


def _analysed(bot, turns, **fields):
    session = ended_session(bot, turns)
    SessionAnalysis.objects.create(
        session=session,
        status="done",
        plan_snapshot=plan_snapshot(bot.analysis_plan),
        **fields,
    )
    return session


@pytest.fixture
def sessions(clinic_bot):
    urgent = _analysed(
        clinic_bot,
        URGENT_CALL,
        summary="Chest pain; told to call 911.",
        data={"urgency": "urgent", "chief_complaint": "chest pain",
              "red_flag_symptoms": ["chest pain"], "callback_needed": True},
        rationales={"urgency": "Said in the call: chest pain"},
        criteria={"next_step_given": {"passed": True, "rationale": "911"}},
        successful=True,
        flagged=True,
    )  # fmt: skip
    admin = _analysed(
        clinic_bot,
        ADMIN_CALL,
        data={"urgency": "administrative", "chief_complaint": "reschedule",
              "red_flag_symptoms": [], "callback_needed": False},
        criteria={"next_step_given": {"passed": False, "rationale": "none"}},
        successful=False,
    )  # fmt: skip
    return urgent, admin


def _listed(response) -> set[str]:
    return {str(s.pk) for s in response.context["cl"].result_list}


@pytest.mark.django_db
def test_session_page_shows_the_analysis_before_the_transcript(staff_client, sessions):
    urgent, _ = sessions
    page = staff_client.get(
        reverse("admin:botbuilder_session_change", args=[urgent.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chest pain; told to call 911." in html and "Flagged for review" in html
    assert "Said in the call: chest pain" in html
    assert html.index('id="session-analysis"') < html.index(URGENT_CALL[1][1])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ({"analysis_urgency": "urgent"}, {0}),
        ({"analysis_urgency": "administrative"}, {1}),
        ({"analysis__flagged__exact": "1"}, {0}),
        ({"analysis__successful__exact": "0"}, {1}),
    ],
)
def test_list_filters(staff_client, sessions, query, expected):
    response = staff_client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    assert _listed(response) == {str(sessions[i].pk) for i in expected}


@pytest.mark.django_db
def test_list_columns(staff_client, sessions):
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "column-analysis_status" in html and "column-analysis_flagged" in html


@pytest.mark.django_db
def test_csv_action_has_one_column_per_field(staff_client, sessions):
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "export_analysis_csv",
         ACTION_CHECKBOX_NAME: [str(s.pk) for s in sessions]},
    )  # fmt: skip
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    assert [r["urgency"] for r in rows] == ["urgent", "administrative"]
    assert rows[0]["red_flag_symptoms"] == '["chest pain"]'
    assert rows[0]["callback_needed"] == "true"
    assert rows[0]["criterion:next_step_given"] == "true"
    assert rows[1]["successful"] == "false"


@pytest.mark.django_db
def test_json_export_holds_the_analysis(staff_client, sessions):
    url = reverse("admin:botbuilder_session_export", args=[sessions[0].pk, "json"])
    body = json.loads(b"".join(staff_client.get(url).streaming_content))
    assert body["analysis"]["data"]["urgency"] == "urgent"
    assert body["analysis"]["criteria"]["next_step_given"]["rationale"] == "911"


@pytest.mark.django_db
def test_rerun_action_queues_jobs(staff_client, sessions):
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "rerun_analysis",
         ACTION_CHECKBOX_NAME: [str(s.pk) for s in sessions]},
        follow=True,
    )  # fmt: skip
    assert "Queued the analysis of 2 session(s)." in response.content.decode()
    assert set(SessionAnalysis.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.django_db(transaction=True)
def test_rerun_enqueues_after_commit(client, django_user_model, clinic_bot):
    from botbuilder.analysis.services import analysis_enqueue

    session = ended_session(clinic_bot, URGENT_CALL)
    analysis_enqueue(session_id=session.pk)
    assert DBTaskResult.objects.filter(task_path__endswith="run_analysis").count() == 1


@pytest.mark.django_db
def test_webhook_log_on_the_session_page(staff_client, sessions):
    WebhookDelivery.objects.create(
        session=sessions[0],
        url="https://example.com/h",
        status="retrying",
        error="HTTP 500",
    )
    page = staff_client.get(
        reverse("admin:botbuilder_session_change", args=[sessions[0].pk])
    )
    assert "end-of-call webhook deliveries" in page.content.decode().lower()
    assert "HTTP 500" in page.content.decode()


@pytest.mark.django_db
def test_bot_page_has_the_plan_inline(staff_client, clinic_bot):
    page = staff_client.get(
        reverse("admin:botbuilder_bot_change", args=[clinic_bot.pk])
    )
    assert page.status_code == 200
    assert "Post-call analysis" in page.content.decode()
    assert "analysis_plan-0-summary_prompt" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["analysisdatafield", "analysiscriterion", "analysisplan"]
)
def test_analysis_config_pages_render(staff_client, clinic_bot, model):
    assert (
        staff_client.get(reverse(f"admin:botbuilder_{model}_changelist")).status_code
        == 200
    )
    assert staff_client.get(reverse(f"admin:botbuilder_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_monitor_shows_the_analysis_once_ended(staff_client, sessions):
    urgent = sessions[0]
    page = staff_client.get(
        reverse("monitor:session", args=[urgent.pk])
    ).content.decode()
    assert 'id="monitor-analysis"' in page and "Chest pain; told to call 911." in page
    assert 'id="monitor-analysis" class="monitor-analysis" hidden' not in page
    data = staff_client.get(
        reverse("monitor:session_analysis", args=[urgent.pk])
    ).json()
    assert data["analysis"]["status"] == "done"
    assert data["analysis"]["data"]["urgency"] == "urgent"


@pytest.mark.django_db
def test_monitor_analysis_needs_the_view_permission(plain_staff_client, sessions):
    url = reverse("monitor:session_analysis", args=[sessions[0].pk])
    assert plain_staff_client.get(url).status_code == 403
