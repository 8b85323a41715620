"""OpenAI-format endpoints relayed as they are: ``/v1/completions``, ``/v1/moderations``,
``/v1/images/generations``, ``/v1/audio/speech``, ``/v1/audio/transcriptions`` and
``/v1/rerank`` (Cohere/Jina format).

Stages: auth, policy, governance admission (model access, rate limits), the
``model_info.mode`` check, routing with retries, fallbacks and breakers, pricing
per unit or token (``metering.py``: the cost lands in spend rows and telemetry),
telemetry. ``/v1/completions`` has its own path (``completions.py``: guardrails,
cache); learned routes are chat-only. The response is relayed piece by piece (``aiter_bytes``): SSE
completions, audio bytes and JSON alike, never buffered. A request whose body is a
streamed upload is never retried once its first bytes went upstream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx
import trio

from routeiq.api.validate import dumps
from routeiq.asgi.types import Receive, RequestContext, Scope, Send, get_ctx
from routeiq.compat.request_fields import check_fields, upstream_body
from routeiq.deployment import Deployment
from routeiq.errors import BadRequest, ClientClosed, ModelNotFound, RouteIQError, UpstreamTimeout
from routeiq.governance.send import with_headers
from routeiq.llm.attempt import AttemptResult
from routeiq.llm.passthrough import passthrough_headers
from routeiq.llm.proxy import decision_headers, read_limited, release
from routeiq.llm.upstream import map_status, map_transport_error
from routeiq.pricing.cost import COST_HEADER, format_usd
from routeiq.routing.deployment_params import translator
from routeiq.routing.executor import RouteRequest, request_budget, route_and_call
from routeiq.surfaces.metering import Meter
from routeiq.surfaces.rerank_native import is_native_rerank, rerank_call
from routeiq.surfaces.upload import Upload

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

#: The chat-like modes a deployment without ``model_info.mode`` serves (LiteLLM's
#: default mode is chat); the others must be declared.
IMPLICIT_MODES = frozenset({"chat", "completion", "embedding", "moderation"})
_KEEP = frozenset({b"content-type", b"content-disposition"})
#: Relayed endpoints Anthropic deployments serve natively (path under /v1).
ANTHROPIC_PATHS = {"messages": "/messages", "count_tokens": "/messages/count_tokens"}


def check_mode(gw: Gateway, model: str, mode: str) -> None:
    """400 naming the group and mode when no deployment of ``model`` serves ``mode``."""
    router = gw.router
    group = router.groups.get(router.resolver.canonical(model)) or router.resolver.resolve(model)
    if not group:
        raise ModelNotFound(
            f"The model '{model[:256]}' does not exist on this gateway", param="model"
        )
    for dep in group:
        declared = dep.model_info.get("mode")
        if declared == mode or (declared is None and mode in IMPLICIT_MODES):
            return
    raise BadRequest(
        f"Model group '{model[:256]}' has no deployment serving mode '{mode}' (model_info.mode)",
        param="model",
        code="unsupported_mode",
    )


async def relay(
    gw: Gateway,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    endpoint: str,
    model: str,
    req: dict[str, Any] | None = None,
    upload: Upload | None = None,
    size: int = 0,
) -> None:
    """Route and relay one request (a JSON ``req`` or a streamed ``upload``)."""
    ctx = get_ctx(scope)
    ctx.model = model
    if req is not None:
        check_fields(req)  # LiteLLM's per-request fallbacks, credentials...: a 400
    if gw.governance is not None:
        body = req if req is not None else {"model": model}
        limits = await gw.governance.admit(ctx, model, body, size)
        if limits:  # the x-ratelimit-* headers, as on chat completions
            send = with_headers(send, limits)
    router = gw.router
    stream = bool(req is not None and req.get("stream") is True)
    request = RouteRequest(router.resolver.canonical(model), stream=stream)
    deadline = deadline_of(gw, request)

    async def attempt(dep: Deployment) -> AttemptResult:
        ctx.begin_attempt(dep)
        native = endpoint in ANTHROPIC_PATHS and dep.provider == "anthropic"
        rerank = is_native_rerank(dep, endpoint)  # Cohere / Jina AI's own rerank API
        if not native and not rerank and translator(gw.translators, dep) is not None:
            raise BadRequest(
                f"Deployment '{dep.id}' is not OpenAI-format; '{endpoint}' is relayed only "
                "to OpenAI-format deployments",
                param="model",
            )
        target = gw.upstreams.targets[dep.id]
        if native:
            url, headers = anthropic_call(dep, scope, ANTHROPIC_PATHS[endpoint])
        elif rerank:
            url, headers = rerank_call(dep)
        else:
            url, headers = target.urls[endpoint], dict(target.headers)
        headers["x-request-id"] = ctx.request_id
        if ctx.trace is not None:
            ctx.trace.propagate(headers)
        content: bytes | AsyncIterator[bytes]
        if upload is not None:
            headers["content-type"] = upload.content_type
            content = upload.body(dep.upstream_model)
        else:
            assert req is not None
            # without LiteLLM's own fields (tags, metadata lists...): compat/request_fields.py
            content = dumps({**upstream_body(req), "model": dep.upstream_model})
        built = target.client.build_request("POST", url, content=content, headers=headers)
        left = deadline - trio.current_time()
        timeout = min((dep.stream_timeout if stream else None) or dep.timeout or left, left)
        meter = Meter(endpoint, req, gw.pricing.units.get(dep.id, {}), gw.pricing.pricer(dep.id))
        try:
            return await _exchange(
                target.client, built, ctx, send, receive, timeout, gw, upload is None, sent, meter
            )
        except RouteIQError as exc:
            if upload is None:
                raise
            # The upload was consumed as it went: this attempt is the only one
            # ("started" tells the router never to retry it); answered below.
            return AttemptResult(error=exc, started=True)

    sent: list[bool] = [False]  # whether the response began (headers went out)
    outcome = await route_and_call(router, request, attempt, deadline=deadline)
    if outcome.result.error is not None and not sent[0]:
        raise outcome.result.error


def deadline_of(gw: Gateway, request: RouteRequest) -> float:
    """One deadline for the whole request, retries and fallbacks included (trio time)."""
    budget = request_budget(
        gw.router.groups.get(request.model, ()),
        gw.config.router.timeout,
        gw.config.routeiq.server.request_timeout,
        request.stream,
    )
    return trio.current_time() + budget


def anthropic_call(
    dep: Deployment, scope: Scope, path: str = "/messages"
) -> tuple[httpx.URL, dict[str, str]]:
    """URL and headers of Anthropic's own Messages API for ``dep`` (pass-through): the
    client's ``anthropic-version`` and ``anthropic-beta`` go along."""
    base = dep.api_base.rstrip("/")
    url = httpx.URL(base + (path if base.endswith("/v1") else "/v1" + path))
    headers = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    if dep.api_key:
        headers["x-api-key"] = dep.api_key
    for k, v in scope["headers"]:
        if k in (b"anthropic-version", b"anthropic-beta"):
            headers[k.decode()] = bytes(v).decode("latin-1")
    for k, v in dep.extra_headers:
        headers[k.lower()] = v
    return url, headers


