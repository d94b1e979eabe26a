"""Reads for the dashboard: per-day aggregates of stored sessions, done by the database.

Each query groups in SQL (one row per day and bot); only the latency percentiles need
the raw values on databases without `percentile_cont` (SQLite), where they are fetched
as one column of integers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import quantiles

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from botbuilder.engines import is_free_engine
from botbuilder.models import Session, TranscriptItem
from botbuilder.pricing import Usage, cost_usd

USAGE_COLUMNS = {
    "text_in": "text_in_tokens",
    "text_cached": "text_cached_tokens",
    "audio_in": "audio_in_tokens",
    "audio_cached": "audio_cached_tokens",
    "text_out": "text_out_tokens",
    "audio_out": "audio_out_tokens",
}


@dataclass(frozen=True)
class DashboardFilter:
    """Sessions started on days [since, until] (local time), of the bots named (all if empty)."""

    since: date
    until: date
    bot_ids: tuple[int, ...] = ()

    @property
    def days(self) -> list[date]:
        return [
            self.since + timedelta(days=n)
            for n in range((self.until - self.since).days + 1)
        ]


def _bounds(flt: DashboardFilter) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(flt.since, time.min, tzinfo=zone)
    end = datetime.combine(flt.until + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def dashboard_sessions(*, flt: DashboardFilter) -> QuerySet[Session]:
    """The sessions the dashboard counts (uses the (bot, started_at) index)."""
    start, end = _bounds(flt)
    sessions = Session.objects.filter(started_at__gte=start, started_at__lt=end)
    if flt.bot_ids:
        sessions = sessions.filter(bot_id__in=flt.bot_ids)
    return sessions


def _day():
    return TruncDate("started_at", tzinfo=timezone.get_current_timezone())


@dataclass
class DailyActivity:
    sessions: dict[date, int] = field(default_factory=dict)
    minutes: dict[date, float] = field(default_factory=dict)


def daily_activity(*, flt: DashboardFilter) -> DailyActivity:
    """Sessions started and minutes talked per day (sessions still running count 0 min)."""
    duration = ExpressionWrapper(
        F("ended_at") - F("started_at"), output_field=DurationField()
    )
    rows = (
        dashboard_sessions(flt=flt)
        .annotate(day=_day())
        .values("day")
        .annotate(count=Count("pk"), talked=Sum(duration))
        .order_by("day")
    )
    activity = DailyActivity()
    for row in rows:
        activity.sessions[row["day"]] = row["count"]
        talked = row["talked"] or timedelta(0)
        activity.minutes[row["day"]] = talked.total_seconds() / 60
    return activity


@dataclass
class DailyCost:
    """USD per bot name per day: what was paid, and the offline sessions' estimate."""

    actual: dict[str, dict[date, Decimal]] = field(default_factory=dict)
    estimate: dict[str, dict[date, Decimal]] = field(default_factory=dict)


def daily_cost(*, flt: DashboardFilter, prices: dict | None = None) -> DailyCost:
    """Cost per day per bot; sessions on the offline engine are priced on their model as
    an estimate (tokens summed in SQL per day, bot, model and provider)."""
    rows = (
        dashboard_sessions(flt=flt)
        .annotate(day=_day())
        .values("day", "bot_name", "model", "connection_kind")
        .annotate(
            paid=Sum("cost_usd"),
            **{kind: Sum(column) for kind, column in USAGE_COLUMNS.items()},
        )
        .order_by("day", "bot_name")
    )
    result = DailyCost()
    for row in rows:
        day, bot = row["day"], row["bot_name"]
        if is_free_engine(row["connection_kind"]):
            usage = Usage(**{kind: row[kind] or 0 for kind in USAGE_COLUMNS})
            per_day = result.estimate.setdefault(bot, {})
            per_day[day] = per_day.get(day, Decimal(0)) + cost_usd(
                row["model"], usage, prices
            )
        else:
            per_day = result.actual.setdefault(bot, {})
            per_day[day] = per_day.get(day, Decimal(0)) + (row["paid"] or Decimal(0))
    return result


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Percentiles:
    p50: float
    p95: float
    count: int


def _percentiles(values: list[int]) -> Percentiles:
    if len(values) == 1:
        return Percentiles(values[0], values[0], 1)
    cuts = quantiles(values, n=100, method="inclusive")  # same as percentile_cont
    return Percentiles(cuts[49], cuts[94], len(values))


def daily_latency(*, flt: DashboardFilter) -> dict[str, dict[date, Percentiles]]:
    """p50/p95 of the bot's reply latency (caller stopped → first audio) per bot per day."""
    replies = TranscriptItem.objects.filter(
        session__in=dashboard_sessions(flt=flt),
        role="assistant",
        latency_ms__isnull=False,
    ).annotate(
        day=TruncDate("session__started_at", tzinfo=timezone.get_current_timezone()),
        bot=F("session__bot_name"),
    )
    result: dict[str, dict[date, Percentiles]] = defaultdict(dict)
    if connection.vendor == "postgresql":
        rows = (
            replies.values("day", "bot")
            .annotate(
                p50=PercentileCont("latency_ms", 0.5),
                p95=PercentileCont("latency_ms", 0.95),
                count=Count("pk"),
            )
            .order_by("day", "bot")
        )
        for row in rows:
            result[row["bot"]][row["day"]] = Percentiles(
                row["p50"], row["p95"], row["count"]
            )
        return dict(result)
    grouped: dict[tuple[str, date], list[int]] = defaultdict(list)
    for day, bot, latency in replies.values_list("day", "bot", "latency_ms").iterator():
        grouped[(bot, day)].append(latency)
    for (bot, day), values in sorted(grouped.items()):
        result[bot][day] = _percentiles(values)
    return dict(result)


def daily_success_rate(*, flt: DashboardFilter) -> dict[date, float] | None:
    """Share of analysed sessions judged successful per day (post-call analysis); None
    when no session in the range has a verdict yet (the dashboard shows an empty slot)."""
    rows = (
        dashboard_sessions(flt=flt)
        .filter(analysis__successful__isnull=False)
        .annotate(day=_day())
        .values("day")
        .annotate(
            judged=Count("pk"),
            successful=Count("pk", filter=Q(analysis__successful=True)),
        )
        .order_by("day")
    )
    rates = {row["day"]: row["successful"] / row["judged"] for row in rows}
    return rates or None
