"""The app factory (the composition root): builds the gateway, the route table and
the middleware chain; the Quart-Trio app owns the lifespan nursery.

Request path (pure ASGI, outermost first)::

    request_id -> console -> auth -> body gate -> policy -> backpressure/drain -> Dispatcher
        hot routes (chat, embeddings, models, health, metrics) -> pure ASGI handlers
        mounted surfaces (A2A, MCP, cache/governance/config admin, learned routes)
        everything else (admin and debug blueprints, 404s)      -> Quart-Trio app

``routeiq.dispatch`` is the one route table and the one error boundary. The
Quart-Trio app hosts the lifespan: its nursery is the one nursery that owns
every background task, started with ``nursery.start``. The chat path skips
Quart's per-request machinery (measured by bench/hot_path.py).
"""

from __future__ import annotations

import logging
from typing import Any, cast

import httpx
from quart import Response
from quart_trio import QuartTrio

from routeiq import jsonrpc_errors
from routeiq.a2a.registry import CARD_PATH
from routeiq.api import a2a as a2a_api
from routeiq.api import admin, cache_admin, config_admin, debug, governance_admin, health, openai
from routeiq.api import mcp as mcp_api
from routeiq.api.stages import stages_for
from routeiq.asgi.auth import AuthMiddleware
from routeiq.asgi.backpressure import BackpressureMiddleware
from routeiq.asgi.body_gate import BodyGate
from routeiq.asgi.final_send import shield_final_send
from routeiq.asgi.policy import PolicyMiddleware
from routeiq.asgi.request_id import RequestIdMiddleware
from routeiq.asgi.types import ASGIApp
from routeiq.config import Config
from routeiq.console import app as console_app
from routeiq.dispatch import Dispatcher, Handler, Mount
from routeiq.errors import (
    MethodNotAllowed,
    NotFound,
    RouteIQError,
)
from routeiq.gateway import Gateway
from routeiq.lifecycle import Lifecycle
from routeiq.ssrf import Resolver
from routeiq.surfaces import anthropic as anthropic_surface
from routeiq.surfaces import endpoints as surface_endpoints
from routeiq.surfaces import responses as responses_surface
from routeiq.surfaces import routes as surface_routes

__all__ = ["HOT_ROUTES", "OPEN_PATHS", "Gateway", "create_app"]

log = logging.getLogger("routeiq")

HOT_ROUTES: dict[str, tuple[str, Handler]] = {
    "/v1/chat/completions": ("POST", openai.chat_completions),
    "/chat/completions": ("POST", openai.chat_completions),
    "/v1/embeddings": ("POST", openai.embeddings),
    "/embeddings": ("POST", openai.embeddings),
    "/v1/messages": ("POST", anthropic_surface.messages),
    "/v1/messages/count_tokens": ("POST", anthropic_surface.count_tokens),
    "/v1/responses": ("POST", responses_surface.create),
    "/v1/completions": ("POST", surface_endpoints.completions),
    "/v1/moderations": ("POST", surface_endpoints.moderations),
    "/v1/images/generations": ("POST", surface_endpoints.images),
    "/v1/audio/speech": ("POST", surface_endpoints.speech),
    "/v1/audio/transcriptions": ("POST", surface_endpoints.transcriptions),
    "/v1/rerank": ("POST", surface_endpoints.rerank),
    "/v1/models": ("GET", openai.models),
    "/models": ("GET", openai.models),
    "/health/live": ("GET", health.live),
    "/health/ready": ("GET", health.ready),
    "/metrics": ("GET", health.metrics),
    # LiteLLM's health routes: /health checks every deployment (needs a key).
    "/health": ("GET", health.deployments),
    "/health/liveliness": ("GET", health.alive),
    "/health/liveness": ("GET", health.alive),  # LiteLLM serves both spellings
    "/health/readiness": ("GET", health.readiness),
}
OPEN_PATHS = frozenset(
    {
        "/health/live",
        "/health/ready",
        "/metrics",
        "/health/liveliness",
        "/health/liveness",
        "/health/readiness",
    }
)


