"""Server-rendered SVG charts: bars (stacked per series) and lines, over a run of days.

No JavaScript and no library: a few dozen elements per chart, escaped like any template.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH_PX, HEIGHT_PX = 720, 220
LEFT_PX, RIGHT_PX, TOP_PX, BOTTOM_PX = 72, 12, 12, 28
Y_TICKS = 4  # grid lines above zero
# Colour-blind-safe palette (Okabe–Ito), one colour per series in order.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
MAX_X_LABELS = 10


@dataclass(frozen=True)
class Series:
    label: str
    values: dict[date, float]
    dashed: bool = False
    colour: str = ""


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    legend: list[tuple[str, str, bool]]  # (label, colour, dashed)
    empty: bool


def _nice_max(value: float, *, integer: bool = False) -> float:
    """The axis top: Y_TICKS steps of 1, 2, 2.5 or 5 × 10^n at or above `value`; whole
    steps of at least 1 for counts."""
    if value <= 0:
        return float(Y_TICKS)
    raw_step = max(value / Y_TICKS, 1) if integer else value / Y_TICKS
    power = 10 ** math.floor(math.log10(raw_step))
    for step in (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10):
        if raw_step <= step * power:
            return step * power * Y_TICKS
    return 10 * power * Y_TICKS


def _frame(days: Sequence[date], top: float, fmt: Callable[[float], str]) -> list[str]:
    plot_w = WIDTH_PX - LEFT_PX - RIGHT_PX
    plot_h = HEIGHT_PX - TOP_PX - BOTTOM_PX
    parts = []
    for i in range(Y_TICKS + 1):
        value = top * i / Y_TICKS
        y = TOP_PX + plot_h - plot_h * i / Y_TICKS
        parts.append(
            f'<line class="grid" x1="{LEFT_PX}" x2="{LEFT_PX + plot_w}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="ylabel" x="{LEFT_PX - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(fmt(value))}</text>'
        )
    every = max(1, math.ceil(len(days) / MAX_X_LABELS))
    slot = plot_w / max(1, len(days))
    for i, day in enumerate(days):
        if i % every == 0:
            x = LEFT_PX + slot * (i + 0.5)
            parts.append(
                f'<text class="xlabel" x="{x:.1f}" y="{HEIGHT_PX - 8}" '
                f'text-anchor="middle">{day:%b %d}</text>'
            )
    return parts


def _svg(parts: list[str], label: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH_PX} {HEIGHT_PX}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )


def _coloured(series: Sequence[Series]) -> list[Series]:
    return [
        Series(s.label, s.values, s.dashed, s.colour or PALETTE[i % len(PALETTE)])
        for i, s in enumerate(series)
    ]


def bar_chart(
    *, days: Sequence[date], series: Sequence[Series], fmt: Callable[[float], str],
    label: str, integer: bool = False,
) -> Chart:  # fmt: skip
    """Bars per day, the series stacked in order; each bar segment has a tooltip."""
    series = _coloured(series)
    totals = [sum(s.values.get(d, 0) for s in series) for d in days]
    top = _nice_max(max(totals, default=0), integer=integer)
    plot_w = WIDTH_PX - LEFT_PX - RIGHT_PX
    plot_h = HEIGHT_PX - TOP_PX - BOTTOM_PX
    slot = plot_w / max(1, len(days))
    bar_w = max(1.0, slot * 0.7)
    parts = _frame(days, top, fmt)
    for i, day in enumerate(days):
        base = 0.0
        for s in series:
            value = float(s.values.get(day, 0))
            if value <= 0:
                continue
            y = TOP_PX + plot_h * (1 - (base + value) / top)
            h = plot_h * value / top
            x = LEFT_PX + slot * i + (slot - bar_w) / 2
            tip = f"{day:%Y-%m-%d} · {s.label}: {fmt(value)}"
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{s.colour}" data-day="{day:%Y-%m-%d}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            base += value
    legend = [(s.label, s.colour, False) for s in series]
    return Chart(_svg(parts, label), legend, empty=not any(totals))


def line_chart(
    *, days: Sequence[date], series: Sequence[Series], fmt: Callable[[float], str],
    label: str,
) -> Chart:  # fmt: skip
    """One line per series through the days that have a value, a dot on each."""
    series = _coloured(series)
    values = [v for s in series for v in s.values.values()]
    top = _nice_max(max(values, default=0))
    plot_w = WIDTH_PX - LEFT_PX - RIGHT_PX
    plot_h = HEIGHT_PX - TOP_PX - BOTTOM_PX
    slot = plot_w / max(1, len(days))
    parts = _frame(days, top, fmt)
    for s in series:
        points = []
        for i, day in enumerate(days):
            if day not in s.values:
                continue
            value = float(s.values[day])
            x = LEFT_PX + slot * (i + 0.5)
            y = TOP_PX + plot_h * (1 - value / top)
            points.append((x, y, day, value))
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        parts.append(
            f'<polyline class="line" points="{path}" stroke="{s.colour}"{dash} '
            f'fill="none"/>'
        )
        for x, y, day, value in points:
            tip = f"{day:%Y-%m-%d} · {s.label}: {fmt(value)}"
            parts.append(
                f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    legend = [(s.label, s.colour, s.dashed) for s in series]
    return Chart(_svg(parts, label), legend, empty=not values)
