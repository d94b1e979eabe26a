"""A real model (the scripted fake upstream) as the testing connection: judged checks and
simulations decided by it; the bot itself still runs on the offline engine."""

import json

import pytest

from botbuilder.bottests.judging import VERDICT_TOOL
from botbuilder.bottests.services import run_create, run_execute
from botbuilder.bottests.simulation import END_MARK
from botbuilder.models import Connection
from tests.botbuilder.bottests.conftest import make_test
from tests.realtime.fake_upstream import FakeUpstream, new_id

pytestmark = pytest.mark.django_db(transaction=True)


def judge_script(verdict: str):
    async def script(conn):
        await conn.session_created()
        await conn.expect("response.create")
        conn.asked = conn.of_type("session.update")[0]["session"]["instructions"]
        response_id = new_id("resp")
        await conn.response_start(response_id)
        arguments = json.dumps({"verdict": verdict, "rationale": f"it is {verdict}"})
        item = await conn.function_call(response_id, VERDICT_TOOL, arguments)
        await conn.response_done(response_id, output=[item])

    return script


def caller_script(*lines: str):
    async def script(conn):
        await conn.session_created()
        conn.update = await conn.expect("session.update")
        for line in lines:
            await conn.expect("response.create", within=30)
            response_id = new_id("resp")
            await conn.response_start(response_id)
            item = {"id": new_id("item"), "type": "message", "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": line}]}  # fmt: skip
            await conn.response_done(response_id, output=[item])

    return script


@pytest.fixture
async def servers():
    started = []

    async def start(*scripts):
        server = await FakeUpstream(*scripts).start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


def connection_to(server) -> Connection:
    return Connection.objects.create(
        name=f"Testing {server.port}", kind="compatible", base_url=server.base_url
    )


@pytest.mark.parametrize("verdict", ["pass", "fail"])
async def test_judged_checks_are_decided_by_the_testing_model(
    shop_bot, servers, verdict
):
    from asgiref.sync import sync_to_async

    server = await servers(judge_script(verdict))
    connection = await sync_to_async(connection_to)(server)
    await sync_to_async(make_test)(
        shop_bot, name="judged", caller_turn="what are your opening hours",
        checks=[{"kind": "judged", "criterion": "The bot gives the opening hours"}],
        simulator_connection=connection,
    )  # fmt: skip
    run = await sync_to_async(run_execute)(
        run_id=(await sync_to_async(run_create)(bot=shop_bot)).pk
    )
    result = await sync_to_async(run.results.get)()
    expected = {"pass": "passed", "fail": "failed"}[verdict]
    assert result.outcome == expected
    assert result.checks[0][0]["detail"] == f"it is {verdict}"
    assert "The bot gives the opening hours" in server.connections[0].asked
    assert not server.errors


async def test_simulation_plays_the_caller_and_judges_the_criteria(shop_bot, servers):
    from asgiref.sync import sync_to_async

    server = await servers(
        caller_script("what are your opening hours", END_MARK), judge_script("pass")
    )
    connection = await sync_to_async(connection_to)(server)
    await sync_to_async(make_test)(
        shop_bot, name="sim", kind="simulation", persona="A busy parent",
        goal="Find out when the shop opens", max_turns=4,
        criteria=["The bot gives the opening hours"], simulator_connection=connection,
    )  # fmt: skip
    run = await sync_to_async(run_execute)(
        run_id=(await sync_to_async(run_create)(bot=shop_bot)).pk
    )
    result = await sync_to_async(run.results.get)()
    assert result.outcome == "passed", result.message
    assert result.transcript[0] == {
        "role": "user",
        "text": "what are your opening hours",
    }
    assert "Monday to Friday" in result.transcript[1]["text"]
    assert len(result.transcript) == 2  # the caller ended the call
    caller = server.connections[0]
    assert "A busy parent" in caller.update["session"]["instructions"]
    bot_lines = [
        e["item"]["content"][0]["text"]
        for e in caller.of_type("conversation.item.create")
    ]
    assert "Monday to Friday" in bot_lines[1]  # the bot's reply reached the caller
    assert not server.errors


def test_an_unusable_testing_connection_is_a_test_error(shop_bot):
    connection = Connection.objects.create(
        name="Blocked", kind="compatible", base_url="ws://10.1.2.3/v1"
    )
    make_test(shop_bot, name="x", caller_turn="hi",
              checks=[{"kind": "contains", "text": "x"}],
              simulator_connection=connection)  # fmt: skip
    run = run_execute(run_id=run_create(bot=shop_bot).pk)
    result = run.results.get()
    assert result.outcome == "error" and "Blocked" in result.message
    assert run.status == "failed"
