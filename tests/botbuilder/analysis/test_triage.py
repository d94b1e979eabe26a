"""Offline analysis of stored triage calls (the clinic demo bot, the offline engine)."""

from botbuilder.analysis.services import analysis_enqueue, analysis_run
from botbuilder.models import SessionAnalysis
from tests.botbuilder.analysis.conftest import ADMIN_CALL, URGENT_CALL, ended_session


def _analyse(session) -> SessionAnalysis:
    analysis_enqueue(session_id=session.pk)
    analysis_run(session_id=session.pk)
    return SessionAnalysis.objects.get(pk=session.pk)


def test_urgent_call_gets_urgency_flags_and_callback(clinic_bot, engine_settings):
    analysis = _analyse(ended_session(clinic_bot, URGENT_CALL))
    assert analysis.status == "done", analysis.error
    assert analysis.data["urgency"] == "urgent"
    assert analysis.data["red_flag_symptoms"] == ["chest pain", "shortness of breath"]
    assert analysis.data["callback_needed"] is True
    assert "chest pain" in analysis.data["chief_complaint"]
    assert analysis.flagged is True
    assert analysis.successful is True
    assert analysis.criteria["next_step_given"]["passed"] is True
    assert "911" in analysis.criteria["next_step_given"]["rationale"]
    assert "chest pain" in analysis.summary and "call you back" in analysis.summary
    assert "chest pain" in analysis.rationales["urgency"]


def test_administrative_call_is_not_flagged(clinic_bot, engine_settings):
    analysis = _analyse(ended_session(clinic_bot, ADMIN_CALL))
    assert analysis.status == "done", analysis.error
    assert analysis.data["urgency"] == "administrative"
    assert analysis.data["red_flag_symptoms"] == []
    assert analysis.data["callback_needed"] is False
    assert analysis.flagged is False
    assert "reschedule" in analysis.data["chief_complaint"]


def test_conditions_skip_short_calls(clinic_bot, engine_settings):
    clinic_bot.analysis_plan.min_duration_s = 120
    clinic_bot.analysis_plan.save()
    analysis = _analyse(ended_session(clinic_bot, URGENT_CALL, seconds=30))
    assert analysis.status == "skipped"
    assert "30 s" in analysis.problems[0]
    assert analysis.data == {}


def test_rerun_starts_from_empty_results(clinic_bot, engine_settings):
    session = ended_session(clinic_bot, URGENT_CALL)
    _analyse(session)
    analysis = analysis_enqueue(session_id=session.pk)
    analysis.refresh_from_db()
    assert (analysis.status, analysis.data, analysis.summary) == ("pending", {}, "")
    assert analysis.flagged is False
