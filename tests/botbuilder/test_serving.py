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


# --- autobahn's per-frame Python (install_lean_autobahn) -------------------------------


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 127, 960, 4099])
def test_the_apply_mask_masker_unmasks_like_autobahn_in_any_pieces(size):
    from autobahn.websocket.xormasker import create_xor_masker

    data, mask = os.urandom(size), os.urandom(4)
    cuts = sorted(
        {
            0,
            size,
            *(int.from_bytes(os.urandom(2), "big") % (size + 1) for _ in range(3)),
        }
    )
    theirs, ours = create_xor_masker(mask, size), serving.create_masker(mask, size)
    pieces = [data[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    assert b"".join(ours.process(p) for p in pieces) == theirs.process(data)
    assert ours.pointer() == theirs.pointer() == size
    ours.reset()
    assert ours.pointer() == 0
    assert ours.process(data) == create_xor_masker(mask, size).process(data)


def test_lean_autobahn_is_left_off_when_debug_logging_is_on(monkeypatch):
    import txaio
    from autobahn.util import hltype
    from autobahn.websocket import protocol

    monkeypatch.setattr(protocol, "hltype", protocol.hltype)
    monkeypatch.setattr(protocol, "create_xor_masker", protocol.create_xor_masker)
    monkeypatch.setattr(txaio, "get_global_log_level", lambda: "debug")
    assert serving.install_lean_autobahn() is False
    assert protocol.hltype is hltype


def test_lean_autobahn_skips_the_debug_strings_and_the_cffi_masker(monkeypatch):
    from autobahn.twisted import websocket as twisted_websocket
    from autobahn.websocket import protocol

    for module in (protocol, twisted_websocket):
        monkeypatch.setattr(module, "hltype", module.hltype)
        monkeypatch.setattr(module, "hlval", module.hlval)
    monkeypatch.setattr(protocol, "create_xor_masker", protocol.create_xor_masker)
    assert serving.install_lean_autobahn() is True
    assert protocol.hltype(protocol.WebSocketProtocol.sendData) == ""
    assert twisted_websocket.hlval(12) == ""
    assert protocol.create_xor_masker is serving.create_masker


LEAN_PROBE = Path(__file__).with_name("autobahn_lean_probe.py")


def test_a_real_autobahn_server_with_lean_autobahn_echoes_every_frame_intact():
    done = subprocess.run(
        [sys.executable, str(LEAN_PROBE)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=LEAN_PROBE.parents[2],
        env={**os.environ, "PYTHONPATH": str(LEAN_PROBE.parents[2])},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "lean": True,
        "masker": True,
        "intact": True,
        "split_intact": True,
    }


# install_lean_autobahn replaces names these autobahn methods use; a change in them must be
# reviewed (and this digest updated) before the patch is trusted.
PATCHED_AUTOBAHN_SOURCE_SHA256 = {
    "WebSocketProtocol.sendData": (
        "5dcca425b048b07eb27d56a625a790d7a8e48fbe958753074cb1e55e174b2423"
    ),
    "WebSocketProtocol.processData": (
        "25b9c1387a46ab258a5ead2b4837253bb3582c51883ee3d70497e4eaa89e00f2"
    ),
    "WebSocketAdapterProtocol.dataReceived": (
        "7997f762de21843361fe9d6bc8df40f6517cafe310d76eb61b292aa8cecf9661"
    ),
}


def test_the_patched_autobahn_code_is_the_version_the_patch_was_written_for():
    import hashlib
    import inspect

    import autobahn
    from autobahn.twisted.websocket import WebSocketAdapterProtocol
    from autobahn.websocket.protocol import WebSocketProtocol

    pins = (PROBE.parents[2] / "requirements.txt").read_text()
    assert f"autobahn=={autobahn.__version__}" in pins
    for method in (
        WebSocketProtocol.sendData,
        WebSocketProtocol.processData,
        WebSocketAdapterProtocol.dataReceived,
    ):
        digest = hashlib.sha256(inspect.getsource(method).encode()).hexdigest()
        assert digest == PATCHED_AUTOBAHN_SOURCE_SHA256[method.__qualname__], (
            f"autobahn changed {method.__qualname__}: review "
            "botbuilder/serving.py install_lean_autobahn against it, then update the digest"
        )
