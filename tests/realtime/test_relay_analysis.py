"""End to end: a preview call of the clinic demo bot on the offline engine ends, its
analysis job is queued, and running that job gives the triage result."""

import pytest
from channels.db import database_sync_to_async
from django_tasks_db.models import DBTaskResult

from botbuilder.models import SessionAnalysis
from botbuilder.services.demo import demo_clinic_seed, demo_seed
from tests.realtime.conftest import Browser

pytestmark = pytest.mark.django_db(transaction=True)
ENGINE_WAIT_S = 30.0


@pytest.fixture
def engine_default(offline_engine, settings):
    settings.OPENAI_API_KEY = ""
    settings.OFFLINE_ENGINE_HOST = offline_engine.host
    settings.OFFLINE_ENGINE_PORT = offline_engine.port
    return offline_engine


def _seed():
    demo_seed()
    return demo_clinic_seed()


def _run_queued_job() -> str:
    """Run the queued job the way the worker does (its task, its stored arguments)."""
    job = DBTaskResult.objects.get(status="READY")
    return job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])


async def test_ended_preview_call_is_analysed(engine_default, staff_cookie):
    bot = await database_sync_to_async(_seed)()
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start")
    started = await browser.until("session.started", within=10)
    await browser.until("transcript.done", role="assistant", within=ENGINE_WAIT_S)
    await browser.send(type="text", text="I have chest pain and I am short of breath")
    await browser.until("transcript.done", role="assistant", within=ENGINE_WAIT_S)
    await browser.send(type="session.end")
    await browser.until("session.ended", within=10)
    await browser.close()

    status = await database_sync_to_async(_run_queued_job)()
    analysis = await database_sync_to_async(SessionAnalysis.objects.get)(
        pk=started["session_id"]
    )
    assert status == "done", analysis.error
    assert analysis.data["urgency"] == "urgent"
    assert "chest pain" in analysis.data["red_flag_symptoms"]
    assert analysis.flagged is True
