"""`manage.py realtime_engine`: run the offline realtime engine in this process."""

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Run the offline GA-protocol speech engine (pocketsphinx or Whisper + eSpeak NG) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=None, help="Default: OFFLINE_ENGINE_HOST."
        )
        parser.add_argument(
            "--port", type=int, default=None, help="Default: OFFLINE_ENGINE_PORT."
        )
        parser.add_argument(
            "--recogniser",
            default=None,
            help="Speech recogniser: pocketsphinx or whisper (opt-in, needs "
            "make install-whisper). Default: OFFLINE_ENGINE_RECOGNISER.",
        )
        parser.add_argument(
            "--max-session-s",
            type=float,
            default=None,
            help="End sessions after this many seconds with session_expired "
            "(0 = never). Default: OFFLINE_ENGINE_MAX_SESSION_S.",
        )

    def handle(self, *args, **options):
        from realtime.engine.server import run
        from realtime.management.recogniser import configured_recogniser

        host = options["host"] or settings.OFFLINE_ENGINE_HOST
        port = options["port"]
        if port is None:
            port = settings.OFFLINE_ENGINE_PORT
        max_s = options["max_session_s"]
        if max_s is None:
            max_s = settings.OFFLINE_ENGINE_MAX_SESSION_S
        recogniser = configured_recogniser(options["recogniser"])
        try:
            asyncio.run(run(host, port, max_s or None, recogniser))
        except KeyboardInterrupt:
            pass
