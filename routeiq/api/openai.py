"""The OpenAI-compatible endpoints: chat completions, embeddings, models.

Pure ASGI handlers on the hot path: the body is parsed once, ``model`` is
replaced by the deployment's upstream name, and the body is serialised once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from routeiq.api.validate import (
    check_content_type,
    dumps,
    parse_json_object,
    validate_chat,
    validate_embeddings,
)
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, Scope, Send, get_ctx, header
from routeiq.llm.proxy import Exchange, decision_headers

if TYPE_CHECKING:
    from routeiq.app import Gateway


async def _forward(
    gw: Gateway, scope: Scope, receive: Receive, send: Send, endpoint: str, chat: bool
) -> None:
    ctx = get_ctx(scope)
    check_content_type(header(scope, b"content-type"))
    body = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req = parse_json_object(body, gw.limits)
    ctx.model = validate_chat(req, gw.limits) if chat else validate_embeddings(req, gw.limits)
    dep = gw.router.choose(ctx.model)
    ctx.deployment = dep.id
    ctx.attempts = 1
    stream = chat and req.get("stream") is True
    req["model"] = dep.upstream_model
    payload = dumps(req)
    deadline = (dep.stream_timeout if stream else None) or dep.timeout or gw.config.router.timeout
    deadline = min(deadline, gw.config.routeiq.server.request_timeout)
    exchange = Exchange(
        gw.upstreams.targets[dep.id],
        endpoint,
        payload,
        ctx,
        send,
        stream=stream,
        max_error_bytes=gw.config.routeiq.upstream.max_error_body_bytes,
    )
    await exchange.run(receive, deadline)
    # After the response: usage for telemetry (the client already has everything).
    if exchange.usage is not None:
        ctx.usage = exchange.usage
    elif exchange.response_body is not None:
        ctx.usage = _usage_of(exchange.response_body)


def _usage_of(body: bytes) -> dict[str, Any] | None:
    if b'"usage"' not in body:
        return None
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    usage = obj.get("usage") if isinstance(obj, dict) else None
    return usage if isinstance(usage, dict) else None


async def chat_completions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "chat", True)


async def embeddings(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "embeddings", False)


async def models(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    ctx = get_ctx(scope)
    created = int(gw.started_at)
    data = [
        {"id": name, "object": "model", "created": created, "owned_by": "routeiq"}
        for name in gw.config.groups
    ]
    await send_json(send, 200, {"object": "list", "data": data}, decision_headers(ctx))
