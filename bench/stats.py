"""Figures for the benchmarks: latency percentiles and a process's CPU and memory (/proc)."""

import os
import time

import numpy as np

CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
LATE_NS = 100_000_000  # a frame more than 100 ms late is an audible gap


def percentiles_ms(values_ns: list[int]) -> dict[str, float]:
    if not values_ns:
        return {"p50": float("nan"), "p99": float("nan")}
    p50, p99 = np.percentile(np.asarray(values_ns, dtype=np.int64), [50, 99]) / 1e6
    return {"p50": round(float(p50), 3), "p99": round(float(p99), 3)}


def summary(callers) -> dict[str, float]:
    """Pooled per-frame figures of a round's callers (all frames of all callers)."""
    result: dict[str, float] = {}
    for key in ("rtt", "up", "down"):
        pooled = [v for c in callers for v in getattr(c.timings, f"{key}_ns")]
        for pct, value in percentiles_ms(pooled).items():
            result[f"{key}_{pct}_ms"] = value
    rtts = [v for c in callers for v in c.timings.rtt_ns]
    sent = sum(c.timings.sent for c in callers)
    result["frames_timed"] = len(rtts)
    result["lost"] = sent - sum(c.timings.received for c in callers)
    # Lost frames count as late: the caller never heard them in time either.
    result["late_over_100ms"] = sum(1 for v in rtts if v > LATE_NS) + result["lost"]
    return result


class ProcessMeter:
    """CPU seconds (user + system) and peak resident memory of processes, from /proc
    (summed over `pids`)."""

    def __init__(self, *pids: int) -> None:
        self.pids = pids
        self._cpu0 = 0.0
        self.cpu_used = 0.0  # CPU seconds between start() and stop()
        self.peak_rss = 0  # bytes, the highest of the samples since start()

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids)

    def rss_bytes(self) -> int:
        return sum(_rss_bytes(pid) for pid in self.pids)

    def start(self) -> None:
        self._cpu0 = self.cpu_seconds()
        self.peak_rss = self.rss_bytes()

    def sample(self) -> None:
        self.peak_rss = max(self.peak_rss, self.rss_bytes())

    def stop(self) -> None:
        self.sample()
        self.cpu_used = self.cpu_seconds() - self._cpu0


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 (utime, stime); after the ")" the list starts at field 3.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class MachineMeter:
    """The whole machine's busy and stolen CPU between start() and stop() (/proc/stat).

    Together with the benchmark's own processes' CPU this tells how much other work ran
    (the load average cannot: it counts the benchmark's own processes too).
    """

    def __init__(self) -> None:
        self._t0 = self._busy0 = self._steal0 = 0.0
        self.busy_cores = self.steal_cores = 0.0

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._busy0, self._steal0 = _machine_busy_and_steal()

    def stop(self) -> None:
        wall = time.monotonic() - self._t0
        busy, steal = _machine_busy_and_steal()
        self.busy_cores = (busy - self._busy0) / wall
        self.steal_cores = (steal - self._steal0) / wall


def _machine_busy_and_steal() -> tuple[float, float]:
    """CPU seconds of all cores, busy (not idle, not waiting for I/O) and stolen."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle, iowait, steal = fields[3], fields[4], fields[7]
    busy = sum(fields[:8]) - idle - iowait - steal
    return busy / CLOCK_TICKS_PER_S, steal / CLOCK_TICKS_PER_S
