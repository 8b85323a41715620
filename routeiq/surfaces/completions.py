"""``POST /v1/completions`` (legacy): the chat pass-through's exchange, with the stages
that make sense for a bare prompt.

- input guardrails on ``prompt`` (a string or an array of strings), run as the chat
  path runs them on a user message: a block is a 400, a redaction rewrites the
  prompt before it goes upstream;
- the exact cache (L1/L2) for non-streamed requests, keyed apart from chat (the
  semantic tier and streams are not cached: a completion replayed as SSE would
  need its own event format);
- routing with retries and fallbacks, the pass-through :class:`~routeiq.llm.proxy.Exchange`
  (usage asked for on streams and stripped again, priced from the usage:
  ``x-routeiq-response-cost``, spend rows, telemetry).

Plugins' ``on_request`` answers and output guardrails are chat-only (their answers
and scanners speak chat completions) and are not run here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from routeiq.api.body_json import parse_checked, unchecked
from routeiq.api.flow import Flow, Stage, run_stages
from routeiq.api.stages import RouteStage
from routeiq.api.validate import check_content_type
from routeiq.asgi.body import read_body
from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import Message, Receive, RequestContext, Scope, Send, get_ctx, header
from routeiq.cache.request import HEADER as CACHE_HEADER
from routeiq.compat.model_stamp import stamp_body
from routeiq.compat.request_fields import check_fields
from routeiq.errors import BadRequest, GuardrailBlocked, RouteIQError
from routeiq.governance.send import with_headers
from routeiq.pricing.breakdown import ZERO_COST_HEADERS
from routeiq.routing.deployment_params import translator
from routeiq.surfaces.checks import need, wrong
from routeiq.surfaces.raw import check_mode
from routeiq.surfaces.responses_native import group_of
from routeiq.surfaces.responses_request import model_of

if TYPE_CHECKING:
    from routeiq.cache.service import Query
    from routeiq.gateway import Gateway

_JSON = b"application/json"


def prompt_texts(prompt: Any) -> list[str] | None:
    """The prompt's texts (None: token arrays, which no guardrail can read)."""
    if isinstance(prompt, str):
        return [prompt]
    if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        return list(prompt)
    if isinstance(prompt, list) and prompt and all(isinstance(p, int | list) for p in prompt):
        return None
    raise wrong("prompt", "a string, an array of strings or token arrays")


def chat_view(req: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    """The prompt as the chat request the guardrails and the cache key read."""
    view = {k: v for k, v in req.items() if k != "prompt"}
    view["messages"] = [{"role": "user", "content": t} for t in texts]
    return view


async def guard_prompt(gw: Gateway, ctx: RequestContext, req: dict[str, Any]) -> None:
    """Input guardrails on the prompt: raise the 400 on a block, apply redactions."""
    texts = prompt_texts(req["prompt"])
    pipeline = gw.pipeline
    if texts is None or not pipeline.active:
        return
    view = chat_view(req, texts)
    run = pipeline.begin(ctx, view, stream=False)
    if run is None:
        return
    try:
        await run.phase1()
        run.phase2()
    except GuardrailBlocked as err:
        if ctx.trace is not None:
            ctx.trace.event("routeiq.guardrail.blocked", message=err.message)
        run.after(err)
        raise
    redacted = [m["content"] for m in view["messages"]]
    if redacted != texts:
        req["prompt"] = redacted[0] if isinstance(req["prompt"], str) else redacted


class CompletionCache:
    """The exact tiers for a non-streamed completion (see the module docstring)."""

    def __init__(self, gw: Gateway, query: Query) -> None:
        self.gw = gw
        self.query = query
        self.capture: list[bytes] | None = [] if query.store else None
        self.status = 0

    async def enter(self, flow: Flow) -> bool:
        service = self.gw.cache
        q = self.query
        outcome = "bypass"
        if q.lookup:
            hit = await service.lookup(q)
            outcome = "miss" if hit is None else "hit-exact"
            if hit is not None:
                # Kept per model group: named as asked this time (compat/model_stamp.py).
                body = stamp_body(hit.answer.body, orjson.dumps(flow.model))
                headers = [(b"content-type", _JSON), *decision_headers(flow.ctx)]
                headers += [(CACHE_HEADER, b"hit-exact"), (b"content-length", b"%d" % len(body))]
                if self.gw.cache.priced(self.query.model):
                    headers.extend(ZERO_COST_HEADERS)
                flow.ctx.status = 200
                await flow.send({"type": "http.response.start", "status": 200, "headers": headers})
                await flow.send({"type": "http.response.body", "body": body, "more_body": False})
                flow.body = body
                return True
        inner = flow.send
        value = outcome.encode()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                message["headers"] = [*message.get("headers", ()), (CACHE_HEADER, value)]
            elif message["type"] == "http.response.body" and self.capture is not None:
                self.capture.append(bytes(message.get("body", b"")))
            await inner(message)

        flow.send = capture
        return False

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        if flow.answered_by is self or error is not None or self.status != 200:
            return
        if self.capture:
            body = b"".join(self.capture)
            if len(body) <= self.gw.cache.settings.max_entry_bytes:
                self.gw.cache.spawn_store(self.query, body, stream=None)


def cache_query(
    gw: Gateway, ctx: RequestContext, req: dict[str, Any], scope: Scope
) -> Query | None:
    texts = prompt_texts(req["prompt"])
    if not gw.cache.enabled or texts is None:
        return None
    view = chat_view(req, texts)
    view["x_routeiq_endpoint"] = "completions"  # never the key of a chat request
    q = gw.cache.query(ctx, view, scope["headers"])
    q.semantic = None  # exact tiers only
    return q if (q.lookup or q.store) else None


async def completions(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    check_content_type(header(scope, b"content-type"))
    raw = await read_body(scope, receive, gw.config.routeiq.server.max_body_bytes)
    req, _ = await parse_checked(raw, gw.limits, unchecked)
    size = len(raw)
    model = model_of(req)
    need(req, "prompt")
    check_fields(req)  # LiteLLM's per-request fallbacks, credentials...: a 400
    stream = req.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise wrong("stream", "a boolean")
    check_mode(gw, model, "completion")
    for dep in group_of(gw, model):
        if translator(gw.translators, dep) is not None:
            raise BadRequest(
                f"Deployment '{dep.id}' is not OpenAI-format; 'completions' is relayed only "
                "to OpenAI-format deployments",
                param="model",
            )
    ctx = get_ctx(scope)
    ctx.model = model
    await guard_prompt(gw, ctx, req)
    if gw.governance is not None:
        limits = await gw.governance.admit(ctx, model, req, size)
        if limits:  # the x-ratelimit-* headers, as on chat completions
            send = with_headers(send, limits)
    stages: list[Stage] = []
    if not stream:
        q = cache_query(gw, ctx, req, scope)
        if q is not None:
            stages.append(CompletionCache(gw, q))
    stages.append(RouteStage(gw, chat=False))
    flow = Flow(scope, receive, send, ctx, req, model, "completions", stream is True)
    await run_stages(stages, flow)
