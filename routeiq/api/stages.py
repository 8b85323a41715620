"""The pipeline stages of the chat path: guardrails, cache, route+call.

Each is built once per gateway (``stages_for``) and keeps its per-request
state on the :class:`~routeiq.api.flow.Flow`. The route stage is the last: it
resolves the learned route and the affinity key, then lets the router
(``routing/executor.py``) call one :class:`~routeiq.llm.proxy.Exchange` per
attempt; each attempt returns its whole outcome, which the stages read after
the response (usage, body, error) without looking anything up again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import trio

from routeiq.api.flow import Flow, Stage
from routeiq.api.mock_stage import MockResponseStage
from routeiq.api.validate import dumps
from routeiq.asgi.types import header
from routeiq.cache.request import CacheRequest
from routeiq.compat.request_fields import upstream_body
from routeiq.deployment import Deployment
from routeiq.errors import GuardrailBlocked, RouteIQError
from routeiq.llm.attempt import AttemptResult
from routeiq.llm.proxy import Exchange
from routeiq.llm.stream_usage import ask_for_usage, wants_usage
from routeiq.llm.translated.exchange import TranslatedExchange
from routeiq.routing.affinity import HEADER as CONVERSATION_HEADER
from routeiq.routing.affinity import affinity_key
from routeiq.routing.deployment_params import translator, with_defaults
from routeiq.routing.executor import Outcome, RouteRequest, request_budget, route_and_call
from routeiq.routing.filters import estimate_tokens, request_tags
from routeiq.telemetry.attempts import traced

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

TAGS_HEADER = b"x-litellm-tags"


class GuardrailStage:
    """Plugins and guardrails, phases 0-2: may answer, block, or rewrite the request;
    after the response, the post-call hooks run in the background."""

    def __init__(self, gw: Gateway) -> None:
        self.gw = gw  # its parts are read per request: a reload may replace them

    async def enter(self, flow: Flow) -> bool:
        run = self.gw.pipeline.begin(flow.ctx, flow.req, stream=flow.stream)
        if run is None:
            return False
        try:
            if await run.before(flow.send):
                return True  # a plugin answered: no post-call work
        except GuardrailBlocked as err:
            if flow.ctx.trace is not None:
                flow.ctx.trace.event("routeiq.guardrail.blocked", message=err.message)
            raise
        flow.guard = run
        flow.send = run.wrap_send(flow.send)
        return False

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        run = flow.guard
        if run is None:
            return
        run.record(flow.body)
        run.after(error)
        if run.output_blocked and flow.ctx.trace is not None:
            flow.ctx.trace.event("routeiq.guardrail.output_blocked")


class CacheStage:
    """Phase 3, the response cache: a hit is answered here; a served answer is stored."""

    def __init__(self, gw: Gateway) -> None:
        self.gw = gw

    async def enter(self, flow: Flow) -> bool:
        gw = self.gw
        cached = CacheRequest.begin(
            gw.cache,
            flow.ctx,
            flow.req,
            flow.scope["headers"],
            stream=flow.stream,
            restamp=gw.learned is None or flow.model not in gw.learned,
        )
        if cached is None:
            return False
        flow.cached = cached
        served = await cached.serve(flow.send)
        if flow.ctx.trace is not None:
            flow.ctx.trace.event("routeiq.cache.lookup", outcome=cached.outcome)
        if served:
            flow.body = cached.served
            return True
        flow.send = cached.wrap_send(flow.send)  # x-routeiq-cache; keeps the answer to store
        return False

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        cached = flow.cached
        if cached is None or flow.answered_by is self:
            return
        blocked = flow.guard is not None and flow.guard.output_blocked
        cached.finish(error is None and not blocked)


class RouteStage:
    """Learned route -> affinity -> router -> one exchange per attempt (always answers)."""

    def __init__(self, gw: Gateway, *, chat: bool) -> None:
        self.gw = gw
        self.chat = chat

    async def enter(self, flow: Flow) -> bool:
        gw, ctx, req, scope = self.gw, flow.ctx, flow.req, flow.scope
        router = gw.router
        # Learned route (routeiq.learned): the prompt picks the model group; the next-best
        # candidates are the fallbacks. The cache keys on the name the client asked for.
        choice = None
        if self.chat and gw.learned is not None and flow.model in gw.learned:
            choice = await gw.learned.decide(
                flow.model, req, scope["headers"], router.group_available, flow.cached
            )
            flow.model = ctx.model = choice.model
            ctx.route = choice.header
        aff = router.settings.affinity
        key = None
        if self.chat and aff.enabled:
            key = affinity_key(req, header(scope, CONVERSATION_HEADER), max_chars=aff.max_key_chars)
        request = RouteRequest(
            router.resolver.canonical(flow.model),
            stream=flow.stream,
            affinity_key=key,
            tags=request_tags(req, header(scope, TAGS_HEADER)) if router.tag_filtering else None,
            tokens=estimate_tokens(req.get("messages") or ()) if router.pre_call_checks else None,
        )
        if choice is not None:
            request.fallbacks = choice.fallbacks
        want_id = self.chat and ((aff.enabled and aff.record_responses) or choice is not None)
        # One deadline for the whole request (retries and fallbacks included); each
        # attempt is further limited by its deployment's own timeout.
        budget = request_budget(
            router.groups.get(request.model, ()),
            gw.config.router.timeout,
            gw.config.routeiq.server.request_timeout,
            flow.stream,
        )
        deadline = trio.current_time() + budget
        attempt = traced(ctx, self._attempt(flow, deadline, want_id))
        if choice is None or gw.learned is None:
            outcome = await route_and_call(router, request, attempt, deadline=deadline)
        else:
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
        self._served(flow, outcome)
        return True

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        return None

    @staticmethod
    def _served(flow: Flow, outcome: Outcome) -> None:
        flow.result = outcome.result
        flow.body = outcome.result.body
        # After the response: usage for telemetry (the client already has everything).
        flow.ctx.usage = outcome.result.usage

    def _attempt(self, flow: Flow, deadline: float, want_id: bool) -> Callable[[Deployment], Any]:
        gw, ctx, stream, endpoint = self.gw, flow.ctx, flow.stream, flow.endpoint
        req = upstream_body(flow.req)  # without LiteLLM's own fields (tags, metadata lists...)
        # Every pass-through stream asks for usage (tokens and cost are counted); the
        # usage event is taken out again when the client did not ask for it.
        strip_usage = stream and gw.config.routeiq.telemetry.stream_usage and not wants_usage(req)
        payloads: dict[str, bytes] = {}  # serialised once per upstream model name
        default_timeout = gw.config.router.timeout
        max_error_bytes = gw.config.routeiq.upstream.max_error_body_bytes
        run = flow.guard

        async def attempt(dep: Deployment) -> AttemptResult:
            ctx.begin_attempt(dep)
            adapter = translator(gw.translators, dep)
            target = gw.upstreams.targets[dep.id]
            options: dict[str, Any] = {
                "stream": stream,
                "max_error_bytes": max_error_bytes,
                "on_chunk": run.output_hook() if run is not None else None,
                "pricer": gw.pricing.pricer(dep.id),
                "want_id": want_id,
            }
            exchange: Exchange
            if adapter is not None:  # a provider beyond the OpenAI format (llm.translated)
                exchange = TranslatedExchange(
                    adapter,
                    target,
                    endpoint,
                    with_defaults(req, dep.defaults),
                    ctx,
                    flow.send,
                    **options,
                )
            else:
                # Deployments with default params get their own body; others share one.
                slot = dep.id if dep.defaults else dep.upstream_model
                payload = payloads.get(slot)
                if payload is None:
                    req["model"] = dep.upstream_model
                    body = ask_for_usage(req) if strip_usage else req
                    payload = payloads[slot] = dumps(with_defaults(body, dep.defaults))
                exchange = Exchange(
                    target, endpoint, payload, ctx, flow.send, strip_usage=strip_usage, **options
                )
            timeout = (dep.stream_timeout if stream else None) or dep.timeout or default_timeout
            result = await exchange.run(flow.receive, min(timeout, deadline - trio.current_time()))
            if run is not None and run.output_blocked:
                result.error = None  # a guardrail ended it: not the upstream's failure
            return result

        return attempt


def stages_for(gw: Gateway) -> tuple[list[Stage], list[Stage]]:
    """The chat path's stages and the embeddings path's (route+call only)."""
    chat: list[Stage] = [
        GuardrailStage(gw),
        MockResponseStage(gw),  # LiteLLM's mock_response: answered without a deployment
        CacheStage(gw),
        RouteStage(gw, chat=True),
    ]
    return chat, [RouteStage(gw, chat=False)]
