"""The dashboard page (admin → Sessions → Dashboard)."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from botbuilder.dashboard.charts import PALETTE, Series, bar_chart, line_chart
from botbuilder.dashboard.selectors import (
    DashboardFilter,
    daily_activity,
    daily_cost,
    daily_latency,
    daily_success_rate,
)
from botbuilder.models import Bot, Session

DEFAULT_DAYS = 30
MAX_DAYS = 366  # one bar per day stays readable up to a year


class DashboardForm(forms.Form):
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bots = forms.ModelMultipleChoiceField(
        label="Bots",
        queryset=Bot.objects.order_by("name"),
        required=False,
        help_text="None selected: every bot.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def clean(self):
        data = super().clean()
        until = data.get("until") or timezone.localdate()
        since = data.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise ValidationError(
                "'From' must be on or before 'To'.", code="inverted_range"
            )
        if (until - since).days + 1 > MAX_DAYS:
            raise ValidationError(
                "Choose at most %(max)s days.", code="range_too_long",
                params={"max": MAX_DAYS},
            )  # fmt: skip
        data["since"], data["until"] = since, until
        return data

    def dashboard_filter(self) -> DashboardFilter:
        data = self.cleaned_data
        return DashboardFilter(
            since=data["since"],
            until=data["until"],
            bot_ids=tuple(sorted(b.pk for b in data["bots"])),
        )


def _usd(value: float) -> str:
    return f"${value:,.2f}" if value >= 1 or value == 0 else f"${value:.3f}"


def _minutes(value: float) -> str:
    return f"{value:,.0f} min" if value >= 10 or value == 0 else f"{value:.1f} min"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def dashboard_charts(flt: DashboardFilter) -> dict:
    """Every chart of the page for `flt`, with its totals."""
    days = flt.days
    activity = daily_activity(flt=flt)
    cost = daily_cost(flt=flt, prices=settings.REALTIME_PRICES)
    latency = daily_latency(flt=flt)
    success = daily_success_rate(flt=flt)
    # One colour per bot on every chart of the page.
    names = sorted({*cost.actual, *cost.estimate, *latency})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    latency_series = []
    for bot, per_day in sorted(latency.items()):
        colour = colours[bot]
        latency_series += [
            Series(f"{bot} p50", {d: p.p50 for d, p in per_day.items()}, False, colour),
            Series(f"{bot} p95", {d: p.p95 for d, p in per_day.items()}, True, colour),
        ]

    def per_bot(costs: dict[str, dict[date, Decimal]]) -> list[Series]:
        return [
            Series(bot, {d: float(v) for d, v in per_day.items()}, colour=colours[bot])
            for bot, per_day in sorted(costs.items())
        ]

    def total(costs: dict[str, dict[date, Decimal]]) -> Decimal:
        return sum(
            (v for per_day in costs.values() for v in per_day.values()), Decimal(0)
        )

    return {
        "sessions_chart": bar_chart(
            days=days, series=[Series("Sessions", activity.sessions)], fmt=_count,
            label="Sessions per day", integer=True,
        ),
        "minutes_chart": bar_chart(
            days=days, series=[Series("Minutes", activity.minutes, colour=PALETTE[2])],
            fmt=_minutes, label="Minutes per day",
        ),
        "cost_chart": bar_chart(
            days=days, series=per_bot(cost.actual), fmt=_usd,
            label="Cost per day per bot",
        ),
        "estimate_chart": bar_chart(
            days=days, series=per_bot(cost.estimate), fmt=_usd,
            label="Estimated cost of offline-engine sessions per day per bot",
        ),
        "latency_chart": line_chart(
            days=days, series=latency_series, fmt=_ms,
            label="Reply latency p50 and p95 per bot",
        ),
        "success_chart": None
        if success is None
        else bar_chart(
            days=days, series=[Series("Success rate", success)],
            fmt=lambda v: f"{v:.0%}", label="Success rate per day",
        ),
        "totals": {
            "sessions": sum(activity.sessions.values()),
            "minutes": _minutes(sum(activity.minutes.values())),
            "cost": _usd(float(total(cost.actual))),
            "estimate": _usd(float(total(cost.estimate))),
            "has_estimate": bool(cost.estimate),
        },
    }  # fmt: skip


def dashboard_view(request: HttpRequest, *, admin_site: AdminSite) -> HttpResponse:
    """Charts of the stored sessions for a date range and a choice of bots."""
    if not request.user.has_perm("botbuilder.view_session"):
        raise PermissionDenied
    form = DashboardForm(request.GET or {})
    context = {
        **admin_site.each_context(request),
        "title": "Sessions dashboard",
        "opts": Session._meta,
        "form": form,
    }
    if form.is_valid():
        flt = form.dashboard_filter()
        context |= {"filter": flt, **dashboard_charts(flt)}
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/botbuilder/session/dashboard.html", context)


def dashboard_urls(admin_site: AdminSite) -> list[URLPattern]:
    """The dashboard route, for the Session ModelAdmin's get_urls()."""

    def view(request: HttpRequest) -> HttpResponse:
        return dashboard_view(request, admin_site=admin_site)

    return [
        path(
            "dashboard/",
            admin_site.admin_view(view),
            name="botbuilder_session_dashboard",
        )
    ]
