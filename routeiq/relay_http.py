"""The httpx client the A2A and MCP relays call upstreams with.

Built like the chat path's upstream clients (``routeiq.llm.upstream``), whose
per-request cost was measured down: httpcore's pool replaced by
:class:`~routeiq.llm.pool.LeanConnectionPool` (httpcore's own re-examines the
whole pool, polling every idle socket, whenever a request starts or ends), no
cookie jar (a gateway must not carry one client's upstream cookies to the next,
and skipping it saves httpx's urllib-based cookie parsing per response), and
the default headers fixed once instead of httpx's per-request defaults.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx

from routeiq.llm.pool import lean_transport

__all__ = ["relay_client"]


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        return None


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # loading the CAs costs ~40 ms: once


def relay_client(max_connections: int = 512, max_keepalive: int = 64) -> httpx.AsyncClient:
    """A pooled client: no redirects followed, no environment proxies, no cookies."""
    # Idle connections go after 4 s, before the 5 s idle timeout of uvicorn, hypercorn
    # and Node.js servers (httpx's default is exactly 5 s); a reuse that still races
    # a close is retried once on a new connection (``llm/pool.py``).
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive,
        keepalive_expiry=4.0,
    )
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(connect=10.0, read=None, write=30.0, pool=10.0),
        follow_redirects=False,
        trust_env=False,
        transport=lean_transport(verify=_ssl_context(), limits=limits, trust_env=False),
        headers={"accept-encoding": "identity", "user-agent": "routeiq"},
    )
    client._cookies = _NoCookies()
    return client
