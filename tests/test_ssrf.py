"""Item 5: IPv6 forms that wrap an IPv4 address are judged by the address inside."""

from __future__ import annotations

import ipaddress

import pytest

from routeiq.ssrf import SSRFBlocked, SSRFGuard, SSRFSettings, classify, embedded_ipv4

# (form, IPv6 text, wrapped IPv4, expected reason)
WRAPPED = [
    ("6to4", "2002:7f00:1::", "127.0.0.1", "loopback"),
    ("6to4", "2002:a9fe:a9fe::", "169.254.169.254", "metadata"),
    ("6to4", "2002:0a00:0005::1", "10.0.0.5", "private"),
    ("6to4", "2002:c0a8:0101:ffff::", "192.168.1.1", "private"),
    ("6to4", "2002:6440:0001::", "100.64.0.1", "non-global"),
    # Teredo: server 65.54.227.120, client obfuscated (XOR 0xffffffff) in the last 32 bits
    ("teredo", "2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1", "loopback"),
    ("teredo", "2001:0:4136:e378:8000:63bf:5601:5601", "169.254.169.254", "metadata"),
    ("nat64", "64:ff9b::7f00:1", "127.0.0.1", "loopback"),
    ("nat64", "64:ff9b::a9fe:a9fe", "169.254.169.254", "metadata"),
    ("nat64", "64:ff9b::10.1.2.3", "10.1.2.3", "private"),
    ("ipv4-compatible", "::127.0.0.1", "127.0.0.1", "loopback"),
    ("ipv4-compatible", "::169.254.169.254", "169.254.169.254", "metadata"),
    ("ipv4-compatible", "::192.168.0.1", "192.168.0.1", "private"),
    ("ipv4-mapped", "::ffff:127.0.0.1", "127.0.0.1", "loopback"),
    ("ipv4-mapped", "::ffff:a9fe:a9fe", "169.254.169.254", "metadata"),
    ("ipv4-translated", "::ffff:0:7f00:1", "127.0.0.1", "loopback"),
    ("ipv4-translated", "::ffff:0:a00:1", "10.0.0.1", "private"),
]


@pytest.mark.parametrize(("form", "v6", "v4", "reason"), WRAPPED)
def test_wrapped_ipv4_is_unwrapped_and_classified(form: str, v6: str, v4: str, reason: str) -> None:
    addr = ipaddress.ip_address(v6)
    assert embedded_ipv4(addr) == ipaddress.ip_address(v4), form
    assert classify(addr) == reason, form


@pytest.mark.parametrize(
    "v6",
    ["2002:0808:0808::", "64:ff9b::8.8.8.8", "::ffff:8.8.8.8", "::8.8.8.8"],
)
def test_wrapped_public_ipv4_stays_public(v6: str) -> None:
    assert classify(ipaddress.ip_address(v6)) is None


def test_non_wrapping_addresses_unchanged() -> None:
    assert embedded_ipv4(ipaddress.ip_address("2606:4700:4700::1111")) is None
    assert embedded_ipv4(ipaddress.ip_address("8.8.8.8")) is None
    assert classify(ipaddress.ip_address("::1")) == "loopback"
    assert classify(ipaddress.ip_address("::")) == "unspecified"
    assert classify(ipaddress.ip_address("64:ff9b:1::a00:1")) == "non-global"


@pytest.mark.parametrize("url", ["http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::]/x"])
async def test_guard_refuses_6to4_urls(url: str) -> None:
    guard = SSRFGuard(SSRFSettings())
    with pytest.raises(SSRFBlocked, match="address"):
        await guard.check_url(url)


async def test_allowlist_matches_the_wrapped_address() -> None:
    guard = SSRFGuard(SSRFSettings(allow_networks=("127.0.0.1/32",)))
    await guard.check_url("http://[2002:7f00:1::]:8080/")  # allowed via the inner 127.0.0.1
    with pytest.raises(SSRFBlocked):
        await guard.check_url("http://[2002:7f00:2::]:8080/")
