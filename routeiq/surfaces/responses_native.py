"""``/v1/responses`` passed through to upstreams that have OpenAI's Responses API.

A group whose deployments all serve the Responses API natively (``native``) gets
the client's body as it is (only ``model`` renamed): built-in tools (web search,
file search, code interpreter...), ``previous_response_id`` and the stored state
all belong to the upstream. What the gateway adds is what it adds to chat
pass-through: governance admission, routing with retries and fallbacks before the
first byte, breakers, the price of the response's usage (``x-routeiq-response-cost``,
spend rows), telemetry.

State: the upstream keeps the conversation, so a chain must stay on the deployment
that holds it. Conversation affinity keys on ``previous_response_id`` and every
answer's id is recorded (``routing/affinity.py``); the gateway also remembers each
stored response's deployment, bound to the caller's tenant (``responses_store``),
so ``GET``/``DELETE /v1/responses/{id}`` (and ``input_items``) go to that deployment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import trio

from routeiq.api.validate import dumps
from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import Receive, Scope, Send, get_ctx, header
from routeiq.compat.request_fields import check_fields, upstream_body
from routeiq.deployment import Deployment
from routeiq.errors import BadRequest, NotFound, UpstreamError, UpstreamTimeout
from routeiq.governance.send import with_headers
from routeiq.llm.attempt import AttemptResult
from routeiq.llm.proxy import read_limited, release
from routeiq.llm.upstream import map_status, map_transport_error
from routeiq.routing.affinity import HEADER as CONVERSATION_HEADER
from routeiq.routing.affinity import affinity_key
from routeiq.routing.executor import RouteRequest, route_and_call
from routeiq.routing.modes import serves
from routeiq.surfaces.checks import wrong
from routeiq.surfaces.raw import deadline_of
from routeiq.surfaces.responses_exchange import NativeResponsesExchange
from routeiq.surfaces.responses_store import Conversations, tenant_of
from routeiq.telemetry.attempts import traced

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

NATIVE_PROVIDERS = frozenset({"openai", "azure"})
ENDPOINT = "/v1/responses"
_MODES = frozenset({"chat", "responses"})


def native(dep: Deployment) -> bool:
    """Whether ``dep`` has the Responses API itself: ``model_info.supported_endpoints``
    (LiteLLM's field) decides when declared; else Azure OpenAI, or ``openai/`` at
    OpenAI's own address (an ``openai/`` deployment elsewhere is usually an
    OpenAI-compatible server with chat completions only)."""
    declared = dep.model_info.get("supported_endpoints")
    if isinstance(declared, list | tuple):
        return ENDPOINT in declared and dep.provider in NATIVE_PROVIDERS
    if dep.provider == "azure":
        return True
    return dep.provider == "openai" and dep.api_base.startswith("https://api.openai.com")


def group_of(gw: Gateway, model: str) -> tuple[Deployment, ...]:
    router = gw.router
    return tuple(
        router.groups.get(router.resolver.canonical(model)) or router.resolver.resolve(model) or ()
    )


def group_is_native(gw: Gateway, model: str) -> bool:
    group = group_of(gw, model)
    return bool(group) and all(native(d) for d in group)


def stages_need_chat(gw: Gateway) -> bool:
    cfg = gw.config.routeiq
    return bool(cfg.guardrails.configured() or cfg.plugins or cfg.cache.enabled)


def pass_through(gw: Gateway, model: str) -> bool:
    """Whether ``/v1/responses`` for ``model`` is relayed (see ``responses_passthrough``)."""
    mode = gw.config.routeiq.surfaces.responses_passthrough
    if mode == "never" or (mode == "auto" and stages_need_chat(gw)):
        return False
    return group_is_native(gw, model)


def builtin_tool_error(gw: Gateway, model: str, req: dict[str, Any]) -> BadRequest | None:
    """The 400 for built-in tools on a group served by translation (None: there are none)."""
    tools = req.get("tools")
    if not isinstance(tools, list):
        return None
    for i, tool in enumerate(tools):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if isinstance(kind, str) and kind != "function":
            if group_is_native(gw, model):
                why = (
                    "its deployments have OpenAI's Responses API, but guardrails, plugins or "
                    "the cache need the translated path (routeiq.surfaces.responses_passthrough)"
                )
            else:
                why = (
                    "it is served by translation to chat completions; built-in tools need "
                    "deployments with OpenAI's own Responses API (openai/, azure/)"
                )
            return BadRequest(
                f"Model group '{model[:256]}' cannot run the built-in tool '{kind[:64]}' "
                f"(tools[{i}]): {why}",
                param=f"tools[{i}]",
                code="unsupported_tool",
            )
    return None


def _check(req: dict[str, Any]) -> bool:
    """The few fields the gateway itself reads; the upstream validates the rest."""
    stream = req.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise wrong("stream", "a boolean")
    store = req.get("store")
    if store is not None and not isinstance(store, bool):
        raise wrong("store", "a boolean")
    prev = req.get("previous_response_id")
    if prev is not None and (not isinstance(prev, str) or not prev or len(prev) > 256):
        raise wrong("previous_response_id", "a response id")
    return stream is True


async def create(
    gw: Gateway,
    scope: Scope,
    receive: Receive,
    send: Send,
    req: dict[str, Any],
    model: str,
    size: int,
) -> None:
    """Route and relay one ``POST /v1/responses`` (see the module docstring)."""
    stream = _check(req)
    ctx = get_ctx(scope)
    ctx.model = model
    group = group_of(gw, model)
    if not serves(group, _MODES):
        raise BadRequest(
            f"Model group '{model[:256]}' does not serve mode 'chat' or 'responses' "
            "(model_info.mode)",
            param="model",
            code="unsupported_mode",
        )
    check_fields(req)  # LiteLLM's per-request fallbacks, credentials...: a 400
    if gw.governance is not None:
        limits = await gw.governance.admit(ctx, model, req, size)
        if limits:  # the x-ratelimit-* headers, as on chat completions
            send = with_headers(send, limits)
    router = gw.router
    aff = router.settings.affinity
    key = None
    if aff.enabled:
        key = affinity_key(req, header(scope, CONVERSATION_HEADER), max_chars=aff.max_key_chars)
    request = RouteRequest(router.resolver.canonical(model), stream=stream, affinity_key=key)
    deadline = deadline_of(gw, request)
    convo = Conversations(gw.store, gw.config.routeiq.surfaces.responses.ttl_seconds)
    tenant = tenant_of(ctx)
    prev = req.get("previous_response_id")
    if prev is not None:
        holder = await convo.native(tenant, prev)
        if holder is None:
            # The upstream would continue any id it holds, whoever made it: only the
            # tenant that made the response may continue it (as on the translated path).
            raise NotFound(
                f"Previous response with id '{prev[:256]}' not found.",
                param="previous_response_id",
            )
        if key is not None and holder in router.by_id:
            # Re-pin the chain to the deployment holding its state: the affinity record
            # lasts an hour, the stored response (and this record) much longer.
            await router.affinity.record(key, holder, request.model)
    keep = req.get("store") is not False
    max_error_bytes = gw.config.routeiq.upstream.max_error_body_bytes
    default_timeout = gw.config.router.timeout
    payloads: dict[str, bytes] = {}

    async def attempt(dep: Deployment) -> AttemptResult:
        ctx.begin_attempt(dep)
        payload = payloads.get(dep.upstream_model)
        if payload is None:
            body = {**upstream_body(req), "model": dep.upstream_model}  # no LiteLLM fields
            payload = payloads[dep.upstream_model] = dumps(body)

        async def remember(response_id: str) -> None:
            if keep:
                await convo.remember_native(tenant, response_id, dep.id)

        exchange = NativeResponsesExchange(
            gw.upstreams.targets[dep.id],
            "responses",
            payload,
            ctx,
            send,
            stream=stream,
            max_error_bytes=max_error_bytes,
            pricer=gw.pricing.pricer(dep.id),
            want_id=True,
            on_id=remember,
        )
        timeout = (dep.stream_timeout if stream else None) or dep.timeout or default_timeout
        return await exchange.run(receive, min(timeout, deadline - trio.current_time()))

    if ctx.trace is not None:
        ctx.trace.operation = "chat"
        ctx.trace.request = req
    outcome = await route_and_call(router, request, traced(ctx, attempt), deadline=deadline)
    ctx.usage = outcome.result.usage  # after the response: spend rows, telemetry


async def by_id(
    gw: Gateway, scope: Scope, send: Send, deployment: str, response_id: str, sub: str
) -> None:
    """Forward GET/DELETE ``/v1/responses/{id}[/input_items]`` to the deployment that
    stored the response, and relay its answer (an OpenAI-shaped error on failure)."""
    ctx = get_ctx(scope)
    target = gw.upstreams.targets.get(deployment)
    if target is None:  # removed by a reload since: the state went with it
        raise NotFound(f"Response with id '{response_id[:256]}' not found.")
    ctx.deployment = deployment
    method = "DELETE" if scope["method"] == "DELETE" else "GET"
    base = target.urls["responses"]
    path = base.raw_path.split(b"?", 1)[0].decode() + "/" + quote(response_id, safe="")
    if sub:
        path += "/" + sub
    url = base.copy_with(path=path)
    query = scope.get("query_string") or b""
    if query:
        url = url.copy_merge_params(httpx.QueryParams(query.decode("latin-1")))
    headers = dict(target.headers)
    headers["x-request-id"] = ctx.request_id
    request = target.client.build_request(method, url, headers=headers)
    try:
        with trio.fail_after(gw.config.router.timeout):
            response = await target.client.send(request, stream=True)
            try:
                limit = gw.config.routeiq.upstream.max_error_body_bytes
                if response.status_code == 404:
                    raise NotFound(f"Response with id '{response_id[:256]}' not found.")
                if response.status_code >= 400:
                    body = await read_limited(response, limit)
                    raise map_status(
                        response.status_code, body, response.headers.get("retry-after")
                    )
                body = await response.aread()
            finally:
                await response.aclose()
                release(response)
    except trio.TooSlowError:
        raise UpstreamTimeout("The upstream did not answer in time") from None
    except httpx.HTTPError as exc:
        raise map_transport_error(exc) from None
    if not body:
        raise UpstreamError("The upstream sent an empty answer")
    if method == "DELETE":
        await Conversations(gw.store, 1.0).forget_native(response_id)
    ctype = response.headers.get("content-type", "application/json").encode("latin-1")
    out = [(b"content-type", ctype), (b"content-length", b"%d" % len(body))]
    out.extend(decision_headers(ctx))
    ctx.status = response.status_code
    await send({"type": "http.response.start", "status": response.status_code, "headers": out})
    await send({"type": "http.response.body", "body": body, "more_body": False})
