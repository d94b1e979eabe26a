"""Factories for post-call analysis tests: ended sessions with transcripts."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from botbuilder.models import Bot, Session, TranscriptItem
from botbuilder.services.demo import demo_clinic_seed, demo_seed

URGENT_CALL = [
    (
        "assistant",
        "Riverside Clinic, this is the triage line. What can I help you with?",
    ),
    (
        "user",
        "Hi, I have had chest pain since this morning and I am a bit short of breath.",
    ),
    (
        "assistant",
        "Chest pain with shortness of breath can be serious. Please call 911 now or go "
        "to the nearest emergency department.",
    ),
    ("user", "Okay. Can a nurse call me back later as well?"),
    ("assistant", "Yes, a nurse will call you back today."),
]
ADMIN_CALL = [
    (
        "assistant",
        "Riverside Clinic, this is the triage line. What can I help you with?",
    ),
    (
        "user",
        "I need to reschedule my appointment from Tuesday, I have no pain or anything.",
    ),
    (
        "assistant",
        "Of course, the front desk will confirm the new time by text message.",
    ),
]


def ended_session(bot: Bot, turns, *, seconds: int = 90, reason="client_closed"):
    """A session of `bot` that ended `seconds` after it started, with `turns`."""
    session = Session.objects.create(
        bot=bot, bot_name=bot.name, channel="phone", model=bot.model
    )
    started = timezone.now() - timedelta(seconds=seconds)
    Session.objects.filter(pk=session.pk).update(
        started_at=started,
        ended_at=started + timedelta(seconds=seconds),
        status="completed",
        end_reason=reason,
        turn_count=sum(1 for role, _ in turns if role == "assistant"),
        cost_usd="0.012000",
    )
    for seq, (role, text) in enumerate(turns):
        TranscriptItem.objects.create(session=session, seq=seq, role=role, text=text)
    session.refresh_from_db()
    return session


@pytest.fixture
def clinic_bot(db):
    demo_seed()
    return demo_clinic_seed()


@pytest.fixture
def engine_settings(offline_engine):
    """The server default connection is this test run's offline engine."""
    with override_settings(
        OPENAI_API_KEY="",
        OFFLINE_ENGINE_HOST=offline_engine.host,
        OFFLINE_ENGINE_PORT=offline_engine.port,
    ):
        yield offline_engine


@pytest.fixture
def plain_staff_client(client, django_user_model):
    """Staff without any bot builder permission."""
    from tests.botbuilder.admin.conftest import staff_with

    client.force_login(staff_with(django_user_model, "plain"))
    return client
