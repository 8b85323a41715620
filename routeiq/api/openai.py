"""The OpenAI-compatible endpoints: chat completions, embeddings, models.

Pure ASGI handlers on the hot path: the body is parsed once, ``model`` is
replaced by the deployment's upstream name, and the body is serialised once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import trio

from routeiq.api.validate import (
    check_content_type,
    dumps,
    parse_json_object,
    validate_chat,
    validate_embeddings,
)
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, RequestContext, Scope, Send, get_ctx, header
from routeiq.cache.request import CacheRequest
from routeiq.config import Deployment
from routeiq.errors import GuardrailBlocked, RouteIQError
from routeiq.governance.send import with_headers
from routeiq.llm.proxy import Exchange, decision_headers
from routeiq.llm.stream_usage import ask_for_usage, wants_usage
from routeiq.llm.translated.exchange import TranslatedExchange
from routeiq.pricing import usage_in_body
from routeiq.routing.affinity import HEADER as CONVERSATION_HEADER
from routeiq.routing.affinity import affinity_key
from routeiq.routing.deployment_params import translator, with_defaults
from routeiq.routing.executor import (
    AttemptResult,
    Outcome,
    RouteRequest,
    request_budget,
    route_and_call,
)
from routeiq.routing.filters import estimate_tokens, request_tags
from routeiq.routing.tap import ResponseTap
from routeiq.telemetry.attempts import note_response, traced

TAGS_HEADER = b"x-litellm-tags"

if TYPE_CHECKING:
    from routeiq.app import Gateway
    from routeiq.learned.service import Choice
    from routeiq.routing.router import Router


async def _forward(
    gw: Gateway, scope: Scope, receive: Receive, send: Send, endpoint: str, chat: bool
) -> None:
    check_content_type(header(scope, b"content-type"))
    body = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req = parse_json_object(body, gw.limits)
    model = validate_chat(req, gw.limits) if chat else validate_embeddings(req, gw.limits)
    await run_request(gw, scope, receive, send, req, model, endpoint, chat, len(body))


async def run_request(
    gw: Gateway,
    scope: Scope,
    receive: Receive,
    send: Send,
    req: dict[str, Any],
    model: str,
    endpoint: str,
    chat: bool,
    body_size: int,
) -> None:
    """The request path after a surface parsed and validated ``req`` (a chat
    completions or embeddings body for the model group ``model``): governance,
    guardrails, cache, learned route, route and call, record. Other surfaces reach it
    by translating their request to a chat body and chat responses to theirs."""
    ctx = get_ctx(scope)
    ctx.model = model
    if gw.governance is not None:  # models, limits, budget reservation (routeiq.governance)
        limit_headers = await gw.governance.admit(ctx, model, req, body_size)
        if limit_headers:
            send = with_headers(send, limit_headers)
    router = gw.router
    stream = chat and req.get("stream") is True
    trace = ctx.trace
    if trace is not None:
        trace.operation = "chat" if chat else "embeddings"
        trace.request = req
    # Every pass-through stream asks for usage (tokens and cost are counted); the
    # usage event is taken out again when the client did not ask for it.
    strip_usage = stream and gw.config.routeiq.telemetry.stream_usage and not wants_usage(req)
    # Plugins and guardrails, phases 0-2 (may answer, block, or rewrite req).
    run = gw.pipeline.begin(ctx, req, stream=stream) if chat else None
    if run is not None:
        try:
            if await run.before(send):
                return
        except GuardrailBlocked as err:
            if trace is not None:
                trace.event("routeiq.guardrail.blocked", message=err.message)
            raise
        send = run.wrap_send(send)
    # Phase 3: the response cache (routeiq.cache); a hit is answered here.
    cached = (
        CacheRequest.begin(gw.cache, ctx, req, scope["headers"], stream=stream) if chat else None
    )
    if cached is not None:
        served = await cached.serve(send)
        if trace is not None:
            trace.event("routeiq.cache.lookup", outcome=cached.outcome)
        if served:
            if run is not None:
                run.record(cached.served)
                run.after(None)
            return
        send = cached.wrap_send(send)  # x-routeiq-cache; keeps the answer to store
    # Learned route (routeiq.learned): the prompt picks the model group; the next-best
    # candidates are the fallbacks. The cache above keys on the name the client asked for.
    choice = None
    if chat and gw.learned is not None and ctx.model in gw.learned:
        choice = await gw.learned.decide(
            ctx.model, req, scope["headers"], router.group_available, cached
        )
        ctx.model, ctx.route = choice.model, choice.header
    aff = router.settings.affinity
    key = None
    if chat and aff.enabled:
        key = affinity_key(req, header(scope, CONVERSATION_HEADER), max_chars=aff.max_key_chars)
    request = RouteRequest(
        router.resolver.canonical(ctx.model),
        stream=stream,
        affinity_key=key,
        tags=request_tags(req, header(scope, TAGS_HEADER)) if router.tag_filtering else None,
        tokens=estimate_tokens(req.get("messages") or ()) if router.pre_call_checks else None,
    )
    want_id = chat and ((aff.enabled and aff.record_responses) or choice is not None)
    # One deadline for the whole request (retries and fallbacks included); each
    # attempt is further limited by its deployment's own timeout.
    budget = request_budget(
        router.groups.get(request.model, ()),
        gw.config.router.timeout,
        gw.config.routeiq.server.request_timeout,
        stream,
    )
    deadline = trio.current_time() + budget
    payloads: dict[str, bytes] = {}  # serialised once per upstream model name
    default_timeout = gw.config.router.timeout

    async def attempt(dep: Deployment) -> AttemptResult:
        ctx.deployment = dep.id
        ctx.attempts += 1
        tap = ResponseTap(send, ctx.attempts, want_id=want_id)
        adapter = translator(gw.translators, dep)
        exchange: Exchange
        if adapter is not None:  # a provider beyond the OpenAI format (routeiq.llm.translated)
            exchange = TranslatedExchange(
                adapter,
                gw.upstreams.targets[dep.id],
                endpoint,
                with_defaults(req, dep.defaults),
                ctx,
                tap,
                stream=stream,
                max_error_bytes=gw.config.routeiq.upstream.max_error_body_bytes,
                on_chunk=run.output_hook() if run is not None else None,
                pricer=gw.pricing.pricer(dep.id),
            )
        else:
            # Deployments with default params get their own body; others share one per name.
            slot = dep.id if dep.defaults else dep.upstream_model
            payload = payloads.get(slot)
            if payload is None:
                req["model"] = dep.upstream_model
                body = ask_for_usage(req) if strip_usage else req
                payload = payloads[slot] = dumps(with_defaults(body, dep.defaults))
            exchange = Exchange(
                gw.upstreams.targets[dep.id],
                endpoint,
                payload,
                ctx,
                tap,
                stream=stream,
                max_error_bytes=gw.config.routeiq.upstream.max_error_body_bytes,
                on_chunk=run.output_hook() if run is not None else None,
                pricer=gw.pricing.pricer(dep.id),
                strip_usage=strip_usage,
            )
        timeout = (dep.stream_timeout if stream else None) or dep.timeout or default_timeout
        try:
            await exchange.run(receive, min(timeout, deadline - trio.current_time()))
        finally:
            request.started = exchange.started  # never retry once bytes went out
        note_response(ctx, exchange)
        # After the response: usage for telemetry (the client already has everything).
        if exchange.usage is not None:
            ctx.usage = exchange.usage
        elif exchange.response_body is not None:
            ctx.usage = usage_in_body(exchange.response_body)
        status = ctx.status
        if run is not None:
            run.record(exchange.response_body)
            if run.output_blocked:
                status = 200  # a guardrail ended it: not the upstream's failure
        return tap.result(status, ctx.usage, stream=stream)

    if choice is not None:
        request.fallbacks = choice.fallbacks
    call = traced(ctx, attempt)  # a CLIENT span, metrics and a failure log line per attempt
    if run is None:
        outcome = await _route(gw, router, ctx, request, call, deadline, choice)
        if cached is not None:
            cached.finish(outcome.result.error is None)
        return
    try:
        outcome = await _route(gw, router, ctx, request, call, deadline, choice)
    except RouteIQError as err:
        run.after(err)  # post-call hooks in the background
        raise
    run.after(outcome.result.error)
    if run.output_blocked and trace is not None:
        trace.event("routeiq.guardrail.output_blocked")
    if cached is not None:
        cached.finish(outcome.result.error is None and not run.output_blocked)


async def _route(
    gw: Gateway,
    router: Router,
    ctx: RequestContext,
    request: RouteRequest,
    attempt: Callable[[Deployment], Awaitable[AttemptResult]],
    deadline: float,
    choice: Choice | None,
) -> Outcome:
    """route_and_call; a learned route's decision is logged once it ended."""
    if choice is None or gw.learned is None:
        return await route_and_call(router, request, attempt, deadline=deadline)
    learned = gw.learned
    try:
        outcome = await route_and_call(router, request, attempt, deadline=deadline)
    except BaseException as exc:  # logged, then re-raised untouched (Cancelled too)
        learned.finish(choice, request_id=ctx.request_id, served_by=None, error=exc)
        raise
    learned.finish(
        choice,
        request_id=ctx.request_id,
        served_by=outcome.deployment.model_name,
        error=outcome.result.error,
        response_id=outcome.result.response_id,
        cost_usd=ctx.cost,
    )
    return outcome


async def chat_completions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "chat", True)


async def embeddings(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "embeddings", False)


async def models(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    ctx = get_ctx(scope)
    created = int(gw.started_at)
    data = [
        {"id": name, "object": "model", "created": created, "owned_by": "routeiq"}
        for name in [*gw.router.resolver.listed(), *gw.config.learned]
    ]
    await send_json(send, 200, {"object": "list", "data": data}, decision_headers(ctx))
