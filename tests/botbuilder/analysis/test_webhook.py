"""The end-of-call webhook: Standard Webhooks signatures, retries, the SSRF guard."""

import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from botbuilder.analysis.tasks import deliver_webhook
from botbuilder.analysis.webhook import backoff_s, webhook_deliver, webhook_enqueue
from botbuilder.models import AnalysisPlan, SessionAnalysis, WebhookDelivery
from tests.botbuilder.analysis.conftest import URGENT_CALL, ended_session
from tests.conftest import create_bot

RAW_KEY = b"0123456789abcdef0123456789abcdef"
WHSEC = "whsec_" + base64.b64encode(RAW_KEY).decode()


class Receiver:
    """An HTTP server on 127.0.0.1 answering with scripted (status, delay_s) pairs."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status, delay = (
                    receiver.answers.pop(0) if receiver.answers else (200, 0)
                )
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/calls"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(*answers):
        made.append(Receiver(*answers))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def allowed(monkeypatch):
    monkeypatch.setenv("TRIAGE_SECRET", WHSEC)
    with override_settings(
        ANALYSIS_WEBHOOK_SECRET_ENVS=["TRIAGE_SECRET"],
        WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"],
        WEBHOOK_TIMEOUT_S=1.0,
    ):
        yield


def _delivery(url: str, secret_env: str = "TRIAGE_SECRET") -> WebhookDelivery:
    bot = create_bot()
    AnalysisPlan.objects.create(bot=bot, webhook_url=url, webhook_secret_env=secret_env)
    session = ended_session(bot, URGENT_CALL)
    SessionAnalysis.objects.create(
        session=session,
        status="done",
        summary="Chest pain, told to call 911.",
        data={"urgency": "urgent"},
        successful=True,
        flagged=True,
    )
    return webhook_enqueue(session_id=session.pk)


def _next_job() -> dict:
    job = DBTaskResult.objects.filter(status="READY").order_by("-enqueued_at").first()
    assert job.task_path == "botbuilder.analysis.tasks.deliver_webhook"
    return job


@pytest.mark.django_db
def test_signature_verifies_with_standardwebhooks(allowed, receiver):
    server = receiver((200, 0))
    delivery = _delivery(server.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    request = server.requests[0]
    payload = Webhook(WHSEC).verify(request["body"], request["headers"])
    assert request["headers"]["webhook-id"] == delivery.message_id
    session = payload["data"]["session"]
    assert session["duration_s"] == 90 and session["cost_usd"] == "0.012000"
    assert payload["data"]["analysis"]["data"] == {"urgency": "urgent"}
    assert payload["data"]["links"]["json"].endswith(f"/{session['id']}/export/json/")
    tampered = request["body"].replace(b"urgent", b"routine")
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(WHSEC).verify(tampered, request["headers"])
    delivery.refresh_from_db()
    assert delivery.log[0]["status"] == 200 and delivery.attempts == 1


@pytest.mark.django_db
def test_plain_text_secret_is_used_as_its_bytes(allowed, receiver, monkeypatch):
    monkeypatch.setenv("TRIAGE_SECRET", "not-base64 secret")
    server = receiver((200, 0))
    webhook_deliver(delivery_id=_delivery(server.url).pk)
    request = server.requests[0]
    key = base64.b64encode(b"not-base64 secret").decode()
    assert Webhook(key).verify(request["body"], request["headers"])["type"]


@pytest.mark.django_db
def test_500_is_retried_through_the_queue_with_the_same_id(allowed, receiver):
    server = receiver((500, 0), (200, 0))
    delivery = _delivery(server.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "retrying"
    job = _next_job()
    delivery.refresh_from_db()
    assert job.run_after == delivery.next_attempt_at
    assert deliver_webhook.call(**job.args_kwargs["kwargs"]) == "delivered"
    ids = {r["headers"]["webhook-id"] for r in server.requests}
    assert ids == {delivery.message_id} and len(server.requests) == 2
    delivery.refresh_from_db()
    assert [e.get("status") for e in delivery.log] == [500, 200]


@pytest.mark.django_db
def test_timeout_is_retried(allowed, receiver):
    server = receiver((200, 3), (200, 0))
    delivery = _delivery(server.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert "DeadlineExceeded" in delivery.error
    assert deliver_webhook.call(**_next_job().args_kwargs["kwargs"]) == "delivered"


@pytest.mark.django_db
@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_gives_up_after_the_last_attempt(allowed, receiver):
    server = receiver((500, 0), (503, 0))
    delivery = _delivery(server.url)
    webhook_deliver(delivery_id=delivery.pk)
    assert deliver_webhook.call(**_next_job().args_kwargs["kwargs"]) == "failed"
    assert DBTaskResult.objects.count() == 1  # attempt 2 queued no third


@pytest.mark.django_db
def test_ssrf_guard_blocks_loopback(receiver, monkeypatch):
    monkeypatch.setenv("TRIAGE_SECRET", WHSEC)
    server = receiver((200, 0))
    with override_settings(ANALYSIS_WEBHOOK_SECRET_ENVS=["TRIAGE_SECRET"]):
        delivery = _delivery(server.url)
        assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "resolves to 127.0.0.1" in delivery.error
    assert server.requests == []
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db
def test_secret_variable_must_be_allowed(receiver, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-a-webhook-secret")
    server = receiver((200, 0))
    with override_settings(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]):
        delivery = _delivery(server.url, secret_env="OPENAI_API_KEY")
        assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "may not be used as a secret" in delivery.error
    assert server.requests == []


@override_settings(WEBHOOK_RETRY_BASE_S=5)
def test_backoff_doubles_and_is_capped():
    assert [backoff_s(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_s(30) == 3600


@pytest.mark.django_db
def test_malformed_whsec_secret_is_a_clear_failure(allowed, receiver, monkeypatch):
    monkeypatch.setenv("TRIAGE_SECRET", "whsec_not*base64")
    server = receiver((200, 0))
    delivery = _delivery(server.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "not base64" in delivery.error and "not*base64" not in delivery.error
    assert server.requests == []
