"""The analysis job: failures stored with their reason, transport errors retried later."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from botbuilder.analysis.services import ANALYSIS_RETRY_DELAYS_S, analysis_run
from botbuilder.models import AnalysisPlan, Connection, SessionAnalysis
from botbuilder.services.sessions import session_end
from tests.botbuilder.analysis.conftest import URGENT_CALL, ended_session
from tests.conftest import create_bot
from tests.realtime.fake_upstream import FakeUpstream, new_id


def _bot_on(url: str):
    connection = Connection.objects.create(
        name="Fake", kind="compatible", base_url=url, api_key_env=""
    )
    bot = create_bot(connection=connection)
    AnalysisPlan.objects.create(bot=bot)
    return bot


def _answers(*arguments):
    async def script(conn):
        await conn.session_created()
        for text in arguments:
            await conn.expect("response.create")
            response_id = new_id("resp")
            await conn.response_start(response_id)
            item = await conn.function_call(response_id, "record_call_analysis", text)
            await conn.response_done(response_id, output=[item])

    return script


@pytest.fixture
def fake_server():
    import asyncio
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers = []

    def start(*scripts):
        server = FakeUpstream(*scripts)
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(5)
        servers.append(server)
        return server

    yield start
    for server in servers:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)


@pytest.mark.django_db
def test_two_invalid_answers_store_a_failed_analysis(fake_server):
    server = fake_server(_answers('{"summary": 1}', '{"summary": "x"}'))
    session = ended_session(_bot_on(server.base_url), URGENT_CALL)
    SessionAnalysis.objects.create(session=session)
    assert analysis_run(session_id=session.pk) == "failed"
    analysis = SessionAnalysis.objects.get(pk=session.pk)
    assert "No valid answer after 2 attempts" in analysis.error
    assert "'data' is a required property" in analysis.error
    assert analysis.successful is None


@pytest.mark.django_db
def test_valid_answer_after_correction_is_stored(fake_server):
    good = json.dumps({"summary": "Chest pain.", "data": {}, "criteria": {}})
    server = fake_server(_answers("{oops", good))
    session = ended_session(_bot_on(server.base_url), URGENT_CALL)
    SessionAnalysis.objects.create(session=session)
    assert analysis_run(session_id=session.pk) == "done"
    analysis = SessionAnalysis.objects.get(pk=session.pk)
    assert analysis.summary == "Chest pain." and analysis.successful is True
    assert analysis.cost_usd > 0  # the fake server reports usage


@pytest.mark.django_db
@override_settings(ANALYSIS_TIMEOUT_S=2)
def test_transport_error_is_retried_later_with_backoff(fake_server):
    server = fake_server()
    url = server.base_url
    session = ended_session(_bot_on(url.replace(str(server.port), "1")), URGENT_CALL)
    SessionAnalysis.objects.create(session=session)
    before = timezone.now()
    assert analysis_run(session_id=session.pk, attempt=1) == "pending"
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["kwargs"] == {"session_id": str(session.pk), "attempt": 2}
    assert job.run_after >= before + timedelta(seconds=ANALYSIS_RETRY_DELAYS_S[0])
    assert "retrying" in SessionAnalysis.objects.get(pk=session.pk).error
    last = len(ANALYSIS_RETRY_DELAYS_S) + 1
    assert analysis_run(session_id=session.pk, attempt=last) == "failed"
    assert "failed 4 times" in SessionAnalysis.objects.get(pk=session.pk).error


@pytest.mark.django_db(transaction=True)
def test_session_end_queues_the_analysis_job(clinic_bot):
    session = ended_session(clinic_bot, URGENT_CALL)
    type(session).objects.filter(pk=session.pk).update(ended_at=None, status="active")
    assert session_end(
        session_id=session.pk, status="completed", reason="client_closed"
    )
    assert SessionAnalysis.objects.get(pk=session.pk).status == "pending"
    job = DBTaskResult.objects.get()
    assert job.task_path == "botbuilder.analysis.tasks.run_analysis"
    assert job.args_kwargs["kwargs"]["session_id"] == str(session.pk)
