"""Run in a subprocess by test_worker_restart: create a bot whose connection is the
test's fake server, an ended session, and queue its analysis (a real database job)."""

import sys

import django

django.setup()

from django.db import transaction  # noqa: E402

from botbuilder.analysis.services import analysis_enqueue  # noqa: E402
from botbuilder.models import (  # noqa: E402
    AnalysisPlan,
    Bot,
    Connection,
    Session,
    TranscriptItem,  # noqa: E402
)

base_url = sys.argv[1]
connection = Connection.objects.create(
    name="Fake", kind="compatible", base_url=base_url, api_key_env=""
)
bot = Bot.objects.create(
    name="Restart", slug="restart", instructions="Hi.", connection=connection
)
AnalysisPlan.objects.create(bot=bot, summary_prompt="Summarise.")
with transaction.atomic():
    session = Session.objects.create(bot=bot, bot_name=bot.name, status="completed")
    TranscriptItem.objects.create(
        session=session, seq=0, role="user", text="Hello there"
    )
    analysis_enqueue(session_id=session.pk)
print(session.pk)
