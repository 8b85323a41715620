"""Upstream HTTP: one pooled httpx client per upstream base URL, on trio.

Everything that can be computed before the first request (clients, URLs,
header templates) is built at start-up in ``UpstreamPool.open``; the hot
path is a dict lookup. Backend errors are mapped to our own errors here, at
one boundary (``map_transport_error`` / ``map_status``).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import cache

import httpx
import orjson

from routeiq.config import Config, UpstreamSettings
from routeiq.deployment import Deployment
from routeiq.errors import (
    RouteIQError,
    UpstreamError,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from routeiq.llm.pool import lean_transport
from routeiq.llm.providers import ENDPOINT_PATHS, upstream_headers, upstream_url

_PASS_STATUSES = frozenset({400, 409, 413, 415, 422, 429})


class _NoCookies(httpx.Cookies):
    """A gateway must not keep upstream cookies (they would leak between clients);
    skipping the jar also saves httpx's urllib-based cookie parsing per response."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


@cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verified TLS context for every upstream client (loading CAs costs ~40 ms)."""
    return ssl.create_default_context()


@dataclass(frozen=True, slots=True)
class Target:
    """A deployment with everything needed to call it, prepared at start-up."""

    deployment: Deployment
    client: httpx.AsyncClient
    urls: dict[str, httpx.URL]
    headers: dict[str, str]
    #: Relay every upstream header also as ``llm_provider-<name>`` (LiteLLM's proxy does;
    #: ``general_settings.return_llm_provider_headers``).
    provider_headers: bool = True


class UpstreamPool:
    """The upstream clients and targets. ``transport`` replaces the network for
    every client (a fake upstream in tests, like ``a2a/gateway.py``'s injected
    client): deadlines and retries are then tested on trio's virtual clock."""

    def __init__(self, config: Config, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._config = config
        self.transport = transport
        self._settings: UpstreamSettings = config.routeiq.upstream
        self._clients: dict[str, httpx.AsyncClient] = {}
        self.targets: dict[str, Target] = {}

    def open(self) -> None:
        s = self._settings
        timeout = httpx.Timeout(
            connect=s.connect_timeout,
            read=s.read_timeout,
            write=s.write_timeout,
            pool=s.pool_timeout,
        )
        limits = httpx.Limits(
            max_connections=s.max_connections,
            max_keepalive_connections=s.max_keepalive,
            keepalive_expiry=s.keepalive_expiry,
        )
        for dep in self._config.deployments:
            client = self._clients.get(dep.api_base)
            if client is None:
                client = httpx.AsyncClient(
                    timeout=timeout,
                    follow_redirects=False,
                    trust_env=False,
                    transport=self.transport
                    or lean_transport(verify=shared_ssl_context(), limits=limits, trust_env=False),
                    # Replace httpx's defaults once here instead of per request.
                    headers={"accept-encoding": "identity", "user-agent": "routeiq"},
                )
                client._cookies = _NoCookies()
                self._clients[dep.api_base] = client
            headers = upstream_headers(dep, "")
            headers.pop("x-request-id", None)
            self.targets[dep.id] = Target(
                deployment=dep,
                client=client,
                # Parsed once: httpx would re-parse a string URL on every request.
                urls={ep: httpx.URL(upstream_url(dep, ep)) for ep in ENDPOINT_PATHS},
                headers=headers,
                provider_headers=self._config.general.return_llm_provider_headers,
            )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


def map_transport_error(exc: httpx.HTTPError) -> RouteIQError:
    """Translate an httpx error into the most specific gateway error."""
    if isinstance(exc, httpx.PoolTimeout):
        return UpstreamUnavailable("No upstream connection became free in time")
    if isinstance(exc, httpx.ConnectTimeout):
        return UpstreamError("Timed out connecting to the upstream")
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout("The upstream did not answer in time")
    if isinstance(exc, httpx.ConnectError):
        return UpstreamError("Could not connect to the upstream")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return UpstreamError("The upstream closed the connection unexpectedly")
    return UpstreamError("The upstream request failed")


def _upstream_message(body: bytes) -> str | None:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(obj, dict):
        err = obj.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:2000]
        if isinstance(err, str):
            return err[:2000]
    return None


def map_status(status: int, body: bytes, retry_after: str | None) -> RouteIQError:
    """An upstream error status as the error the client should see."""
    msg = _upstream_message(body)
    if status in _PASS_STATUSES:
        err: RouteIQError = UpstreamRejected(status, msg or f"The upstream answered {status}")
        if retry_after and retry_after.isdigit():
            err.headers["retry-after"] = retry_after
        return err
    if status == 408 or status == 504:
        return UpstreamTimeout("The upstream timed out")
    if status == 503:
        e = UpstreamUnavailable("The upstream is unavailable")
        if retry_after and retry_after.isdigit():
            e.headers["retry-after"] = retry_after
        return e
    if status in (401, 403):
        return UpstreamError("The upstream rejected the gateway's credentials")
    if status == 404:
        return UpstreamError("The upstream does not know this model or endpoint")
    return UpstreamError(f"The upstream failed with status {status}")
