"""One HTTP exchange to a vetted address, under a deadline and a size cap (blocking code).

Runs in a worker thread, on httpcore (the transport layer of httpx, same maintainers): its
network backend is public API, so the socket goes to the address the SSRF guard checked
while the Host header and TLS SNI/certificate check use the URL's host name, and a DNS
answer that changes between check and connect cannot redirect the request. (httpx's own
HTTPTransport takes no network backend.) Every phase (connect, TLS, write, each read) gets
at most the time left before the deadline; the connection pool is closed on the way out,
so the socket closes at once whatever ended the exchange (size cap, deadline, error).
"""

import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpcore

from botbuilder.tools.ssrf import Target

READ_CHUNK_BYTES = 16_384


class DeadlineExceeded(TimeoutError):
    """The whole exchange took longer than the tool's timeout."""


class ResponseTooLarge(ValueError):
    """The response body is bigger than the tool allows."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        super().__init__(f"the response is larger than {limit_bytes} bytes")


class ExchangeError(OSError):
    """The connection or the HTTP exchange failed (the message says how)."""


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


def tls_context() -> ssl.SSLContext:
    """The TLS settings of webhook calls: system CAs, certificate and host name checked."""
    return ssl.create_default_context()


def _remaining(deadline: float) -> float:
    """Seconds left before `deadline`; DeadlineExceeded when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the endpoint did not answer in time")
    return left


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _timeout(self, timeout: float | None) -> float:
        left = _remaining(self._deadline)
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(
            ssl_context, server_hostname, self._timeout(timeout)
        )
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the vetted `address` whatever host the request names."""

    def __init__(self, address: str, deadline: float) -> None:
        self._address = address
        self._deadline = deadline
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        left = _remaining(self._deadline)
        stream = self._backend.connect_tcp(
            self._address,
            port,
            timeout=left if timeout is None else min(timeout, left),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


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
    ExchangeError (an OSError) for network and protocol failures.
    """
    started = time.monotonic()
    last_error: Exception | None = None
    for address in target.addresses:
        try:
            response = _exchange_with(
                address, target, method, headers, body, deadline, max_body_bytes
            )
        except httpcore.ConnectError as exc:
            last_error = exc
            continue
        response.elapsed_ms = int((time.monotonic() - started) * 1000)
        return response
    raise ExchangeError(str(last_error or "no address to connect to"))


def _exchange_with(
    address: str,
    target: Target,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_body_bytes: int,
) -> RawResponse:
    left = _remaining(deadline)
    timeouts = {"connect": left, "read": left, "write": left, "pool": left}
    url = httpcore.URL(
        scheme=target.scheme.encode(),
        host=target.host.encode(),
        port=target.port,
        target=target.path.encode(),
    )
    pool = httpcore.ConnectionPool(
        ssl_context=tls_context() if target.scheme == "https" else None,
        network_backend=_PinnedBackend(address, deadline),
        max_connections=1,
        retries=0,
    )
    try:
        with (
            pool,
            pool.stream(
                method.encode(),
                url,
                headers=list(headers.items()),
                content=body,
                extensions={"timeout": timeouts},
            ) as response,
        ):
            declared = _header(response.headers, "content-length")
            if declared.isdigit() and int(declared) > max_body_bytes:
                raise ResponseTooLarge(max_body_bytes)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_stream():
                size += len(chunk)
                if size > max_body_bytes:
                    raise ResponseTooLarge(max_body_bytes)
                chunks.append(chunk)
                _remaining(deadline)
            reason = response.extensions.get("reason_phrase", b"")
            return RawResponse(
                status=response.status,
                reason=reason.decode("latin-1"),
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in response.headers
                ],
                body=b"".join(chunks),
                address=address,
            )
    except httpcore.TimeoutException:
        raise DeadlineExceeded("the endpoint did not answer in time") from None
    except httpcore.ConnectError:
        raise
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise ExchangeError(str(exc) or type(exc).__name__) from None


def _header(headers: list[tuple[bytes, bytes]], name: str) -> str:
    for key, value in headers:
        if key.decode("latin-1").lower() == name:
            return value.decode("latin-1").strip()
    return ""
