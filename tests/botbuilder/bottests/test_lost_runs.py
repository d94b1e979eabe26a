"""A run whose worker was killed, or that broke, does not stay "running" forever."""

import asyncio
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from botbuilder.bottests import services
from botbuilder.bottests.services import run_create, run_execute, runs_sweep_lost
from botbuilder.models import BotTestRun
from tests.botbuilder.bottests.conftest import HOURS, make_test

pytestmark = pytest.mark.django_db(transaction=True)


def _running(bot, *, beat_age_s: float, done: int = 1, total: int = 3) -> BotTestRun:
    run = run_create(bot=bot)
    BotTestRun.objects.filter(pk=run.pk).update(
        status="running",
        done=done,
        total=total,
        heartbeat_at=timezone.now() - timedelta(seconds=beat_age_s),
    )
    return BotTestRun.objects.get(pk=run.pk)


def test_a_run_that_stopped_beating_is_ended_as_an_error_at_its_last_beat(shop_bot):
    lost = _running(shop_bot, beat_age_s=120)
    alive = _running(shop_bot, beat_age_s=5)
    assert runs_sweep_lost(stale_after_s=60) == [lost.pk]
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == "error"
    assert lost.error == (
        "The process running these tests stopped before they finished (1 of 3 done). "
        "Run them again."
    )
    assert lost.finished_at == lost.heartbeat_at
    assert alive.status == "running" and alive.error == ""
    assert runs_sweep_lost(stale_after_s=60) == []  # once


def test_the_runs_pages_end_lost_runs_before_showing_them(
    staff_client, shop_bot, settings
):
    settings.BOT_TESTS_LOST_AFTER_S = 60
    lost = _running(shop_bot, beat_age_s=120)
    page = staff_client.get(reverse("admin:botbuilder_bottestrun_changelist"))
    text = page.content.decode()
    assert "1/3 tests (running)" not in text
    lost.refresh_from_db()
    assert lost.status == "error"
    other = _running(shop_bot, beat_age_s=120)
    page = staff_client.get(
        reverse("admin:botbuilder_bottestrun_change", args=[other.pk])
    )
    assert "stopped before they finished" in page.content.decode()
    assert 'http-equiv="refresh"' not in page.content.decode()  # no longer busy


def test_a_running_run_beats_while_its_tests_run(shop_bot, settings, monkeypatch):
    settings.BOT_TESTS_HEARTBEAT_S = 0.05
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=[{"kind": "contains", "text": "monday"}])  # fmt: skip
    run = run_create(bot=shop_bot)
    beats = []

    async def slow_tests(*args, **kwargs):
        for _ in range(6):
            await asyncio.sleep(0.1)
            beat = await asyncio.to_thread(
                lambda: BotTestRun.objects.get(pk=run.pk).heartbeat_at
            )
            beats.append(beat)
        return []

    monkeypatch.setattr(services, "tests_run", slow_tests)
    run_execute(run_id=run.pk)
    assert len(set(beats)) >= 3, beats  # it kept beating during the run
    # A run that beats is never swept, however long it takes.
    assert runs_sweep_lost(stale_after_s=0.5) == []


def test_a_run_that_breaks_ends_as_an_error_with_a_clear_message(
    shop_bot, monkeypatch, caplog
):
    make_test(shop_bot, name="hours", caller_turn="what are your opening hours",
              checks=[{"kind": "contains", "text": HOURS[:10]}])  # fmt: skip

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "tests_run", broken)
    run = run_execute(run_id=run_create(bot=shop_bot).pk)
    run.refresh_from_db()
    assert run.status == "error" and run.finished_at is not None
    assert run.error == (
        "The run stopped on an unexpected error after 0 of 1 tests; the worker's log "
        "has the details. Run them again."
    )
    assert "boom" not in run.error
    assert any("boom" in (r.exc_text or "") for r in caplog.records)
