"""A webhook tool through the live relay: a real HTTP call, its output handed to the model."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from channels.db import database_sync_to_async

from botbuilder.models import TranscriptItem
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import new_id

pytestmark = pytest.mark.django_db(transaction=True)


class OrderApi(BaseHTTPRequestHandler):
    """GET /orders/<number> → the order's status, with the Authorization header echoed."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        number = self.path.rsplit("/", 1)[-1]
        body = json.dumps(
            {
                "data": {"order": {"number": number, "status": "shipped"}},
                "auth_seen": self.headers.get("Authorization", ""),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def order_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OrderApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_webhook_output_reaches_the_model_and_the_transcript(
    fake_upstream, open_session, order_api, settings, monkeypatch
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setenv("BOT_SECRET_ORDER_API_TOKEN", "tok-relay-secret-7")

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "order_lookup", '{"order_number": "4567"}', 0
        )
        await conn.response_done(response_id, output=[call])
        conn.output = (await conn.expect("conversation.item.create"))["item"]
        await conn.expect("response.create")
        await conn.reply("Order 4567 has shipped.")

    fake = await fake_upstream(script)
    webhook = {
        "name": "order_lookup",
        "kind": "webhook",
        "static_response": "",
        "webhook_method": "GET",
        "webhook_url": order_api + "/orders/{order_number}",
        "webhook_headers": {"Authorization": "Bearer ${BOT_SECRET_ORDER_API_TOKEN}"},
        "webhook_response_path": "data.order",
    }
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[webhook])
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send(type="text", text="Where is order 4567?")
    result = await browser.until("tool.result", name="order_lookup")
    await browser.until("transcript.done", role="assistant")
    await browser.close()

    assert not fake.errors
    assert result["status"] == "ok"
    output = fake.connections[0].output
    assert output["type"] == "function_call_output"
    assert json.loads(output["output"]) == {"number": "4567", "status": "shipped"}
    row = await database_sync_to_async(
        lambda: TranscriptItem.objects.get(
            session_id=session_id, tool_name="order_lookup"
        )
    )()
    assert row.tool_status == "ok" and row.tool_arguments == {"order_number": "4567"}
    assert "tok-relay-secret-7" not in json.dumps(browser.events)
    assert "tok-relay-secret-7" not in row.tool_result
