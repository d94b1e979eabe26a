"""Run in a process of its own (a Twisted reactor cannot be restarted): a real Twisted TCP
server with `botbuilder.serving`'s eager writes, and a plain socket client reading it.

Prints one JSON line: what arrived, and how many writes took Twisted's buffered path.
"""

import json
import socket
import sys
import threading
import time

from botbuilder import serving

serving.install_reactor(sys.argv[1] if len(sys.argv) > 1 else "asyncio")

from twisted.internet import protocol, reactor, tcp  # noqa: E402 (after the reactor)

buffered_calls = []
original_write = tcp.Connection.write


def counting_write(self, data):
    buffered_calls.append(len(data))
    return original_write(self, data)


tcp.Connection.write = counting_write
serving.install_eager_writes()  # wraps the counting write as its buffered path

SMALL = [f"frame-{i:03d};".encode() for i in range(50)]
LARGE = b"L" * (32 * 1024 * 1024)  # far more than the socket buffers take at once
result = {}


class Sender(protocol.Protocol):
    def connectionMade(self):
        for frame in SMALL:  # nothing queued: each should go out at once
            self.transport.write(frame)
        result["buffered_after_small"] = len(buffered_calls)
        self.transport.write(LARGE)  # does not fit: the rest is queued by Twisted
        self.transport.write(b"tail")  # behind queued data: must keep its order
        result["buffered_after_large"] = len(buffered_calls)
        self.transport.loseConnection()


factory = protocol.Factory.forProtocol(Sender)
port = reactor.listenTCP(0, factory, interface="127.0.0.1")


def client():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # keep the pipe short
    sock.settimeout(20)
    sock.connect(("127.0.0.1", port.getHost().port))
    time.sleep(0.2)  # let the server's writes meet a full socket first
    received = bytearray()
    while chunk := sock.recv(1 << 16):
        received += chunk
    sock.close()
    expected = b"".join(SMALL) + LARGE + b"tail"
    result["intact"] = bytes(received) == expected
    result["received"] = len(received)
    reactor.callFromThread(reactor.stop)


threading.Thread(target=client, daemon=True).start()
reactor.callLater(30, reactor.stop)
reactor.run()
print(json.dumps(result))
