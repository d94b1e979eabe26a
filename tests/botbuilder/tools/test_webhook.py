"""Webhook tools against a real HTTP server on 127.0.0.1."""

import json
import logging
import socket

import pytest

from botbuilder.tools import run_tool
from tests.botbuilder.tools.conftest import SECRET_VALUE, context, webhook_spec


async def call(spec, arguments="{}", **variables):
    return await run_tool(spec=spec, arguments=arguments, context=context(**variables))


async def test_webhook_success_hands_the_model_the_json(http_server, allow_local):
    outcome = await call(webhook_spec(f"{http_server.base_url}/ok"))
    assert outcome.status == "ok", outcome.error
    assert json.loads(outcome.output)["data"]["order"]["status"] == "shipped"
    assert outcome.detail["response"]["status"] == 200
    assert outcome.detail["response"]["address"] == "127.0.0.1"
    assert outcome.detail["request"]["method"] == "GET"
    assert outcome.duration_ms >= 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data.order.status", "shipped"),
        ("items.1.name", "second"),
        ("data.order", {"status": "shipped", "eta": "Tuesday"}),
    ],
)
async def test_response_path_picks_part_of_the_response(
    http_server, allow_local, path, expected
):
    outcome = await call(
        webhook_spec(f"{http_server.base_url}/ok", webhook_response_path=path)
    )
    assert outcome.status == "ok"
    got = outcome.output if isinstance(expected, str) else json.loads(outcome.output)
    assert got == expected


async def test_missing_response_path_is_a_clear_error(http_server, allow_local):
    outcome = await call(
        webhook_spec(
            f"{http_server.base_url}/ok", webhook_response_path="data.invoice.total"
        )
    )
    assert outcome.status == "error"
    assert "'invoice'" in outcome.error and "data" in outcome.error


async def test_url_placeholders_are_filled_and_encoded(http_server, allow_local):
    spec = webhook_spec(
        f"{http_server.base_url}/echo/{{order_number}}?shop={{{{shop}}}}"
    )
    outcome = await call(spec, '{"order_number": "12/34 x&y"}', shop="Acme & Co")
    assert outcome.status == "ok"
    assert (
        http_server.received[-1]["path"] == "/echo/12%2F34%20x%26y?shop=Acme%20%26%20Co"
    )


async def test_missing_url_argument_is_a_correctable_error(http_server, allow_local):
    outcome = await call(webhook_spec(f"{http_server.base_url}/echo/{{order_number}}"))
    assert outcome.status == "invalid_arguments"
    assert "order_number" in json.loads(outcome.output)["error"]
    assert http_server.received == []


async def test_post_body_template_keeps_argument_types(http_server, allow_local):
    spec = webhook_spec(
        f"{http_server.base_url}/echo",
        webhook_method="POST",
        webhook_body_template={
            "order": "{order_number}",
            "quantity": "{qty}",
            "note": "for {{shop}}",
        },
    )
    outcome = await call(spec, '{"order_number": "A1", "qty": 3}', shop="Acme")
    assert outcome.status == "ok"
    received = http_server.received[-1]
    assert received["method"] == "POST"
    assert json.loads(received["body"]) == {
        "order": "A1",
        "quantity": 3,
        "note": "for Acme",
    }
    assert received["headers"]["Content-Type"].startswith("application/json")


async def test_post_without_template_sends_the_arguments(http_server, allow_local):
    spec = webhook_spec(f"{http_server.base_url}/echo", webhook_method="POST")
    await call(spec, '{"order_number": "A1", "qty": 2}')
    assert json.loads(http_server.received[-1]["body"]) == {
        "order_number": "A1",
        "qty": 2,
    }


async def test_timeout_gives_a_timeout_outcome(http_server, allow_local):
    outcome = await call(
        webhook_spec(f"{http_server.base_url}/slow?s=3", webhook_timeout_s=0.5)
    )
    assert outcome.status == "timeout"
    assert "0.5 seconds" in outcome.error
    assert outcome.duration_ms < 2500  # gave up long before the endpoint's 3 s answer


async def test_timeout_covers_a_slowly_trickling_body(http_server, allow_local):
    spec = webhook_spec(f"{http_server.base_url}/trickle", webhook_timeout_s=0.7)
    outcome = await call(spec)
    assert outcome.status == "timeout"
    assert (
        outcome.duration_ms < 2000
    )  # the body would take 3 s; the deadline is overall


