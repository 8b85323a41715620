"""Handlers of the relayed OpenAI-format endpoints (``raw``) and ``GET /v1/models/{id}``.

Each checks the few fields it must (a 400 naming the field, in OpenAI's shape),
the group's ``model_info.mode``, then relays the request as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from routeiq.api.body_json import parse_checked, unchecked
from routeiq.api.model_list import visible_models
from routeiq.api.validate import check_content_type
from routeiq.asgi.body import read_body
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, Scope, Send, get_ctx, header
from routeiq.errors import MethodNotAllowed, ModelNotFound
from routeiq.llm.proxy import decision_headers
from routeiq.surfaces.checks import need, wrong
from routeiq.surfaces.completions import completions as legacy_completions
from routeiq.surfaces.raw import check_mode, relay
from routeiq.surfaces.responses_request import model_of
from routeiq.surfaces.upload import Upload

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

MODELS_PREFIX = "/v1/models/"
UPLOAD_PATHS = frozenset({"/v1/audio/transcriptions"})


async def _json(gw: Gateway, scope: Scope, receive: Receive) -> tuple[dict[str, Any], int]:
    check_content_type(header(scope, b"content-type"))
    body = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req, _ = await parse_checked(body, gw.limits, unchecked)
    return req, len(body)


def _strings(value: Any, param: str) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise wrong(param, "a string or a non-empty array of strings")


async def _forward(
    gw: Gateway,
    scope: Scope,
    receive: Receive,
    send: Send,
    endpoint: str,
    mode: str,
    required: tuple[str, ...],
    default_model: str | None = None,
) -> None:
    req, size = await _json(gw, scope, receive)
    if default_model is not None and req.get("model") is None:
        found = _default_group(gw, default_model, mode)
        if found is not None:
            req["model"] = found
    model = model_of(req)
    for name in required:
        need(req, name)
    if req.get("stream") is not None and not isinstance(req["stream"], bool):
        raise wrong("stream", "a boolean")
    check_mode(gw, model, mode)
    await relay(gw, scope, receive, send, endpoint=endpoint, model=model, req=req, size=size)


async def completions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """Guardrails, cache and pricing apply: see ``surfaces/completions.py``."""
    await legacy_completions(gw, scope, receive, send)


def _default_group(gw: Gateway, name: str, mode: str) -> str | None:
    """The group a request without ``model`` goes to: ``name`` (OpenAI's default) if
    the gateway serves it, else the one group declaring ``mode``, else none (a 400)."""
    if gw.router.has(name):
        return name
    groups = [
        group
        for group, deps in gw.router.groups.items()
        if any(d.model_info.get("mode") == mode for d in deps)
    ]
    return groups[0] if len(groups) == 1 else None


async def moderations(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """``model`` is optional, as in OpenAI's API (the SDK sends none by default): then
    ``omni-moderation-latest``, or the one group whose ``model_info.mode`` is
    ``moderation``."""
    await _forward(
        gw,
        scope,
        receive,
        send,
        "moderations",
        "moderation",
        ("input",),
        default_model="omni-moderation-latest",
    )


async def images(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "images", "image_generation", ("prompt",))


async def speech(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "speech", "audio_speech", ("input", "voice"))


async def rerank(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    await _forward(gw, scope, receive, send, "rerank", "rerank", ("query", "documents"))


async def transcriptions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    """Multipart, relayed upstream as it arrives (``upload``), under its own size limit."""
    settings = gw.config.routeiq.surfaces
    upload = Upload(
        scope, receive, settings.max_upload_bytes, gw.config.routeiq.server.body_timeout
    )
    model = await upload.read_head()
    check_mode(gw, model, "audio_transcription")
    await relay(gw, scope, receive, send, endpoint="transcriptions", model=model, upload=upload)


async def model_by_id(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    if scope["method"] not in ("GET", "HEAD"):
        raise MethodNotAllowed("Use GET", headers={"allow": "GET"})
    name = scope["path"][len(MODELS_PREFIX) :]
    if name not in visible_models(gw, get_ctx(scope)):  # a group the key may not use: 404
        raise ModelNotFound(f"The model '{name[:256]}' does not exist", param="model")
    model = {"id": name, "object": "model", "created": int(gw.started_at), "owned_by": "routeiq"}
    await send_json(send, 200, model, decision_headers(get_ctx(scope)))
