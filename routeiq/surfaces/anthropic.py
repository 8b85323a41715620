"""The Anthropic Messages surface: ``POST /v1/messages`` and ``/v1/messages/count_tokens``.

Thin ASGI edges: parse, translate to a chat body (``anthropic_request``), run the
one request path with a ``send`` that translates the chat answer back
(``anthropic_response``). Clients authenticate with ``x-api-key`` (or a bearer
token); ``anthropic-version`` is accepted and not required. Errors on these paths
come out in Anthropic's shape (``ERROR_BODIES``, installed by the app).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from routeiq.api.body_json import parse_checked
from routeiq.api.openai import run_request
from routeiq.api.validate import check_content_type, validate_chat
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import ErrorBody, send_json
from routeiq.asgi.types import Receive, Scope, Send, header
from routeiq.errors import ModelNotFound
from routeiq.surfaces import anthropic_response
from routeiq.surfaces.anthropic_request import to_chat
from routeiq.surfaces.raw import relay
from routeiq.surfaces.relay import TranslatingSend
from routeiq.surfaces.tokens import count

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

T = TypeVar("T")

PATHS = ("/v1/messages", "/v1/messages/count_tokens")
COUNT_HEADER = b"x-routeiq-token-count"
ERROR_BODIES: dict[str, ErrorBody] = dict.fromkeys(PATHS, anthropic_response.error_body)


async def _read(
    gw: Gateway, scope: Scope, receive: Receive, check: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T, int]:
    check_content_type(header(scope, b"content-type"))
    body = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req, checked = await parse_checked(body, gw.limits, check)
    return req, checked, len(body)


def _chat(gw: Gateway, count_only: bool = False) -> Callable[[dict[str, Any]], Any]:
    """Translate and validate (in the parse's thread hop when the body is big)."""

    def check(req: dict[str, Any]) -> tuple[dict[str, Any], str]:
        chat = to_chat(req, max_messages=gw.limits.max_messages, count_only=count_only)
        return chat, validate_chat(chat, gw.limits)

    return check


def _pass_through(gw: Gateway, model: str) -> bool:
    """Whether ``model``'s group is all Anthropic-format and the setting allows relaying."""
    cfg = gw.config.routeiq
    mode = cfg.surfaces.anthropic_passthrough
    if mode == "never":
        return False
    if mode == "auto" and (cfg.guardrails.configured() or cfg.plugins or cfg.cache.enabled):
        return False
    return _all_anthropic(gw, model)


def _all_anthropic(gw: Gateway, model: str) -> bool:
    router = gw.router
    group = router.groups.get(router.resolver.canonical(model)) or router.resolver.resolve(model)
    return group is not None and len(group) > 0 and all(d.provider == "anthropic" for d in group)


async def messages(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    req, (chat, model), size = await _read(gw, scope, receive, _chat(gw))
    if _pass_through(gw, model):  # checked as above, then relayed byte for byte
        await relay(gw, scope, receive, send, endpoint="messages", model=model, req=req, size=size)
        return
    stream = anthropic_response.MessageStream(model) if chat.get("stream") else None
    translating = TranslatingSend(send, partial(anthropic_response.whole, model=model), stream)
    await run_request(gw, scope, receive, translating, chat, model, "chat", True, size)


async def count_tokens(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """An Anthropic-format group's own count (forwarded to its
    ``/v1/messages/count_tokens``); otherwise counted here with a real tokenizer
    (``tokens.py``; ``x-routeiq-token-count`` says which count it is)."""
    req, (chat, model), size = await _read(gw, scope, receive, _chat(gw, count_only=True))
    if not gw.router.has(model) and model not in gw.config.learned:
        raise ModelNotFound(f"The model '{model}' does not exist on this gateway", param="model")
    if _all_anthropic(gw, model):
        await relay(
            gw, scope, receive, send, endpoint="count_tokens", model=model, req=req, size=size
        )
        return
    tokens, how = await count(chat)
    await send_json(send, 200, {"input_tokens": tokens}, [(COUNT_HEADER, how.encode())])
