"""The Responses API surface: ``POST /v1/responses``, ``GET``/``DELETE
/v1/responses/{id}`` and ``GET /v1/responses/{id}/input_items``.

Groups whose deployments have OpenAI's Responses API get pass-through
(``responses_native``); the others are served by translation to chat completions
through the one request path (``run_request``); the conversation of a stored
response lives in the state backend (``responses_store``), bound to the caller's
tenant. Errors keep the
OpenAI shape (this is an OpenAI surface).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from routeiq.api.body_json import parse_checked, unchecked
from routeiq.api.openai import run_request
from routeiq.api.validate import check_content_type, validate_chat
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, Scope, Send, get_ctx, header
from routeiq.errors import BadRequest, MethodNotAllowed, NotFound
from routeiq.routing.affinity import HEADER as CONVERSATION_HEADER
from routeiq.surfaces import responses_native
from routeiq.surfaces import responses_request as rq
from routeiq.surfaces import responses_response as rs
from routeiq.surfaces.relay import TranslatingSend
from routeiq.surfaces.responses_store import Conversations, tenant_of

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

PREFIX = "/v1/responses/"


def conversations(gw: Gateway) -> Conversations:
    return Conversations(gw.store, gw.config.routeiq.surfaces.responses.ttl_seconds)


def _whole(resp: dict[str, Any]) -> Any:
    def translate(status: int, body: bytes) -> bytes:
        if status >= 400:
            return body  # already an OpenAI-style error
        try:
            chat = orjson.loads(body)
        except orjson.JSONDecodeError:
            chat = None
        if not isinstance(chat, dict):
            return orjson.dumps(rs.failed(resp, 502, "The upstream answer is not JSON"))
        return orjson.dumps(rs.to_response(chat, resp))

    return translate


async def create(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    check_content_type(header(scope, b"content-type"))
    raw = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req, _ = await parse_checked(raw, gw.limits, unchecked)
    model = rq.model_of(req)
    if responses_native.pass_through(gw, model):  # the upstream's own Responses API
        await responses_native.create(gw, scope, receive, send, req, model, len(raw))
        return
    builtin = responses_native.builtin_tool_error(gw, model, req)
    if builtin is not None:
        raise builtin
    settings = gw.config.routeiq.surfaces.responses
    convo = conversations(gw)
    tenant = tenant_of(get_ctx(scope))
    history: list[dict[str, Any]] = []
    prev = rq.previous_id(req)
    resp_id = rq.item_id("resp")
    root = resp_id  # the chain's first response: its conversation key
    if prev is not None:
        record = await convo.load(tenant, prev)
        if record is None:
            raise NotFound(
                f"Previous response with id '{prev}' not found.", param="previous_response_id"
            )
        history = record["messages"]
        root = record.get("root") or prev
    if header(scope, CONVERSATION_HEADER) is None:
        # Conversation affinity: every turn of a chain names its first response, so the
        # chain keeps its deployment (the chat body sent upstream carries no response id).
        scope["headers"] = [*scope["headers"], (CONVERSATION_HEADER, root.encode())]
    chat = rq.to_chat(req, history, max_messages=gw.limits.max_messages)
    turn = chat["messages"][1:] if req.get("instructions") is not None else chat["messages"]
    if len(turn) > settings.max_history_messages:
        raise BadRequest(
            f"The conversation has {len(turn)} messages; the limit is "
            f"{settings.max_history_messages}",
            param="previous_response_id",
        )
    model = validate_chat(chat, gw.limits)
    resp = rs.new_response(req, model, resp_id)
    items = rq.input_items(req["input"])
    stream = rs.ResponseStream(resp) if chat.get("stream") else None
    keep = resp["store"]

    async def store() -> None:
        if keep and resp["status"] in ("completed", "incomplete"):
            messages = [*turn, rs.assistant_message(resp["output"])]
            await convo.save(tenant, resp, items, messages, root)

    relay = TranslatingSend(send, _whole(resp), stream, on_complete=store)
    await run_request(gw, scope, receive, relay, chat, model, "chat", True, len(raw))


async def by_id(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """GET/DELETE /v1/responses/{id} and GET /v1/responses/{id}/input_items."""
    rest = scope["path"][len(PREFIX) :]
    rid, _, sub = rest.partition("/")
    method = scope["method"]
    if not rid or sub not in ("", "input_items"):
        raise NotFound("No such route on this gateway")
    convo = conversations(gw)
    tenant = tenant_of(get_ctx(scope))
    if method in ("GET", "HEAD", "DELETE") and (method != "DELETE" or not sub):
        holder = await convo.native(tenant, rid)
        if holder is not None:  # stored by a deployment's own Responses API
            await responses_native.by_id(gw, scope, send, holder, rid, sub)
            return
    if method == "DELETE" and not sub:
        if not await convo.delete(tenant, rid):
            raise NotFound(f"Response with id '{rid}' not found.")
        await send_json(send, 200, {"id": rid, "object": "response.deleted", "deleted": True})
        return
    if method not in ("GET", "HEAD"):
        allowed = "GET" if sub else "GET, DELETE"
        raise MethodNotAllowed(f"Use {allowed} on {scope['path']}", headers={"allow": allowed})
    record = await convo.load(tenant, rid)
    if record is None:
        raise NotFound(f"Response with id '{rid}' not found.")
    if not sub:
        await send_json(send, 200, record["response"])
        return
    await send_json(send, 200, input_item_page(record["items"], scope.get("query_string", b"")))


def input_item_page(items: list[dict[str, Any]], query: bytes) -> dict[str, Any]:
    """One page of input items (``order`` asc|desc, default desc; ``limit`` 1-100,
    default 20; ``after`` an item id), in OpenAI's list shape."""
    from urllib.parse import parse_qs

    params = {k: v[-1] for k, v in parse_qs(query.decode("latin-1")).items()}
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise BadRequest("'order' must be 'asc' or 'desc'", param="order")
    try:
        limit = int(params.get("limit", "20"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 100:
        raise BadRequest("'limit' must be an integer from 1 to 100", param="limit")
    seq = items if order == "asc" else items[::-1]
    after = params.get("after")
    if after is not None:
        ids = [i.get("id") for i in seq]
        if after not in ids:
            raise BadRequest(f"No input item with id '{after}'", param="after")
        seq = seq[ids.index(after) + 1 :]
    page = seq[:limit]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(seq) > limit,
    }
