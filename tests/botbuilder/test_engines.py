"""Which engine answered, in words, and honest costs: $0 actual on the offline engine."""

from decimal import Decimal

import pytest

from botbuilder.engines import (
    cost_summary,
    engine_label,
    session_cost,
    session_engine_label,
)
from botbuilder.models import Connection, Session
from botbuilder.pricing import Usage, cost_usd
from botbuilder.services.sessions import session_usage_set


@pytest.mark.parametrize(
    "connection, label",
    [
        (Connection(kind="offline"), "offline rehearsal engine"),
        (Connection(kind="openai"), "OpenAI model gpt-realtime"),
        (
            Connection(kind="azure", azure_deployment="voice-prod"),
            "Azure deployment voice-prod",
        ),
        (
            Connection(kind="compatible", base_url="https://llm.example.com/v1"),
            "model gpt-realtime on llm.example.com (OpenAI-compatible)",
        ),
    ],
)
def test_engine_label_names_the_engine(connection, label):
    assert engine_label(connection, "gpt-realtime") == label


def session_row(bot, **fields) -> Session:
    defaults = {"bot": bot, "bot_name": bot.name, "model": "gpt-realtime"}
    return Session.objects.create(**{**defaults, **fields})


@pytest.mark.django_db
def test_usage_on_the_offline_engine_is_stored_as_free(bot):
    offline = session_row(bot, connection_kind="offline")
    paid = session_row(bot, connection_kind="openai")
    usage = Usage(audio_in=1000, audio_out=2000)
    for row in (offline, paid):
        session_usage_set(
            session_id=row.pk, usage=usage, cost_usd=Decimal("0.16"), turn_count=1
        )
        row.refresh_from_db()
    assert offline.cost_usd == 0 and offline.audio_out_tokens == 2000
    assert paid.cost_usd == Decimal("0.16")


@pytest.mark.django_db
def test_offline_session_costs_nothing_with_an_estimate_on_its_model(bot):
    row = session_row(
        bot,
        connection_kind="offline",
        audio_in_tokens=10_000,
        audio_out_tokens=20_000,
        cost_usd=Decimal("1.5"),  # stored by an older version: not what was paid
    )
    cost = session_cost(row)
    expected = cost_usd("gpt-realtime", Usage(audio_in=10_000, audio_out=20_000))
    assert cost.actual_usd == 0
    assert cost.estimate_usd == expected == Decimal("1.600000")
    assert cost_summary(cost) == "$0.00 (estimate on gpt-realtime: $1.60)"
    assert session_engine_label(row) == "offline rehearsal engine"


@pytest.mark.django_db
def test_paid_session_shows_what_was_paid_and_no_estimate(bot):
    row = session_row(bot, connection_kind="openai", cost_usd=Decimal("0.004"))
    cost = session_cost(row)
    assert (cost.actual_usd, cost.estimate_usd) == (Decimal("0.004"), None)
    assert cost_summary(cost) == "$0.0040"
    assert session_engine_label(row) == "OpenAI model gpt-realtime"


@pytest.mark.django_db
def test_stored_engine_label_wins(bot):
    row = session_row(bot, connection_kind="azure", engine="Azure deployment eu-voice")
    assert session_engine_label(row) == "Azure deployment eu-voice"
