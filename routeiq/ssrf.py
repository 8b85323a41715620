"""Server-side request forgery guard for every URL the gateway calls on a client's behalf.

A2A agents and MCP servers are registered by URL, so a registration is a way to
make the gateway send requests anywhere its network reaches. The guard admits
only ``http``/``https`` URLs whose host resolves exclusively to public
addresses; loopback, private, link-local (which includes the cloud metadata
service at 169.254.169.254), shared (CGNAT), multicast, reserved and
unspecified addresses are refused unless a network in
``SSRFSettings.allow_networks`` contains them. The check runs at registration
and again before each call (DNS may change in between), every resolved address
is checked (one bad address fails the URL), and callers never let the HTTP
client follow redirects by itself: :meth:`SSRFGuard.check_redirect` checks each
hop.

The address rules are pure functions (:func:`classify`, :func:`parse_target`);
only :meth:`SSRFGuard.resolve` does I/O (``getaddrinfo`` in a worker thread via
``trio.socket``). Resolutions are cached for ``cache_seconds`` in a bounded map
expired from a heap of deadlines, so a call path that re-checks its URL costs
a dict lookup.
"""

from __future__ import annotations

import heapq
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urljoin, urlsplit

import trio
from pydantic import BaseModel, ConfigDict, Field, field_validator

from routeiq.errors import Forbidden

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata endpoints named explicitly so the refusal says what was hit.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


class SSRFSettings(BaseModel):
    """Which upstream addresses the A2A and MCP gateways may call.

    By default only public addresses are allowed. ``allow_networks`` admits
    specific networks (CIDR, or a single address), e.g. ``["10.1.0.0/16"]`` for
    agents on an internal network or ``["127.0.0.1/32"]`` for local test
    servers; it is checked against the *resolved* addresses, never the name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_networks: tuple[str, ...] = ()
    # Schemes an upstream URL may use.
    schemes: tuple[str, ...] = ("http", "https")
    # Redirect hops a caller follows (each hop is checked) before giving up.
    max_redirects: int = Field(default=3, ge=0, le=10)
    # How long a resolution is reused, and how many are kept.
    cache_seconds: float = Field(default=10.0, ge=0)
    cache_size: int = Field(default=1024, gt=0)
    # Deadline of one DNS resolution.
    resolve_timeout: float = Field(default=5.0, gt=0)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for net in v:
            ipaddress.ip_network(net, strict=False)  # raises ValueError with the bad entry
        return v


class SSRFBlocked(Forbidden):
    """The URL targets an address the gateway must not call (HTTP 403)."""

    code = "ssrf_blocked"


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: mapping unknowable here
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 IPv4-translated
_COMPAT = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible ::a.b.c.d


def embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64).

    Each of these forms makes a dual-stack host, a 6to4 relay or a NAT64
    gateway deliver the packet to the IPv4 address inside, so that is the
    address to classify: ``[2002:7f00:1::]`` is 127.0.0.1."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]  # the client, de-obfuscated: where the packet goes
    if addr in _NAT64 or addr in _SIIT or (addr in _COMPAT and int(addr) > 1):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def classify(addr: IPAddress) -> str | None:
    """Why ``addr`` is refused (``"loopback"``, ``"metadata"``...), or ``None`` if public.

    An IPv6 form that wraps an IPv4 address (see :func:`embedded_ipv4`) is
    judged by the address inside it."""
    inner = embedded_ipv4(addr)
    if inner is not None:
        addr = inner
    elif isinstance(addr, ipaddress.IPv6Address) and addr in _NAT64_LOCAL:
        return "non-global"
    if addr in METADATA_ADDRESSES:
        return "metadata"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_multicast:
        return "multicast"
    if addr.is_private:
        return "private"
    if addr.is_reserved:
        return "reserved"
    if not addr.is_global:
        return "non-global"  # e.g. 100.64.0.0/10 shared address space
    return None


def parse_target(url: str, schemes: Sequence[str] = ("http", "https")) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of ``url``, or :class:`SSRFBlocked` if it cannot be called."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SSRFBlocked(f"Invalid URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise SSRFBlocked(f"URL scheme {scheme or '(none)'!r} is not allowed; use http or https")
    host = parts.hostname
    if not host:
        raise SSRFBlocked(f"URL {url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise SSRFBlocked("URLs with credentials (user:password@host) are not allowed")
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_allowed(addr: IPAddress, allow: Sequence[IPNetwork]) -> bool:
    inner = embedded_ipv4(addr)
    if inner is not None:
        addr = inner
    return any(addr.version == net.version and addr in net for net in allow)


def check_addresses(host: str, addrs: Sequence[str], allow: Sequence[IPNetwork]) -> None:
    """Raise :class:`SSRFBlocked` unless every address is public or allowlisted."""
    if not addrs:
        raise SSRFBlocked(f"Host {host!r} did not resolve to any address")
    for text in addrs:
        addr = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
        reason = classify(addr)
        if reason is not None and not is_allowed(addr, allow):
            raise SSRFBlocked(
                f"Host {host!r} resolves to {addr} ({reason} address); "
                "add its network to ssrf.allow_networks to allow it"
            )


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (``getaddrinfo`` runs in a thread)."""
    try:
        infos = await trio.socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
        raise SSRFBlocked(f"Host {host!r} could not be resolved: {exc}") from None
    return sorted({str(info[4][0]) for info in infos})