def _quart_app(gw: Gateway) -> QuartTrio:
    app = QuartTrio("routeiq")
    # Quart answers OPTIONS on every route itself (200, text/html, empty). With no
    # CORS configured there is no preflight to answer: a 405 naming the allowed
    # methods, in the JSON error shape (API clients never send OPTIONS; a browser's
    # preflight fails either way). Set before the blueprints add their rules.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.register_blueprint(admin.blueprint(gw))
    app.register_blueprint(debug.blueprint())

    @app.errorhandler(RouteIQError)
    async def gateway_error(err: RouteIQError) -> Response:
        return Response(err.body_bytes(), status=err.status, content_type="application/json")

    @app.errorhandler(404)
    async def not_found(_: Any) -> Response:
        err = NotFound("No such route on this gateway")
        return Response(err.body_bytes(), status=404, content_type="application/json")

    @app.errorhandler(405)
    async def bad_method(exc: Any) -> Response:
        allowed = sorted(getattr(exc, "valid_methods", None) or ())
        err = MethodNotAllowed("Method not allowed on this route")
        headers = {"allow": ", ".join(allowed)} if allowed else {}
        return Response(
            err.body_bytes(), status=405, content_type="application/json", headers=headers
        )

    @app.before_serving
    async def start_components() -> None:
        await gw.startup(app.nursery)

    @app.after_serving
    async def stop_components() -> None:
        await gw.shutdown()

    return app


def _mounts(gw: Gateway, fallback: ASGIApp) -> list[Mount]:
    """The surfaces served by their own ASGI apps, in the one route table."""
    keys = gw.keys
    mounts = [
        Mount(
            "a2a",
            a2a_api.mount(gw.a2a, fallback, keys),
            frozenset({CARD_PATH, "/a2a"}),
            (a2a_api.PREFIX, a2a_api.ADMIN),
        ),
        Mount(
            "mcp",
            mcp_api.mount(gw.mcp, fallback, keys),
            frozenset({mcp_api.ENDPOINT}),
            (mcp_api.ADMIN,),
        ),
        Mount("cache", cache_admin.mount(gw.cache, fallback, keys), prefixes=(cache_admin.PREFIX,)),
        Mount(
            "governance",
            governance_admin.mount(gw.governance, fallback, keys),
            prefixes=governance_admin.PREFIXES,
        ),
        Mount(
            "config",
            config_admin.mount(gw, fallback, keys),
            config_admin.ConfigAdminApp.PATHS | {"/v1/model/info"},
        ),
        # Surface routes with an id in the path (the fixed paths are hot routes).
        Mount(
            "surfaces",
            surface_routes.mount(gw, fallback),
            prefixes=(responses_surface.PREFIX, surface_endpoints.MODELS_PREFIX),
        ),
    ]
    if gw.learned is not None:
        from routeiq.learned import api as learned_api

        mounts.append(
            Mount(
                "learned",
                learned_api.mount(gw.learned, fallback, keys),
                frozenset({learned_api.FEEDBACK}),
                (learned_api.ROUTER,),
            )
        )
    return mounts


def create_app(
    config: Config,
    lifecycle: Lifecycle | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> tuple[ASGIApp, Gateway]:
    """Build the ASGI app and the gateway it serves (``transport``/``resolver``: a
    fake network and its DNS for tests, see ``routeiq.testing``)."""
    gw = Gateway(
        config, lifecycle, routes=HOT_ROUTES.keys(), transport=transport, resolver=resolver
    )
    gw.chat_stages, gw.embedding_stages = stages_for(gw)
    # Quart's answers to `Connection: close` clients must still close the socket.
    quart = shield_final_send(cast(ASGIApp, _quart_app(gw)))
    dispatcher: ASGIApp = Dispatcher(gw, HOT_ROUTES, _mounts(gw, quart), quart)
    inner: ASGIApp = BackpressureMiddleware(
        dispatcher, gw.lifecycle, OPEN_PATHS, config.routeiq.server.retry_after_seconds
    )
    inner = PolicyMiddleware(inner, gw.policy, OPEN_PATHS, config.routeiq.server.max_body_bytes)
    # The whole body, under its own deadline, before policy and backpressure count it.
    body_limit = max(
        config.routeiq.server.max_body_bytes,
        config.routeiq.a2a.max_body_bytes,
        config.routeiq.mcp.max_body_bytes,
    )
    inner = BodyGate(
        inner, body_limit, config.routeiq.server.body_timeout, surface_endpoints.UPLOAD_PATHS
    )
    inner = AuthMiddleware(inner, gw.keys, OPEN_PATHS, gw.governance)
    # The admin console at /ui signs in with a cookie, so it sits before the key check;
    # its pages call the admin routes in process, through the route table.
    inner = console_app.mount(gw, inner, dispatcher)
    # Errors in each surface's shape: Anthropic's on /v1/messages, JSON-RPC on /mcp and
    # on the A2A agents' POST endpoints.
    error_bodies = {**anthropic_surface.ERROR_BODIES, mcp_api.ENDPOINT: jsonrpc_errors.error_body}
    outer = RequestIdMiddleware(
        inner,
        gw.on_request_done,
        error_bodies,
        ((a2a_api.PREFIX, jsonrpc_errors.error_body),),
    )
    return outer, gw
