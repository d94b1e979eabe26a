"""One HTTP exchange to a vetted address, under a deadline and a size cap (blocking code).

Runs in a worker thread. The socket goes to the address the SSRF guard checked, while the
Host header and TLS SNI/certificate check use the host name from the URL, so a DNS answer
that changes between check and connect cannot redirect the request.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from botbuilder.tools.ssrf import Target

READ_CHUNK_BYTES = 16_384


class DeadlineExceeded(TimeoutError):
    """The whole exchange took longer than the tool's timeout."""


class ResponseTooLarge(ValueError):
    """The response body is bigger than the tool allows."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        super().__init__(f"the response is larger than {limit_bytes} bytes")


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    address: str  # the IP address the request went to
    elapsed_ms: int = 0

    def header(self, name: str) -> str:
        """The first header called `name` (case-insensitive), or ""."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def tls_context() -> ssl.SSLContext:
    """The TLS settings of webhook calls: system CAs, certificate and host name checked."""
    return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and SNI are checked against the URL's host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def exchange(
    target: Target,
    *,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_body_bytes: int,
) -> RawResponse:
    """Send one request to `target.addresses` (first that connects) and read the response.

    `deadline` is a time.monotonic() value. Raises DeadlineExceeded, ResponseTooLarge or
    OSError/http.client.HTTPException for network and protocol failures.
    """
    started = time.monotonic()
    last_error: OSError | None = None
    for address in target.addresses:
        connection_class = (
            _PinnedHTTPSConnection
            if target.scheme == "https"
            else _PinnedHTTPConnection
        )
        conn = connection_class(
            target.host, target.port, address=address, timeout=_remaining(deadline)
        )
        try:
            try:
                conn.connect()
            except TimeoutError:
                raise DeadlineExceeded("connecting timed out") from None
            except OSError as exc:
                last_error = exc
                continue
            response = _send_and_read(
                conn, target, method, headers, body, deadline, max_body_bytes
            )
            response.address = address
            response.elapsed_ms = int((time.monotonic() - started) * 1000)
            return response
        finally:
            conn.close()
    raise last_error or OSError("no address to connect to")


def _send_and_read(
    conn: http.client.HTTPConnection,
    target: Target,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_body_bytes: int,
) -> RawResponse:
    # http.client drops conn.sock once the response is read to the end; keep our own handle.
    sock = conn.sock
    try:
        sock.settimeout(_remaining(deadline))
        conn.request(method, target.path, body=body, headers=headers)
        sock.settimeout(_remaining(deadline))
        response = conn.getresponse()
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_body_bytes:
            raise ResponseTooLarge(max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(_remaining(deadline))
            chunk = response.read1(READ_CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if size > max_body_bytes:
                raise ResponseTooLarge(max_body_bytes)
            chunks.append(chunk)
    except TimeoutError:
        raise DeadlineExceeded("the endpoint did not answer in time") from None
    return RawResponse(
        status=response.status,
        reason=response.reason,
        headers=list(response.getheaders()),
        body=b"".join(chunks),
        address="",
    )


def _remaining(deadline: float) -> float:
    """Seconds left before `deadline`; DeadlineExceeded when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the endpoint did not answer in time")
    return left
