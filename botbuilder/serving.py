"""How daphne runs this project: the event loop under Twisted, and writes without a detour.

Both must be set up before daphne is imported (daphne installs Twisted's asyncio reactor
when its server module loads), so `python -m botbuilder.serve` calls them first; plain
`daphne botbuilder.asgi:application` keeps Twisted's defaults and works the same, only with
more CPU per audio frame (bench/README.md, relay benchmark).
"""

import asyncio
from typing import Any

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
