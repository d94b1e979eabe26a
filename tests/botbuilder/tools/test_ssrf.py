"""The SSRF guard: address classes, disguised addresses, schemes, the allow-list."""

import socket

import pytest

from botbuilder.tools.ssrf import (
    BlockedURLError,
    forbidden_reason,
    host_is_allowed,
    vet_url,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.100.100.200", "carrier-grade NAT"),  # Alibaba Cloud metadata
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
        (
            "192.0.2.1",
            "private",
        ),  # documentation range (special-purpose, Python: private)
        ("2001:db8::1", "private"),
    ],
)
def test_forbidden_address_classes(address, reason):
    assert reason in (forbidden_reason(address) or "")


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address):
    assert forbidden_reason(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f.1/",  # hex + short form
        "http://0177.0.0.1/",  # octal
        "http://017700000001/",
        "http://127.1/",
        "http://0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]:8080/x",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://LOCALHOST./",
        "https://10.0.0.1:8443/api",
    ],
)
def test_disguised_and_private_urls_are_refused(url):
    with pytest.raises(BlockedURLError):
        vet_url(url, allowed_hosts=[])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "only http and https"),
        ("ftp://example.com/", "only http and https"),
        ("//example.com/", "only http and https"),
        ("http://user:pass@example.com/", "user:password@"),
        ("http:///nohost", "no host"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_bad_schemes_and_urls_are_refused(url, message):
    with pytest.raises(BlockedURLError, match=message):
        vet_url(url, allowed_hosts=[])


def test_public_ip_literal_passes_without_dns():
    target = vet_url("https://93.184.216.34/orders?x=1", allowed_hosts=[])
    assert target.addresses == ("93.184.216.34",)
    assert target.port == 443 and target.path == "/orders?x=1"


def _fake_dns(monkeypatch, answers):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


def test_host_with_any_private_address_is_refused(monkeypatch):
    _fake_dns(monkeypatch, {"shop.example": ["93.184.216.34", "10.0.0.7"]})
    with pytest.raises(BlockedURLError, match="10.0.0.7, a private address"):
        vet_url("https://shop.example/api", allowed_hosts=[])


def test_public_host_passes_with_its_addresses(monkeypatch):
    _fake_dns(monkeypatch, {"shop.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = vet_url("https://shop.example/api", allowed_hosts=[])
    assert target.host == "shop.example"
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1::1")


def test_allow_listed_host_may_be_private(monkeypatch):
    _fake_dns(monkeypatch, {"orders.internal": ["10.0.0.7"]})
    assert vet_url(
        "http://orders.internal/x", allowed_hosts=["orders.internal"]
    ).addresses == ("10.0.0.7",)
    with pytest.raises(BlockedURLError):
        vet_url("http://orders.internal/x", allowed_hosts=["other.internal"])


def test_unresolvable_host_is_refused(monkeypatch):
    def failing(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    with pytest.raises(BlockedURLError, match="cannot resolve"):
        vet_url("https://nowhere.example/", allowed_hosts=[])


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("127.0.0.1", ["127.0.0.1"], True),
        ("Localhost", ["localhost."], True),
        ("::1", ["[::1]"], True),
        ("0:0::1", ["::1"], True),
        ("2130706433", ["127.0.0.1"], False),  # disguised forms never match an entry
        ("127.0.0.2", ["127.0.0.1"], False),
        ("evil.localhost.example", ["localhost"], False),
    ],
)
def test_allow_list_matching(host, allowed, expected):
    assert host_is_allowed(host, allowed) is expected


def test_international_host_names_are_resolved_as_punycode(monkeypatch):
    _fake_dns(monkeypatch, {"xn--bcher-kva.example": ["93.184.216.34"]})
    assert (
        vet_url("https://bücher.example/", allowed_hosts=[]).host
        == "xn--bcher-kva.example"
    )
