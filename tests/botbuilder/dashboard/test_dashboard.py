"""The sessions dashboard: aggregates per day and bot, and the page with its charts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from botbuilder.dashboard.selectors import (
    DashboardFilter,
    daily_activity,
    daily_cost,
    daily_latency,
    daily_success_rate,
)
from botbuilder.pricing import Usage, cost_usd
from tests.botbuilder.dashboard.conftest import DAY1

pytestmark = pytest.mark.django_db
DAY2, DAY3 = DAY1 + timedelta(days=1), DAY1 + timedelta(days=2)
RANGE = DashboardFilter(since=DAY1, until=DAY3)


def test_sessions_and_minutes_per_day(history):
    activity = daily_activity(flt=RANGE)
    assert activity.sessions == {DAY1: 2, DAY3: 2}
    assert activity.minutes == {DAY1: pytest.approx(4.5), DAY3: pytest.approx(10.0)}


def test_cost_per_day_per_bot_paid_and_estimated(history):
    cost = daily_cost(flt=RANGE)
    assert cost.actual == {"Acme Shop": {DAY1: Decimal("0.35"), DAY3: Decimal("0.40")}}
    estimate = cost_usd("gpt-realtime-mini", Usage(audio_in=100_000, audio_out=50_000))
    assert cost.estimate == {"Help Desk": {DAY3: estimate}}
    assert estimate == Decimal("2.000000")


def test_latency_percentiles_per_bot_per_day(history):
    latency = daily_latency(flt=RANGE)
    shop_day1 = latency["Acme Shop"][DAY1]  # 400, 600, 800, 1000
    assert (shop_day1.p50, shop_day1.count) == (pytest.approx(700), 4)
    assert shop_day1.p95 == pytest.approx(970)  # percentile_cont: 800 + 0.85 * 200
    desk_day3 = latency["Help Desk"][DAY3]  # 200, 240, 260, 900
    assert desk_day3.p50 == pytest.approx(250) and desk_day3.p95 == pytest.approx(
        804
    )  # 260 + 0.85 * 640
    assert set(latency) == {"Acme Shop", "Help Desk"}


def test_bot_filter_limits_every_aggregate(history):
    shop, desk = history
    only_desk = DashboardFilter(since=DAY1, until=DAY3, bot_ids=(desk.pk,))
    assert daily_activity(flt=only_desk).sessions == {DAY3: 1}
    assert daily_cost(flt=only_desk).actual == {}
    assert set(daily_latency(flt=only_desk)) == {"Help Desk"}


def dashboard(client, **params):
    return client.get(reverse("admin:botbuilder_session_dashboard"), params)


def test_dashboard_page_draws_each_chart_for_the_range(staff_client, history):
    response = dashboard(staff_client, since=DAY1.isoformat(), until=DAY3.isoformat())
    assert response.status_code == 200
    html = response.content.decode()
    totals = html[html.index('id="db-totals"') :]
    assert (
        "<strong>4</strong> sessions" in totals and "<strong>14 min</strong>" in totals
    )
    assert "<strong>$0.750</strong> paid" in totals
    assert "<strong>$2.00</strong> estimated" in totals
    for chart in ("db-sessions", "db-minutes", "db-cost", "db-estimate", "db-latency"):
        section = html[html.index(f'id="{chart}"') :]
        assert section.index("<svg") < section.index("</section>")
    sessions = html[html.index('id="db-sessions"') : html.index('id="db-minutes"')]
    assert sessions.count('<rect class="bar"') == 2  # day 2 had none
    assert "2026-03-10 · Sessions: 2" in sessions
    latency = html[html.index('id="db-latency"') :]
    assert "Acme Shop p95" in latency and 'stroke-dasharray="5 4"' in latency
    assert "Appears once post-call analysis" in html  # the success-rate slot


def test_dashboard_defaults_to_the_last_30_days_and_rejects_bad_ranges(
    staff_client, db
):
    html = dashboard(staff_client).content.decode()
    assert (
        "<strong>0</strong> sessions" in html and "No sessions in these days." in html
    )
    bad = dashboard(staff_client, since="2026-03-10", until="2026-03-01")
    assert (
        "&#x27;From&#x27; must be on or before &#x27;To&#x27;." in bad.content.decode()
    )
    assert "db-totals" not in bad.content.decode()


def test_dashboard_needs_the_view_session_permission(client, django_user_model, db):
    user = django_user_model.objects.create_user("p", password="x-pw-1", is_staff=True)
    client.force_login(user)
    assert dashboard(client).status_code == 403


def test_sessions_list_links_the_dashboard(staff_client, db):
    html = staff_client.get(reverse("admin:botbuilder_session_changelist")).content
    assert reverse("admin:botbuilder_session_dashboard").encode() in html


def test_success_rate_per_day_from_the_post_call_analysis(history):
    from botbuilder.models import Session, SessionAnalysis

    assert daily_success_rate(flt=RANGE) is None  # nothing analysed yet
    day1 = list(Session.objects.filter(started_at__date=DAY1).order_by("started_at"))
    SessionAnalysis.objects.create(session=day1[0], status="done", successful=True)
    SessionAnalysis.objects.create(session=day1[1], status="done", successful=False)
    day3 = Session.objects.filter(started_at__date=DAY3).first()
    SessionAnalysis.objects.create(session=day3, status="done", successful=True)
    assert daily_success_rate(flt=RANGE) == {DAY1: 0.5, DAY3: 1.0}
