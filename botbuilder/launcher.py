"""Run several server processes as one: check their ports, wait until they answer, stop
them all on Ctrl-C / SIGTERM (used by `manage.py runall`, which `make run` calls)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

# How long a process may take to answer on its port (the offline engine loads its models).
START_TIMEOUT_S = 120.0
# How long a process may take to stop after SIGINT before it is killed.
STOP_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.1


@dataclass(frozen=True)
class Proc:
    """One process to run: a name for messages, its command and the port it serves (if any)."""

    name: str
    argv: Sequence[str]
    host: str = "127.0.0.1"
    port: int | None = None
    env: dict[str, str] = field(default_factory=dict)


class LaunchError(Exception):
    """A process could not start; the message is the one line shown to the user."""


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on `host:port` (bound the way servers bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_answers(host: str, port: int) -> bool:
    """True when a TCP connection to `host:port` is accepted."""
    try:
        with socket.create_connection((host, port), timeout=POLL_INTERVAL_S):
            return True
    except OSError:
        return False


def check_ports(procs: Sequence[Proc]) -> None:
    """Raise LaunchError naming the first process whose port is already taken."""
    for proc in procs:
        if proc.port is not None and not port_is_free(proc.host, proc.port):
            raise LaunchError(
                f"Port {proc.port} on {proc.host} is already in use, so the {proc.name} "
                f"cannot start: stop whatever uses it or choose another port."
            )


class Launcher:
    """Starts `procs`, reports when all answer, and stops them all together."""

    def __init__(
        self, procs: Sequence[Proc], *, out: Callable[[str], None] | None = None
    ):
        self.procs = list(procs)
        self.out = out or (lambda line: print(line, flush=True))
        self.running: list[tuple[Proc, subprocess.Popen]] = []
        self.stopping = False

    def run(self, *, ready_message: str) -> int:
        """Run until a signal (exit 0) or until a process dies on its own (exit 1)."""
        check_ports(self.procs)
        previous = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for proc in self.procs:
                self.running.append((proc, self._spawn(proc)))
            if not self._wait_until_ready():
                return 0 if self.stopping else 1
            self.out(ready_message)
            died = self._wait_for_exit()
            if died is not None and not self.stopping:
                self.out(f"The {died.name} stopped unexpectedly; stopping the others.")
                return 1
            return 0
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _spawn(self, proc: Proc) -> subprocess.Popen:
        # A session of its own: the terminal's Ctrl-C reaches only us, and we stop each
        # process in order instead of all of them racing.
        return subprocess.Popen(
            list(proc.argv), env={**os.environ, **proc.env}, start_new_session=True
        )

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _dead(self) -> Proc | None:
        return next((p for p, child in self.running if child.poll() is not None), None)

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = [p for p in self.procs if p.port is not None]
        while waiting:
            if self.stopping:
                return False
            dead = self._dead()
            if dead is not None:
                self.out(
                    f"The {dead.name} exited while starting; see its output above."
                )
                return False
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                self.out(f"Gave up after {START_TIMEOUT_S:.0f} s waiting for: {names}.")
                return False
            waiting = [p for p in waiting if not port_answers(p.host, p.port)]
            time.sleep(POLL_INTERVAL_S)
        return True

    def _wait_for_exit(self) -> Proc | None:
        while not self.stopping:
            dead = self._dead()
            if dead is not None:
                return dead
            time.sleep(POLL_INTERVAL_S)
        return None

    def _stop_all(self) -> None:
        for _, child in self.running:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for _, child in self.running:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.running.clear()


def launch(procs: Sequence[Proc], *, ready_message: str) -> int:
    """Run `procs` together; a busy port is one line on stderr and exit status 2."""
    try:
        return Launcher(procs).run(ready_message=ready_message)
    except LaunchError as exc:
        print(exc, file=sys.stderr)
        return 2
