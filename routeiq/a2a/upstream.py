"""Calls to upstream A2A agents over httpx (on trio), behind the SSRF guard.

The httpx client never follows redirects itself: :meth:`AgentClient.open`
follows a 307/308 (the only redirects that keep a POST a POST) after checking
the new URL with the guard, at most ``max_redirects`` times; any other redirect
is an upstream error. Transport failures, timeouts and refusals become
:class:`~routeiq.jsonrpc.RpcError` with the gateway's codes at this one boundary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import trio

from routeiq import jsonrpc as rpc
from routeiq.a2a.settings import AgentSpec
from routeiq.relay_http import relay_client
from routeiq.ssrf import SSRFBlocked, SSRFGuard
from routeiq.tracecontext import outgoing_headers

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def default_http_client() -> httpx.AsyncClient:
    return relay_client()


class AgentClient:
    """See the module docstring."""

    def __init__(self, guard: SSRFGuard, http: httpx.AsyncClient) -> None:
        self.guard = guard
        self.http = http

    def headers(self, spec: AgentSpec, version: str | None, sse: bool) -> dict[str, str]:
        h = {
            "content-type": "application/json",
            "accept": "text/event-stream" if sse else "application/json",
            "accept-encoding": "identity",
        }
        if version:
            h["a2a-version"] = version
        h.update(spec.headers)
        h.update(outgoing_headers())  # W3C trace context of the request being served
        return h

    @asynccontextmanager
    async def open(
        self, spec: AgentSpec, payload: dict[str, Any], headers: dict[str, str]
    ) -> AsyncIterator[httpx.Response]:
        """POST ``payload`` to the agent; yield the (streaming) response after redirects."""
        body = orjson.dumps(payload)
        url = spec.url
        hops = 0
        try:
            await self.guard.check_url(url)
            while True:
                request = self.http.build_request("POST", url, content=body, headers=headers)
                response = await self.http.send(request, stream=True)
                if response.status_code not in _REDIRECTS:
                    break
                location = response.headers.get("location")
                await response.aclose()
                if response.status_code not in (307, 308) or not location:
                    raise rpc.RpcError(
                        rpc.UPSTREAM_UNAVAILABLE,
                        f"Agent {spec.name!r} answered with redirect {response.status_code}",
                    )
                hops += 1
                url = await self.guard.check_redirect(url, location, hops)
        except SSRFBlocked as exc:
            raise rpc.RpcError(rpc.UPSTREAM_FORBIDDEN, exc.message) from None
        except httpx.TimeoutException:
            raise rpc.RpcError(rpc.UPSTREAM_TIMEOUT, f"Agent {spec.name!r} timed out") from None
        except httpx.HTTPError as exc:
            raise rpc.RpcError(
                rpc.UPSTREAM_UNAVAILABLE, f"Agent {spec.name!r} is unreachable: {exc}"
            ) from None
        try:
            yield response
        finally:
            await response.aclose()

    async def call(
        self, spec: AgentSpec, payload: dict[str, Any], headers: dict[str, str], seconds: float
    ) -> dict[str, Any]:
        """One JSON-RPC call within ``seconds``; the agent's JSON-RPC response object."""
        with trio.move_on_after(seconds):
            async with self.open(spec, payload, headers) as response:
                try:
                    raw = await read_limited(response, 16 * 1024 * 1024)
                except httpx.HTTPError as exc:
                    raise rpc.RpcError(
                        rpc.UPSTREAM_UNAVAILABLE, f"Agent {spec.name!r} failed: {exc}"
                    ) from None
            return parse_reply(spec, response.status_code, raw)
        raise rpc.RpcError(
            rpc.UPSTREAM_TIMEOUT, f"Agent {spec.name!r} did not answer in {seconds:g} s"
        )

    async def fetch_card(self, url: str, headers: dict[str, str], seconds: float) -> Any:
        """The agent card JSON at ``url`` (no redirects), or ``None`` on any failure."""
        try:
            await self.guard.check_url(url)
            with trio.move_on_after(seconds):
                response = await self.http.get(url, headers=headers)
                if response.status_code == 200:
                    return response.json()
        except (SSRFBlocked, httpx.HTTPError, ValueError):
            return None
        return None


async def read_limited(response: httpx.Response, limit: int) -> bytes:
    """The body, refusing to hold more than ``limit`` bytes of it."""
    if response.is_stream_consumed:  # built in memory (e.g. by a mock transport)
        return response.content[: limit + 1]
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            raise httpx.DecodingError(f"response larger than {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def parse_reply(spec: AgentSpec, status: int, raw: bytes) -> dict[str, Any]:
    """Validate an agent's JSON-RPC response; anything else is an upstream error."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        obj = None
    if isinstance(obj, dict) and (("result" in obj) != isinstance(obj.get("error"), dict)):
        return obj
    raise rpc.RpcError(
        rpc.UPSTREAM_UNAVAILABLE,
        f"Agent {spec.name!r} sent an invalid JSON-RPC response (HTTP {status})",
    )
