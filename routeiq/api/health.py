"""Liveness, readiness and the Prometheus scrape endpoint (no auth, no backpressure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from routeiq.asgi.respond import send_bytes, send_json
from routeiq.asgi.types import Receive, Scope, Send
from routeiq.llm.health_check import report

if TYPE_CHECKING:
    from routeiq.gateway import Gateway


async def live(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await send_json(send, 200, {"status": "ok"})


async def alive(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """LiteLLM's ``/health/liveliness`` and ``/health/liveness``: the JSON string
    ``"I'm alive!"`` (200), and 503 ``{"status": "shutting_down"}`` once draining, as
    LiteLLM answers so Kubernetes stops counting a draining pod as live."""
    if gw.lifecycle.draining:
        await send_json(send, 503, {"status": "shutting_down"})
        return
    await send_json(send, 200, "I'm alive!")


#: RouteIQ's readiness states as LiteLLM's ``/health/readiness`` names them.
LITELLM_STATUS = {
    "ready": "healthy",
    "degraded": "healthy",
    "draining": "shutting_down",
    "starting": "starting",
}


async def readiness(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """LiteLLM's ``/health/readiness``: ``status`` is ``healthy`` (200) or
    ``shutting_down`` (503) as LiteLLM answers, ``starting`` (503) until the gateway
    is ready; ``db`` as LiteLLM 1.110.2 names it: ``Not connected`` without a key
    database, else ``connected`` or ``disconnected`` (the governance poll's last
    read). A disconnected database stays 200 here (LiteLLM: 503 unless
    ``allow_requests_on_db_unavailable``): the gateway keeps serving cached keys.
    RouteIQ's own state follows (``routeiq_status``, in flight, models, state
    backend, cache)."""
    status, ok, body = _readiness(gw)
    body["status"] = LITELLM_STATUS[status]
    gov = gw.governance
    if gov is None:
        body["db"] = "Not connected"
    else:
        body["db"] = "connected" if gov.db_connected else "disconnected"
    body["routeiq_status"] = status
    await send_json(send, 200 if ok else 503, body)


async def ready(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    _, ok, body = _readiness(gw)
    await send_json(send, 200 if ok else 503, body)


def _readiness(gw: Gateway) -> tuple[str, bool, dict[str, object]]:
    lc = gw.lifecycle
    state = gw.store.health
    # Ready waits for the cache's embedding model (requests meanwhile skip that tier).
    ready = gw.ready and gw.cache.ready
    status = "draining" if lc.draining else ("ready" if ready else "starting")
    if status == "ready" and state != "up":
        status = "degraded"  # serving from the local fallback: still ready, not failed
    body: dict[str, object] = {
        "status": status,
        "in_flight": lc.in_flight,
        "models": len(gw.config.groups),
        "state": {"backend": gw.store.name, "health": state},
        "cache": gw.cache.health(),
    }
    return status, ready and not lc.draining, body


async def metrics(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    text = (await gw.telemetry.scrape()).encode()
    await send_bytes(send, 200, text, b"text/plain; version=0.0.4; charset=utf-8")


async def deployments(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """LiteLLM's ``GET /health``: healthy and unhealthy deployments, each checked with
    a real minimal call (the latest background round when background checks are on)."""
    results = gw.health.latest
    if results is None or not gw.config.general.background_health_checks:
        results = await gw.health.check_all()
    await send_json(send, 200, report(results))
