"""`manage.py test_bots`: run the bots' tests from the shell or CI; non-zero exit on failure.

    python manage.py test_bots [--bot SLUG …] [--mode text|audio] [--repeat N] [--junit PATH]

Bots on the offline engine need no key: when no engine listens at OFFLINE_ENGINE_HOST/PORT,
one is started inside the command for the run.
"""

import asyncio
import contextlib
import socket
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from botbuilder.bottests.junit import junit_xml
from botbuilder.bottests.services import run_create, run_execute_async
from botbuilder.models import Bot, BotTestRun
from botbuilder.models.bot_tests import RunMode
from realtime.engine.server import EngineServer
from realtime.management.recogniser import configured_recogniser

PARALLEL_BOTS = 2  # bots tested at once; each runs up to BOT_TESTS_PARALLEL calls
SYMBOLS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "unknown": "unknown",
           "skipped": "skipped"}  # fmt: skip


def _engine_listening(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), 0.5):
        return True
    return False


class Command(BaseCommand):
    help = (
        "Run the bots' tests (all active bots, or --bot SLUG …); exit 1 on any failure."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bot", action="extend", nargs="+", default=[],
                            metavar="SLUG", help="Only these bots (by slug).")  # fmt: skip
        parser.add_argument("--mode", choices=RunMode.values, default=RunMode.TEXT)
        parser.add_argument("--repeat", type=int, default=None,
                            help="Runs of each test (default: each test's own).")  # fmt: skip
        parser.add_argument("--junit", type=Path, default=None, metavar="PATH",
                            help="Write a JUnit XML report here.")  # fmt: skip
        parser.add_argument("--parallel", type=int, default=None,
                            help="Test calls per bot at once (BOT_TESTS_PARALLEL).")  # fmt: skip

    def handle(self, *args, **options) -> None:
        if options["repeat"] is not None and not 1 <= options["repeat"] <= 50:
            raise CommandError("--repeat must be between 1 and 50.")
        bots = self._bots(options["bot"])
        runs = [
            run_create(bot=bot, mode=options["mode"], repeat=options["repeat"])
            for bot in bots
        ]
        total = sum(run.total for run in runs)
        self.stdout.write(f"Testing {len(bots)} bot(s), {sum(r.total for r in runs)} "
                          f"test(s), {options['mode']} mode.")  # fmt: skip
        async_to_sync(self._run)(runs, options["parallel"], total)
        finished = list(
            BotTestRun.objects.filter(pk__in=[r.pk for r in runs])
            .select_related("bot")
            .order_by("bot__slug")
        )
        if options["junit"]:
            options["junit"].parent.mkdir(parents=True, exist_ok=True)
            options["junit"].write_bytes(junit_xml(finished))
            self.stdout.write(f"JUnit report: {options['junit']}")
        self._summary(finished)

    def _bots(self, slugs: list[str]) -> list[Bot]:
        if not slugs:
            bots = list(Bot.objects.filter(is_active=True, tests__is_enabled=True)
                        .distinct().order_by("slug"))  # fmt: skip
            if not bots:
                raise CommandError("No active bot has tests; add some in the admin.")
            return bots
        found = {b.slug: b for b in Bot.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise CommandError(f"No bot with slug {', '.join(missing)}.")
        return [found[s] for s in dict.fromkeys(slugs)]

    async def _run(
        self, runs: list[BotTestRun], parallel: int | None, total: int
    ) -> None:
        engine = None
        host, port = settings.OFFLINE_ENGINE_HOST, settings.OFFLINE_ENGINE_PORT
        if not await asyncio.to_thread(_engine_listening, host, port):
            engine = EngineServer("127.0.0.1", 0, recogniser=configured_recogniser())
            await engine.start()
            self.stdout.write(f"Started an offline engine on port {engine.port}.")
        bar = tqdm(total=total, unit="test", file=self.stderr, dynamic_ncols=True)
        bound = asyncio.Semaphore(PARALLEL_BOTS)

        async def done(run: BotTestRun, verdict) -> None:
            bar.update(1)
            bar.write(f"{SYMBOLS[verdict.outcome]:>7}  {run.bot.slug} · {verdict.name}"
                      f"  ({verdict.passed_attempts}/{verdict.attempts})", file=self.stdout, end="")  # fmt: skip

        async def one(run: BotTestRun) -> None:
            async with bound:
                await run_execute_async(
                    run_id=run.pk, parallel=parallel, on_done=done,
                    offline_port=engine.port if engine else None,
                )  # fmt: skip

        try:
            await asyncio.gather(*(one(r) for r in runs))
        finally:
            bar.close()
            if engine is not None:
                await engine.close()

    def _summary(self, runs: list[BotTestRun]) -> None:
        failing = 0
        for run in runs:
            results = list(run.results.all())
            bad = [r for r in results if r.outcome in ("failed", "error")]
            failing += len(bad) + (1 if run.error else 0)
            regressions = [r.test_name for r in results if r.regression]
            line = (f"{run.bot.slug}: {run.get_status_display()}, "
                    f"{len(results) - len(bad)}/{len(results)} without failure")  # fmt: skip
            if run.error:
                line += f" — {run.error}"
            if regressions:
                line += f"; regressions: {', '.join(regressions)}"
            style = self.style.ERROR if bad or run.error else self.style.SUCCESS
            self.stdout.write(style(line))
            for result in bad:
                self.stdout.write(f"  {result.test_name}: {result.message}")
        if failing:
            raise CommandError(f"{failing} bot test(s) failed.")
        self.stdout.write(self.style.SUCCESS("All bot tests passed."))
