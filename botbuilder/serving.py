"""How daphne runs this project: the event loop under Twisted, writes without a detour, and
autobahn without its per-frame debug strings and cffi masker objects.

Both must be set up before daphne is imported (daphne installs Twisted's asyncio reactor
when its server module loads), so `python -m botbuilder.serve` calls them first; plain
`daphne botbuilder.asgi:application` keeps Twisted's defaults and works the same, only with
more CPU per audio frame (bench/README.md, relay benchmark).
"""

import asyncio
from typing import Any

from websockets.frames import apply_mask  # the C speedup when built, as websockets uses

EVENT_LOOPS = ("uvloop", "asyncio")


def install_reactor(event_loop: str) -> None:
    """Install Twisted's asyncio reactor on a new `event_loop` ("uvloop" or "asyncio")."""
    if event_loop not in EVENT_LOOPS:
        raise ValueError(f"EVENT_LOOP must be one of {', '.join(EVENT_LOOPS)}")
    from twisted.internet import asyncioreactor

    if event_loop == "uvloop":
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    asyncioreactor.install(loop)


def _eager_write(connection: Any, data: bytes, buffered_write: Any) -> None:
    if (
        not connection.TLS  # TLS: the bytes must go through the TLS layer (Twisted's write)
        and connection.connected
        and not connection.disconnecting
        and not connection._writeDisconnected
        and not connection._tempDataBuffer
        and connection.offset == len(connection.dataBuffer)
        and type(data) is bytes
        and data
    ):
        try:
            sent = connection.socket.send(data)
        except OSError:  # full (EAGAIN) or broken: the reactor's write path handles it
            sent = 0
        if sent == len(data):
            return
        data = data[sent:]
    buffered_write(connection, data)


def install_eager_writes() -> None:
    """Make Twisted TCP connections send at once when nothing is waiting to be sent.

    Twisted buffers every write and sends it when the reactor next finds the socket
    writable: for the relay's one message per audio frame that is two `epoll_ctl` calls
    and a loop iteration more per frame than a direct `send`, which is what asyncio's own
    transports do. Writes that do not go out whole, or while older data waits, take
    Twisted's buffered path, so order and back-pressure are unchanged.
    """
    from twisted.internet import tcp

    if getattr(tcp.Connection.write, "eager", False):
        return
    buffered_write = tcp.Connection.write

    def write(self: Any, data: bytes) -> None:
        _eager_write(self, data, buffered_write)

    write.eager = True
    tcp.Connection.write = write


# autobahn's per-frame Python (bench/README.md, relay profile): both call sites below were
# read in autobahn==26.11.1 (requirements.txt pins it; tests/botbuilder/test_serving.py
# checks the source they were written against).
AUTOBAHN_DEBUG_LEVELS = ("debug", "trace")


def _unformatted(obj: Any, *args: Any, **kwargs: Any) -> str:
    return ""


class ApplyMaskMasker:
    """autobahn's XOR masker interface (`process`, `pointer`, `reset`) on websockets' C
    `apply_mask`: one small object per frame instead of autobahn's cffi masker (a C
    allocation, a finalizer and a buffer copy per frame). Masks split frames correctly:
    `process` may be called for consecutive pieces of one frame's payload."""

    __slots__ = ("_mask", "_ptr")

    def __init__(self, mask: bytes) -> None:
        self._mask = bytes(mask)
        self._ptr = 0

    def pointer(self) -> int:
        return self._ptr

    def reset(self) -> None:
        self._ptr = 0

    def process(self, data: bytes) -> bytes:
        shift = self._ptr & 3
        mask = self._mask[shift:] + self._mask[:shift] if shift else self._mask
        self._ptr += len(data)
        return apply_mask(data, mask)


def create_masker(mask: bytes, length: int | None = None) -> ApplyMaskMasker:
    return ApplyMaskMasker(mask)


def install_lean_autobahn() -> bool:
    """Skip autobahn's per-frame Python that does nothing for the relay.

    - `WebSocketProtocol.sendData` and the Twisted protocol's `dataReceived` log a debug
      line per frame; txaio makes `log.debug` a no-op below the debug level, but the
      arguments, `hltype(...)`/`hlval(...)` (qualified names, coloured with `click` when it
      is installed), are built before the call: 8.6 % of the worker's samples. Unless
      txaio's level is debug or trace, the two modules' `hltype`/`hlval` return "".
    - A masker per received frame: websockets' C `apply_mask` instead of the cffi masker
      (6.1 %). Returns False (nothing changed) when debug logging is on.
    """
    import txaio
    from autobahn.twisted import websocket as twisted_websocket
    from autobahn.websocket import protocol

    if txaio.get_global_log_level() in AUTOBAHN_DEBUG_LEVELS:
        return False
    for module in (protocol, twisted_websocket):
        module.hltype = module.hlval = _unformatted
    protocol.create_xor_masker = create_masker
    return True
