"""The webhook SSRF guard: which URLs and addresses a webhook may reach (no Django).

A URL passes when its scheme is http(s), it carries no credentials, and every address its
host resolves to is public. Hosts in the allow-list (``WEBHOOK_ALLOWED_HOSTS``, passed in
by the caller) skip the address check; nothing else does. The caller connects to one of the
returned addresses, so a second DNS answer cannot swap in a private one (no rebinding).
"""

import concurrent.futures
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance metadata endpoints (AWS/GCP/Azure/OpenStack, AWS over IPv6).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254")
)
CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")  # shared address space (RFC 6598)
UNIQUE_LOCAL_NETWORK = ipaddress.ip_network("fc00::/7")
NAT64_NETWORK = ipaddress.ip_network("64:ff9b::/96")
# Hosts that only look numeric: decimal, octal or hex IPv4 forms such as 2130706433 or 0x7f.1.
NUMERIC_HOST_RE = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*$")


# A lookup that takes longer than this (or than the caller's deadline) fails.
DNS_TIMEOUT_S = 5.0
# getaddrinfo() cannot be interrupted: lookups run on these threads, and a caller gives up
# after its timeout instead of hanging with a hung lookup (the pool bounds how many can).
DNS_THREADS = 4
_dns_executor = concurrent.futures.ThreadPoolExecutor(
    max_workers=DNS_THREADS, thread_name_prefix="dns"
)


class BlockedURLError(ValueError):
    """The URL or one of its addresses may not be called; the message says why."""


class DNSTimeout(BlockedURLError, TimeoutError):
    """The host name did not resolve in time."""


@dataclass(frozen=True)
class Target:
    """A vetted request target: connect to `addresses[0]`, send `host` as Host and SNI."""

    scheme: str
    host: str  # as written in the URL, lower-case, without brackets
    port: int
    path: str  # path and query, at least "/"
    addresses: tuple[str, ...] = ()

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def parse_url(url: str) -> Target:
    """Split `url` into a Target without addresses; BlockedURLError when it is not callable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BlockedURLError(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"only http and https URLs may be called, not {scheme or '(none)'}:"
        )
    if parts.username is not None or parts.password is not None:
        raise BlockedURLError(
            "URLs with user:password@ are refused; put credentials in headers"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedURLError("the URL has no host")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise BlockedURLError("the URL contains spaces or control characters")
    if not host.isascii():
        try:
            host = host.encode("idna").decode(
                "ascii"
            )  # bücher.example -> xn--bcher-kva.example
        except UnicodeError:
            raise BlockedURLError(f"host {host!r} is not a valid domain name") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port or DEFAULT_PORTS[scheme], path)


def host_is_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether `host` is on the allow-list (names compared case-insensitively, IPs by value)."""
    host = host.lower().rstrip(".")
    host_ip = _strict_ip(host)
    for entry in allowed_hosts:
        entry = entry.strip().strip("[]").lower().rstrip(".")
        if entry and (
            entry == host or (host_ip is not None and _strict_ip(entry) == host_ip)
        ):
            return True
    return False


def forbidden_reason(address: IPAddress | str) -> str | None:
    """Why `address` may not be called from a webhook, or None when it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_NETWORK:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            return f"{reason} (embedded in an IPv6 address)" if reason else None
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_link_local, "a link-local address"),
        (
            ip.version == 4 and ip in CGNAT_NETWORK,
            "a shared (carrier-grade NAT) address",
        ),
        (ip.version == 6 and ip in UNIQUE_LOCAL_NETWORK, "a unique-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    for matched, reason in checks:
        if matched:
            return reason
    return None


def resolve(host: str, port: int, timeout_s: float | None = None) -> list[str]:
    """Every address `host` resolves to, within `timeout_s` (default DNS_TIMEOUT_S).

    Blocking: call it from a worker thread. Raises DNSTimeout when the lookup hangs.
    """
    literal = _strict_ip(host)
    if literal is not None:
        return [str(literal)]
    timeout_s = DNS_TIMEOUT_S if timeout_s is None else min(timeout_s, DNS_TIMEOUT_S)
    lookup = _dns_executor.submit(
        socket.getaddrinfo, host, port, type=socket.SOCK_STREAM
    )
    try:
        infos = lookup.result(timeout=max(timeout_s, 0.0))
    except concurrent.futures.TimeoutError:
        lookup.cancel()
        raise DNSTimeout(
            f"looking up host {host!r} took longer than {timeout_s:g} s"
        ) from None
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedURLError(f"cannot resolve host {host!r}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0].split("%")[0] for info in infos))
    if not addresses:
        raise BlockedURLError(f"host {host!r} has no addresses")
    return addresses


def vet_url(
    url: str, allowed_hosts: Iterable[str], *, dns_timeout_s: float | None = None
) -> Target:
    """Parse, resolve and check `url`; the Target to connect to, or BlockedURLError."""
    target = parse_url(url)
    allowed = host_is_allowed(target.host, allowed_hosts)
    if (
        not allowed
        and NUMERIC_HOST_RE.match(target.host)
        and _strict_ip(target.host) is None
    ):
        raise BlockedURLError(
            f"host {target.host!r} is a disguised numeric address; write it as a normal IP"
        )
    addresses = resolve(target.host, target.port, dns_timeout_s)
    if not allowed:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason:
                raise BlockedURLError(
                    f"host {target.host!r} resolves to {address}, {reason}; add the host to "
                    "WEBHOOK_ALLOWED_HOSTS if this is intended"
                )
    return Target(
        target.scheme, target.host, target.port, target.path, tuple(addresses)
    )


def _strict_ip(text: str) -> IPAddress | None:
    """`text` as an IP address when written in standard form, else None."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None