async def test_http_500_is_an_error_with_status_and_excerpt(http_server, allow_local):
    outcome = await call(webhook_spec(f"{http_server.base_url}/error"))
    assert outcome.status == "error"
    assert "HTTP 500" in outcome.error
    output = json.loads(outcome.output)
    assert output["http_status"] == 500
    assert "database exploded" in output["body_excerpt"]


@pytest.mark.parametrize("path", ["huge", "huge-chunked"])
async def test_huge_response_is_refused(http_server, allow_local, path):
    outcome = await call(
        webhook_spec(f"{http_server.base_url}/{path}", webhook_max_response_bytes=4096)
    )
    assert outcome.status == "error"
    assert outcome.error.startswith("response too large")


async def test_long_response_is_truncated_for_the_model(http_server, allow_local):
    outcome = await call(
        webhook_spec(
            f"{http_server.base_url}/huge", webhook_max_response_bytes=1_000_000
        )
    )
    from botbuilder.tools.base import MODEL_OUTPUT_MAX_CHARS, TRUNCATION_MARKER

    assert outcome.status == "ok"
    assert len(outcome.output) == MODEL_OUTPUT_MAX_CHARS
    assert outcome.output.endswith(TRUNCATION_MARKER)


async def test_invalid_json_declared_as_json_is_an_error(http_server, allow_local):
    outcome = await call(webhook_spec(f"{http_server.base_url}/invalid-json"))
    assert outcome.status == "error"
    assert "not valid JSON" in outcome.error
    assert outcome.detail["response"]["body_excerpt"].startswith('{"status"')


async def test_plain_text_response_is_handed_over_as_text(http_server, allow_local):
    outcome = await call(webhook_spec(f"{http_server.base_url}/text"))
    assert outcome.status == "ok"
    assert outcome.output == "Your order ships on Tuesday."


async def test_plain_text_with_a_response_path_is_an_error(http_server, allow_local):
    outcome = await call(
        webhook_spec(f"{http_server.base_url}/text", webhook_response_path="status")
    )
    assert outcome.status == "error"


async def test_empty_204_response_is_ok(http_server, allow_local):
    outcome = await call(
        webhook_spec(f"{http_server.base_url}/empty", webhook_method="POST")
    )
    assert outcome.status == "ok"
    assert json.loads(outcome.output) == {"ok": True, "http_status": 204}


