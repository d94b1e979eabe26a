"""`manage.py runall` / `make run`: busy ports refused, ready only when all answer, clean stop."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from botbuilder.launcher import port_answers

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def held_port():
    """A port something already listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def runall(web_port: int, engine_port: int, **env: str) -> subprocess.CompletedProcess:
    """`manage.py runall` on these ports, with `env` added; its output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", "runall", "--port", str(web_port)]
        + ["--engine-port", str(engine_port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_runall_refuses_a_busy_engine_port_with_one_line(held_port):
    web_port = free_port()
    result = runall(web_port, held_port)
    assert result.returncode != 0
    assert "Serving on" not in result.stdout
    refusals = [line for line in result.stderr.splitlines() if "in use" in line]
    assert refusals == [
        f"Port {held_port} on 127.0.0.1 is already in use, so the offline engine "
        "cannot start: stop whatever uses it or choose another port."
    ]
    assert "Traceback" not in result.stderr
    assert not port_answers("127.0.0.1", web_port)  # nothing was started


def test_runall_refuses_a_busy_web_port(held_port):
    result = runall(held_port, free_port())
    assert result.returncode != 0
    assert f"Port {held_port} on 127.0.0.1 is already in use" in result.stderr


def test_runall_refuses_an_unknown_recogniser_before_starting_anything():
    web_port, engine_port = free_port(), free_port()
    result = runall(web_port, engine_port, OFFLINE_ENGINE_RECOGNISER="kaldi")
    assert result.returncode != 0
    assert "Unknown speech recogniser 'kaldi': use one of pocketsphinx, whisper." in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not port_answers("127.0.0.1", web_port)
    assert not port_answers("127.0.0.1", engine_port)


def launcher_script(ports: list[int], *, extra: str = "") -> str:
    """A launcher over `python -m http.server` processes (stand-ins for the servers)."""
    procs = ", ".join(
        f"Proc('server {p}', [sys.executable, '-m', 'http.server', '-b', "
        f"'127.0.0.1', '{p}'], port={p})"
        for p in ports
    )
    return textwrap.dedent(
        f"""
        import sys
        from botbuilder.launcher import Proc, launch
        procs = [{procs}{extra}]
        sys.exit(launch(procs, ready_message='Serving on ' + repr({ports})))
        """
    )


def start_launcher(script: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_launcher_reports_ready_once_all_answer_and_stops_cleanly(stop_signal):
    ports = [free_port(), free_port()]
    launcher = start_launcher(launcher_script(ports))
    try:
        ready = f"Serving on {ports!r}"
        # The children share the launcher's stdout; their own banners come first.
        lines = iter(launcher.stdout.readline, "")
        assert any(line.strip() == ready for line in lines)
        assert all(port_answers("127.0.0.1", p) for p in ports)
        launcher.send_signal(stop_signal)
        assert launcher.wait(timeout=30) == 0
    finally:
        launcher.kill()
    assert not any(port_answers("127.0.0.1", p) for p in ports)
    assert "Segmentation fault" not in launcher.stderr.read()


def test_launcher_stops_everything_when_one_process_dies():
    port = free_port()
    dies = ", Proc('task worker', [sys.executable, '-c', 'import time; time.sleep(1)'])"
    launcher = start_launcher(launcher_script([port], extra=dies))
    try:
        assert launcher.wait(timeout=60) == 1
    finally:
        launcher.kill()
    assert "The task worker stopped unexpectedly" in launcher.stdout.read()
    assert not port_answers("127.0.0.1", port)


def test_make_run_refuses_a_busy_port_with_one_clear_line(held_port, tmp_path):
    """The documented command itself, on a database of its own."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        ["make", "run", f"PORT={free_port()}", f"ENGINE_PORT={held_port}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "Serving on" not in result.stdout
    ours = [line for line in result.stderr.splitlines() if "already in use" in line]
    assert ours == [
        f"Port {held_port} on 127.0.0.1 is already in use, so the offline engine "
        "cannot start: stop whatever uses it or choose another port."
    ]
    assert "Traceback" not in result.stderr
