"""Server-rendered SVG charts: scale, stacking, escaping."""

import re
from datetime import date, timedelta

from botbuilder.dashboard.charts import Series, _nice_max, bar_chart, line_chart

DAYS = [date(2026, 3, 1) + timedelta(days=n) for n in range(3)]


def test_axis_tops_are_round_and_counts_step_by_whole_numbers():
    assert [_nice_max(v) for v in (0.72, 7.5, 13, 607)] == [0.8, 8, 20, 800]
    assert [_nice_max(v, integer=True) for v in (1, 3, 9)] == [4, 4, 20]


def test_bars_stack_per_day_and_labels_are_escaped():
    chart = bar_chart(
        days=DAYS,
        series=[Series("<b>Shop</b>", {DAYS[0]: 2}), Series("Desk", {DAYS[0]: 2})],
        fmt=str,
        label="Sessions",
        integer=True,
    )
    svg = str(chart.svg)
    assert svg.count('<rect class="bar"') == 2 and not chart.empty
    assert "&lt;b&gt;Shop&lt;/b&gt;" in svg and "<b>" not in svg
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[0] == heights[1]  # two equal segments, stacked


def test_lines_skip_days_without_values_and_empty_charts_say_so():
    chart = line_chart(
        days=DAYS,
        series=[Series("p95", {DAYS[0]: 100, DAYS[2]: 300}, dashed=True)],
        fmt=str,
        label="Latency",
    )
    svg = str(chart.svg)
    assert svg.count("<circle") == 2 and 'stroke-dasharray="5 4"' in svg
    assert line_chart(days=DAYS, series=[], fmt=str, label="x").empty