async def _exchange(
    client: httpx.AsyncClient,
    request: httpx.Request,
    ctx: RequestContext,
    send: Send,
    receive: Receive,
    limit_s: float,
    gw: Gateway,
    watch: bool,
    sent: list[bool],
    meter: Meter,
) -> AttemptResult:
    started = False
    finished = False
    gone = False

    async def relay_response() -> None:
        nonlocal started, finished
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise map_transport_error(exc) from None
        try:
            if response.status_code >= 400:
                body = await read_limited(response, gw.config.routeiq.upstream.max_error_body_bytes)
                raise map_status(response.status_code, body, response.headers.get("retry-after"))
            headers = [(k, v) for k, v in response.headers.raw if k.lower() in _KEEP]
            headers.extend(
                passthrough_headers(
                    response.headers.raw, gw.config.general.return_llm_provider_headers
                )
            )
            headers.extend(decision_headers(ctx))
            if response.headers.get("content-type", "").startswith("text/event-stream"):
                headers.append((b"cache-control", b"no-cache"))
            upfront = meter.upfront()
            if upfront is not None:
                headers.append((COST_HEADER, format_usd(upfront)))
            started = sent[0] = True
            ctx.status = response.status_code
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": headers}
            )
            async for piece in response.aiter_bytes():
                if piece:
                    meter.feed(piece)
                    await send({"type": "http.response.body", "body": piece, "more_body": True})
            # Priced before the last message: the request's record is written when it goes.
            ctx.usage, ctx.cost = meter.result()
            finished = True  # a disconnect from now on is the normal end
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()
            release(response)

    async def watch_disconnect(cancel_scope: trio.CancelScope) -> None:
        nonlocal gone
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone = not finished
                cancel_scope.cancel()
                return

    failure: RouteIQError | None = None
    async with trio.open_nursery() as nursery:
        if watch:
            nursery.start_soon(watch_disconnect, nursery.cancel_scope)
        with trio.move_on_after(limit_s) as deadline_scope:
            try:
                await relay_response()
            except RouteIQError as exc:
                failure = exc
            except httpx.HTTPError as exc:
                failure = map_transport_error(exc)
        if deadline_scope.cancelled_caught:
            failure = UpstreamTimeout(f"The upstream did not answer within {limit_s:.3g} s")
        nursery.cancel_scope.cancel()
    if gone:
        raise ClientClosed("The client closed the connection")
    if failure is not None:
        if not started:
            raise failure
        ctx.status = failure.status
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return AttemptResult(error=failure, started=True)
    return AttemptResult(started=True)
