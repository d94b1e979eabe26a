"""The gap measure of the session start stall benchmark."""

from bench.session_start_stall import largest_gap_ms

MS = 1_000_000


def test_largest_gap_is_the_widest_interval_inside_the_window():
    arrivals = [0, 20 * MS, 40 * MS, 130 * MS, 150 * MS, 170 * MS, 400 * MS]
    assert largest_gap_ms(arrivals, 30 * MS, 140 * MS) == 90.0


def test_a_gap_spanning_the_window_edge_counts():
    arrivals = [0, 20 * MS, 300 * MS, 320 * MS]
    assert largest_gap_ms(arrivals, 100 * MS, 200 * MS) == 280.0


def test_gaps_outside_the_window_do_not_count():
    arrivals = [0, 500 * MS, 520 * MS, 530 * MS, 540 * MS, 900 * MS]
    assert largest_gap_ms(arrivals, 510 * MS, 535 * MS) == 20.0