class SSRFGuard:
    """Checks URLs against :class:`SSRFSettings`; see the module docstring."""

    def __init__(self, settings: SSRFSettings, resolver: Resolver | None = None) -> None:
        self.settings = settings
        self.allow: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in settings.allow_networks
        )
        self._resolver = resolver or system_resolver
        self._cache: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._deadlines: list[tuple[float, tuple[str, int]]] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        """Addresses of ``host`` (literal addresses are returned as they are)."""
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        now = trio.current_time()
        self._expire(now)
        key = (host.lower(), port)
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        with trio.move_on_after(self.settings.resolve_timeout) as cancel_scope:
            addrs = await self._resolver(host, port)
        if cancel_scope.cancelled_caught:
            raise SSRFBlocked(f"Resolving {host!r} timed out")
        if self.settings.cache_seconds > 0:
            if len(self._cache) >= self.settings.cache_size:
                self._cache.pop(next(iter(self._cache)))  # oldest insertion
            deadline = now + self.settings.cache_seconds
            self._cache[key] = (deadline, addrs)
            heapq.heappush(self._deadlines, (deadline, key))
        return addrs

    def _expire(self, now: float, budget: int = 16) -> None:
        # Incremental: a few due entries per call, never a scan of the map.
        heap = self._deadlines
        while budget and heap and heap[0][0] <= now:
            deadline, key = heapq.heappop(heap)
            hit = self._cache.get(key)
            if hit is not None and hit[0] == deadline:
                del self._cache[key]
            budget -= 1
        if len(heap) > 4 * self.settings.cache_size:  # stale entries from evictions
            self._deadlines = [(d, k) for d, k in heap if self._cache.get(k, (None,))[0] == d]
            heapq.heapify(self._deadlines)

    async def check_url(self, url: str) -> None:
        """Raise :class:`SSRFBlocked` unless ``url`` may be called right now."""
        _, host, port = parse_target(url, self.settings.schemes)
        check_addresses(host, await self.resolve(host, port), self.allow)

    async def check_redirect(self, current_url: str, location: str, hops: int) -> str:
        """The absolute URL of a redirect hop, after checking it like any other URL.

        ``hops`` counts the redirects followed so far (this one included)."""
        if hops > self.settings.max_redirects:
            raise SSRFBlocked(f"More than {self.settings.max_redirects} redirects")
        target = urljoin(current_url, location)
        await self.check_url(target)
        return target
