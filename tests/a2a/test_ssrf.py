"""SSRF guard: address classes, resolution of names, allowlist, cache expiry."""

from __future__ import annotations

import ipaddress

import pytest
import trio

from routeiq.ssrf import SSRFBlocked, SSRFGuard, SSRFSettings, classify, parse_target


@pytest.mark.parametrize(
    ("addr", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00:ec2::254", "metadata"),
        ("fc00::1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-global"),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_classify(addr: str, reason: str | None) -> None:
    assert classify(ipaddress.ip_address(addr)) == reason


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://example.com", "scheme 'gopher'"),
        ("http://", "has no host"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://example.com:99999/", "Invalid URL"),
    ],
)
def test_parse_target_refuses(url: str, message: str) -> None:
    with pytest.raises(SSRFBlocked, match=message):
        parse_target(url)


def test_parse_target_default_ports() -> None:
    assert parse_target("https://Example.com/a") == ("https", "example.com", 443)
    assert parse_target("http://example.com:8080/a") == ("http", "example.com", 8080)


async def test_loopback_refused_then_allowlisted() -> None:
    guard = SSRFGuard(SSRFSettings())
    with pytest.raises(SSRFBlocked, match=r"127\.0\.0\.1 \(loopback address\)") as info:
        await guard.check_url("http://127.0.0.1:8000/")
    assert info.value.status == 403
    allowed = SSRFGuard(SSRFSettings(allow_networks=("127.0.0.1/32",)))
    await allowed.check_url("http://127.0.0.1:8000/")
    # The allowlist admits exactly its network, nothing else.
    with pytest.raises(SSRFBlocked, match="loopback"):
        await allowed.check_url("http://127.0.0.2:8000/")


async def test_metadata_address_refused() -> None:
    guard = SSRFGuard(SSRFSettings(allow_networks=("127.0.0.1/32",)))
    with pytest.raises(SSRFBlocked, match=r"169\.254\.169\.254 \(metadata address\)"):
        await guard.check_url("http://169.254.169.254/latest/meta-data/")


async def test_localhost_name_resolves_to_loopback_and_is_refused() -> None:
    # Real resolution through getaddrinfo: 'localhost' is a name, not a literal.
    guard = SSRFGuard(SSRFSettings())
    with pytest.raises(SSRFBlocked, match=r"Host 'localhost' resolves to .* \(loopback address\)"):
        await guard.check_url("http://localhost:9/")


async def test_decimal_ip_host_is_resolved_and_refused() -> None:
    # 2130706433 == 127.0.0.1; the check runs on what the name resolves to.
    guard = SSRFGuard(SSRFSettings())
    with pytest.raises(SSRFBlocked, match="loopback"):
        await guard.check_url("http://2130706433/")


async def test_name_resolving_to_private_address_is_refused() -> None:
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        # One public and one private address: one bad address fails the URL.
        return ["93.184.216.34", "10.0.0.7"]

    guard = SSRFGuard(SSRFSettings(), resolver)
    with pytest.raises(SSRFBlocked, match=r"'agents\.internal' resolves to 10\.0\.0\.7 \(private"):
        await guard.check_url("https://agents.internal/rpc")
    assert calls == ["agents.internal"]


async def test_public_name_allowed_and_resolution_cached(autojump_clock: object) -> None:
    calls: list[float] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(trio.current_time())
        return ["93.184.216.34"]

    guard = SSRFGuard(SSRFSettings(cache_seconds=10.0), resolver)
    await guard.check_url("https://example.com/")
    await trio.sleep(9.5)
    await guard.check_url("https://example.com/a")
    assert calls == [0.0]
    await trio.sleep(1.0)
    await guard.check_url("https://example.com/b")
    assert calls == [0.0, 10.5]


async def test_resolution_timeout(autojump_clock: object) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        await trio.sleep(60)
        return ["93.184.216.34"]

    guard = SSRFGuard(SSRFSettings(resolve_timeout=2.0), resolver)
    with pytest.raises(SSRFBlocked, match="timed out"):
        await guard.check_url("https://slow.example/")
    assert trio.current_time() == 2.0


async def test_unresolvable_name_refused() -> None:
    guard = SSRFGuard(SSRFSettings())
    with pytest.raises(SSRFBlocked, match="could not be resolved"):
        await guard.check_url("http://no-such-host.invalid/")


async def test_redirect_hops_checked_and_counted() -> None:
    guard = SSRFGuard(SSRFSettings(allow_networks=("127.0.0.1/32",), max_redirects=2))
    nxt = await guard.check_redirect("http://127.0.0.1:5/a/b", "/c", 1)
    assert nxt == "http://127.0.0.1:5/c"
    with pytest.raises(SSRFBlocked, match="metadata"):
        await guard.check_redirect(nxt, "http://169.254.169.254/", 2)
    with pytest.raises(SSRFBlocked, match="More than 2 redirects"):
        await guard.check_redirect(nxt, "/d", 3)


def test_bad_allowlist_entry_rejected() -> None:
    with pytest.raises(ValueError, match="not-a-network"):
        SSRFSettings(allow_networks=("not-a-network",))
