"""botbuilder.serving: eager writes on Twisted TCP connections, the event loop choice."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from botbuilder import serving


@pytest.fixture
def socket_pair():
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    theirs.settimeout(2)
    yield ours, theirs
    ours.close()
    theirs.close()


def connection(sock, **state):
    """The attributes of a twisted.internet.tcp.Connection that the eager write reads."""
    defaults = {
        "TLS": False,
        "connected": True,
        "disconnecting": False,
        "_writeDisconnected": False,
        "_tempDataBuffer": [],
        "dataBuffer": b"",
        "offset": 0,
        "socket": sock,
    }
    return SimpleNamespace(**{**defaults, **state})


def recording_write():
    buffered = []
    return buffered, lambda conn, data: buffered.append(bytes(data))


def test_a_write_with_nothing_queued_goes_out_at_once(socket_pair):
    ours, theirs = socket_pair
    buffered, buffered_write = recording_write()
    serving._eager_write(connection(ours), b"frame-1", buffered_write)
    assert theirs.recv(100) == b"frame-1"
    assert buffered == []


@pytest.mark.parametrize(
    "state",
    [
        {"TLS": True},  # daphne -e ssl:...: plain bytes must never reach the socket
        {"_tempDataBuffer": [b"older"]},
        {"dataBuffer": b"older", "offset": 2},
        {"disconnecting": True},
        {"_writeDisconnected": True},
        {"connected": False},
    ],
)
def test_queued_data_or_a_closing_connection_take_the_buffered_path(socket_pair, state):
    ours, theirs = socket_pair
    buffered, buffered_write = recording_write()
    serving._eager_write(connection(ours, **state), b"frame-2", buffered_write)
    assert buffered == [b"frame-2"]
    theirs.setblocking(False)
    with pytest.raises(BlockingIOError):
        theirs.recv(100)


def test_what_the_socket_does_not_take_is_buffered_in_order(socket_pair):
    ours, theirs = socket_pair
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    data = bytes(range(256)) * 4096  # 1 MiB: more than the socket takes at once
    buffered, buffered_write = recording_write()
    serving._eager_write(connection(ours), data, buffered_write)
    assert len(buffered) == 1
    sent = len(data) - len(buffered[0])
    assert 0 < sent < len(data)
    assert buffered[0] == data[sent:]


def test_a_broken_socket_leaves_the_error_to_twisted(socket_pair):
    ours, theirs = socket_pair
    theirs.close()
    ours.shutdown(socket.SHUT_WR)
    buffered, buffered_write = recording_write()
    serving._eager_write(connection(ours), b"frame-3", buffered_write)
    assert buffered == [b"frame-3"]


def test_install_eager_writes_patches_twisted_tcp_once(monkeypatch):
    from twisted.internet import tcp

    original = tcp.Connection.write
    monkeypatch.setattr(tcp.Connection, "write", original)  # restored after the test
    serving.install_eager_writes()
    patched = tcp.Connection.write
    assert patched is not original and patched.eager
    serving.install_eager_writes()
    assert tcp.Connection.write is patched


def test_an_unknown_event_loop_is_refused():
    with pytest.raises(ValueError, match="uvloop, asyncio"):
        serving.install_reactor("trio")


PROBE = Path(__file__).with_name("twisted_eager_probe.py")


@pytest.mark.parametrize("event_loop", ["asyncio", "uvloop"])
def test_eager_writes_on_a_real_twisted_tcp_connection(event_loop):
    """A real reactor, a real listening port and a real client socket: writes with nothing
    queued skip Twisted's buffer, a write too large for the socket and everything behind
    it take the buffered path, and every byte arrives in order."""
    done = subprocess.run(
        [sys.executable, str(PROBE), event_loop],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROBE.parents[2],
        env={**os.environ, "PYTHONPATH": str(PROBE.parents[2])},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["intact"], result
    assert result["buffered_after_small"] == 0
    assert result["buffered_after_large"] >= 2


def test_twisted_is_pinned_to_the_version_the_eager_write_was_checked_against():
    """The eager write reads Twisted's private connection state: an upgrade must be a
    deliberate change of this pin (and the real-connection test above must pass)."""
    import twisted

    pins = (PROBE.parents[2] / "requirements.txt").read_text()
    assert f"Twisted=={twisted.__version__}" in pins
