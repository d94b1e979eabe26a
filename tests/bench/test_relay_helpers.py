"""Small helpers of the relay benchmark (the benchmark itself never runs in tests)."""

import subprocess
import sys

from bench.relay import interleave, ratio
from bench.relay_servers import with_switch_interval


def test_interleave_alternates_and_keeps_the_longer_lists_rest():
    assert interleave(["r0", "r1", "r2", "r3"], ["d0", "d1"]) == [
        "r0",
        "d0",
        "r1",
        "d1",
        "r2",
        "r3",
    ]


def test_interleave_keeps_every_caller_when_the_second_list_is_longer():
    assert interleave(["r0"], ["d0", "d1", "d2"]) == ["r0", "d0", "d1", "d2"]


def test_ratio_to_a_zero_floor_is_unknown():
    assert ratio(250.0, 200.0) == 1.25
    assert ratio(250.0, 0.0) is None


def test_switch_interval_runs_the_same_module_with_the_same_arguments(tmp_path):
    (tmp_path / "probe.py").write_text(
        "import sys; print(sys.getswitchinterval(), sys.argv[1:])"
    )
    command = with_switch_interval([sys.executable, "-m", "probe", "-p", "8000"], 0.001)
    out = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0.001 ['-p', '8000']"