async def test_loopback_is_refused_without_the_allow_list(http_server, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    outcome = await call(webhook_spec(f"{http_server.base_url}/ok"))
    assert outcome.status == "error"
    assert "refused" in outcome.error and "loopback" in outcome.error
    assert http_server.received == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://10.0.0.1/admin", "private"),
        (
            "http://localhost:{port}/ok",
            "loopback",
        ),  # 127.0.0.1, but under a name not allowed
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
async def test_redirect_to_a_private_address_is_refused(
    http_server, allow_local, target, reason
):
    target = target.format(port=http_server.server_port)
    spec = webhook_spec(f"{http_server.base_url}/redirect?to={target}")
    outcome = await call(spec)
    assert outcome.status == "error"
    assert "refused" in outcome.error and reason in outcome.error
    assert (
        len(http_server.received) == 1
    )  # only the first, allowed hop reached a server
    assert outcome.detail["redirects"][0]["status"] == 302


async def test_redirect_within_allowed_host_is_followed(http_server, allow_local):
    spec = webhook_spec(f"{http_server.base_url}/redirect?to=/ok&status=307")
    outcome = await call(spec)
    assert outcome.status == "ok"
    assert outcome.detail["redirects"] == [
        {"status": 307, "location": f"{http_server.base_url}/ok"}
    ]


async def test_redirect_303_turns_post_into_get(http_server, allow_local):
    spec = webhook_spec(
        f"{http_server.base_url}/redirect?to=/echo&status=303", webhook_method="POST"
    )
    outcome = await call(spec, '{"order_number": "1"}')
    assert outcome.status == "ok"
    assert json.loads(outcome.output)["method"] == "GET"


async def test_too_many_redirects_are_refused(http_server, allow_local):
    loop = f"{http_server.base_url}/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/redirect%25253Fto%25253D/ok"
    outcome = await call(webhook_spec(loop))
    assert outcome.status == "error"
    assert "redirected more than 3 times" in outcome.error


async def test_secret_header_is_sent_resolved_and_never_stored_or_logged(
    http_server, allow_local, monkeypatch, caplog
):
    monkeypatch.setenv("BOT_SECRET_SHOP_API_TOKEN", SECRET_VALUE)
    caplog.set_level(logging.DEBUG)
    spec = webhook_spec(
        f"{http_server.base_url}/echo",
        webhook_headers={
            "Authorization": "Bearer ${BOT_SECRET_SHOP_API_TOKEN}",
            "X-Shop": "acme",
        },
    )
    outcome = await call(spec)
    assert outcome.status == "ok"
    received = http_server.received[-1]["headers"]
    assert received["Authorization"] == f"Bearer {SECRET_VALUE}"
    assert received["X-Shop"] == "acme"
    # The echo endpoint sent the secret back: it is scrubbed before the model sees it.
    assert json.loads(outcome.output)["headers"]["Authorization"] == "Bearer ••••"
    assert outcome.detail["request"]["headers"]["Authorization"] == "Bearer ••••"
    stored = json.dumps([outcome.output, outcome.error, outcome.detail])
    assert SECRET_VALUE not in stored
    assert SECRET_VALUE not in caplog.text
    assert (
        "webhook tool lookup_order" in caplog.text
    )  # the call was logged, without the secret


async def test_missing_secret_env_var_is_a_clear_error(
    http_server, allow_local, monkeypatch
):
    monkeypatch.delenv("BOT_SECRET_SHOP_API_TOKEN", raising=False)
    spec = webhook_spec(
        f"{http_server.base_url}/echo",
        webhook_headers={"X-Api-Key": "${BOT_SECRET_SHOP_API_TOKEN}"},
    )
    outcome = await call(spec)
    assert outcome.status == "error"
    assert "BOT_SECRET_SHOP_API_TOKEN" in outcome.error and "not set" in outcome.error
    assert http_server.received == []


async def test_secret_headers_are_dropped_on_a_cross_origin_redirect(
    http_server, settings, monkeypatch
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    monkeypatch.setenv("BOT_SECRET_SHOP_API_TOKEN", SECRET_VALUE)
    other_origin = f"http://localhost:{http_server.server_port}/echo"
    spec = webhook_spec(
        f"{http_server.base_url}/redirect?to={other_origin}",
        webhook_headers={
            "Authorization": "Bearer ${BOT_SECRET_SHOP_API_TOKEN}",
            "X-Shop": "acme",
        },
    )
    outcome = await call(spec)
    assert outcome.status == "ok"
    first, second = http_server.received
    assert first["headers"]["Authorization"] == f"Bearer {SECRET_VALUE}"
    assert "Authorization" not in second["headers"]
    assert second["headers"]["X-Shop"] == "acme"


async def test_host_name_is_resolved_once_and_the_vetted_address_is_used(
    http_server, settings, monkeypatch
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def counting_getaddrinfo(host, *args, **kwargs):
        if host == "localhost":
            lookups.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting_getaddrinfo)
    outcome = await call(
        webhook_spec(f"http://localhost:{http_server.server_port}/echo")
    )
    assert outcome.status == "ok"
    assert lookups == ["localhost"]
    assert (
        http_server.received[-1]["headers"]["Host"]
        == f"localhost:{http_server.server_port}"
    )


async def test_unreachable_endpoint_is_an_error_not_an_exception(allow_local):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await call(webhook_spec(f"http://127.0.0.1:{port}/ok"))
    assert outcome.status == "error"
    assert "could not reach" in outcome.error


async def test_secret_with_control_characters_is_refused_without_echoing_it(
    http_server, allow_local, monkeypatch, caplog
):
    monkeypatch.setenv("BOT_SECRET_SHOP_API_TOKEN", SECRET_VALUE + "\n")
    spec = webhook_spec(
        f"{http_server.base_url}/echo",
        webhook_headers={"X-Api-Key": "${BOT_SECRET_SHOP_API_TOKEN}"},
    )
    outcome = await call(spec)
    assert outcome.status == "error" and "control characters" in outcome.error
    assert SECRET_VALUE not in outcome.output + outcome.error + caplog.text
    assert http_server.received == []
