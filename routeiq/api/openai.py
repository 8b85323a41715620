"""The OpenAI-compatible endpoints: chat completions, embeddings, models.

Pure ASGI handlers on the hot path: the body is parsed once, ``model`` is
replaced by the deployment's upstream name, and the body is serialised once.
After parsing, a request is a short loop over the pipeline stages
(``api/flow.py``, ``api/stages.py``): guardrails, cache, route+call; each
stage's after-the-response work runs when the loop ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from routeiq.api.body_json import parse_checked
from routeiq.api.flow import Flow, run_stages
from routeiq.api.model_list import visible_models
from routeiq.api.validate import check_content_type, validate_chat, validate_embeddings
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import send_json
from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import Receive, Scope, Send, get_ctx, header
from routeiq.compat.request_fields import check_fields
from routeiq.governance.send import with_headers

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

T = TypeVar("T")


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
    then the stages (guardrails, cache, learned route, route and call), then
    each stage's record. Other surfaces reach it by translating their request
    to a chat body and chat responses to theirs."""
    ctx = get_ctx(scope)
    ctx.model = model
    check_fields(req)  # LiteLLM's per-request fallbacks, credentials...: a 400, not ignored
    modes = gw.router.modes  # built per config: an empty dict unless a group refuses
    if modes.chat if chat else modes.embedding:
        modes.check(gw.router.resolver.canonical(model), "chat" if chat else "embedding")
    if gw.governance is not None:  # models, limits, budget reservation (routeiq.governance)
        limit_headers = await gw.governance.admit(ctx, model, req, body_size)
        if limit_headers:
            send = with_headers(send, limit_headers)
    stream = chat and req.get("stream") is True
    if ctx.trace is not None:
        ctx.trace.operation = "chat" if chat else "embeddings"
        ctx.trace.request = req
    flow = Flow(scope, receive, send, ctx, req, model, endpoint, stream)
    await run_stages(gw.chat_stages if chat else gw.embedding_stages, flow)


async def _parsed(
    gw: Gateway, scope: Scope, receive: Receive, check: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T, int]:
    check_content_type(header(scope, b"content-type"))
    body = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req, checked = await parse_checked(body, gw.limits, check)
    return req, checked, len(body)


async def chat_completions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    req, model, size = await _parsed(gw, scope, receive, lambda r: validate_chat(r, gw.limits))
    await run_request(gw, scope, receive, send, req, model, "chat", True, size)


async def embeddings(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """Embeddings: governance, then route+call only (no guardrails, cache or learned route)."""
    req, model, size = await _parsed(
        gw, scope, receive, lambda r: validate_embeddings(r, gw.limits)
    )
    await run_request(gw, scope, receive, send, req, model, "embeddings", False, size)


async def models(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    ctx = get_ctx(scope)
    created = int(gw.started_at)
    data = [
        {"id": name, "object": "model", "created": created, "owned_by": "routeiq"}
        for name in visible_models(gw, ctx)
    ]
    await send_json(send, 200, {"object": "list", "data": data}, decision_headers(ctx))
