"""Post-call work, in the lifespan nursery after the client has its response.

- output verdicts of non-streamed answers when no output guardrail needed to
  hold the response (warn/log only): counted and logged;
- pre-warm: the input guardrails judge the answer now, so when the client
  sends it back as history on the next turn only its new message is scanned
  (skipped when the kept text was truncated: it could not match);
- ``post_call_success`` / ``post_call_failure`` of every plugin, concurrently,
  each under its own deadline. Their failures are logged and counted; they
  cannot change a response that is already sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import orjson
import trio

from routeiq.asgi.types import RequestContext
from routeiq.errors import GuardrailBlocked, RouteIQError
from routeiq.plugins.base import CallResult, PluginRequest
from routeiq.plugins.guardrails import Verdict, VerdictCache, scan_conversation
from routeiq.plugins.guards import DigestMemo, Guards, check_pairs, store_pairs, uncached
from routeiq.plugins.output import OutputGuard, blocked_error
from routeiq.plugins.runner import LoadedPlugin, call_hook
from routeiq.plugins.settings import GuardrailsSection


class PostCallPipeline(Protocol):
    """What the post-call work reads of the pipeline (``pipeline.Pipeline``); a
    Protocol here so that this module does not import the one that calls it."""

    @property
    def post_success(self) -> tuple[LoadedPlugin, ...]: ...
    @property
    def post_failure(self) -> tuple[LoadedPlugin, ...]: ...
    @property
    def section(self) -> GuardrailsSection: ...
    @property
    def cache(self) -> VerdictCache: ...
    @property
    def digests(self) -> DigestMemo: ...
    @property
    def limiter(self) -> trio.CapacityLimiter: ...
    def count(self, verdicts: Iterable[Verdict], direction: str, ctx: RequestContext) -> None: ...


class RequestRun(Protocol):
    """What the post-call work reads of one request's run (``pipeline.RequestRun``)."""

    @property
    def pipeline(self) -> PostCallPipeline: ...
    @property
    def call(self) -> PluginRequest: ...
    @property
    def guards(self) -> Guards: ...
    @property
    def _hook(self) -> OutputGuard | None: ...
    @property
    def _body(self) -> bytes | None: ...


def output_error(run: RequestRun) -> GuardrailBlocked | None:
    """The error an output guardrail (or an on_chunk plugin) ended the response with."""
    hook = run._hook
    if hook is None or not hook.blocked:
        return None
    verdict = hook.block_verdict
    if verdict is not None:
        return blocked_error(verdict, "Response")
    return GuardrailBlocked("Response blocked by a plugin")


def answer_texts(body: bytes | None) -> list[str]:
    """The message contents of a non-streamed chat completion."""
    if not body:
        return []
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    choices = obj.get("choices") if isinstance(obj, dict) else None
    out = []
    for choice in choices if isinstance(choices, list) else []:
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str) and content:
            out.append(content)
    return out


async def run_after(run: RequestRun, error: RouteIQError | None) -> None:
    """Everything that follows a response (see the module docstring)."""
    p = run.pipeline
    call = run.call
    hook = run._hook
    if error is not None:
        await _hooks(p.post_failure, "post_call_failure", call, error)
        return
    texts: list[str] = []
    if run._body is not None:
        texts = answer_texts(run._body)
    elif hook is not None and not hook.truncated and hook.choices <= 1:
        text = hook.text
        texts = [text] if text else []
    guards = run.guards
    if texts and guards.output and not guards.enforce_output:
        found: list[Verdict] = []
        for verdicts in scan_conversation(guards.output, texts, p.cache):
            found.extend(guards.on_output(v) for v in verdicts if v.action is not None)
        if found:
            p.count(found, "output", call.ctx)
    if texts and guards.input and p.section.prewarm_answers:
        digests = p.digests.digests(texts)
        missing = uncached(guards.input, texts, digests, p.cache)
        if missing:
            if sum(len(texts[ti]) for _, ti in missing) > p.section.inline_max_chars:
                verdicts = await trio.to_thread.run_sync(
                    check_pairs, guards.input, texts, missing, limiter=p.limiter
                )
            else:
                verdicts = check_pairs(guards.input, texts, missing)
            store_pairs(guards.input, digests, missing, verdicts, p.cache)
    if p.post_success:
        ctx = call.ctx
        result = CallResult(
            status=ctx.status,
            deployment=ctx.deployment,
            usage=ctx.usage,
            stream=call.stream,
            body=run._body,
            text="\n".join(texts) if run._body is not None else (hook.text if hook else None),
            cost_usd=ctx.cost,  # priced by the exchange (routeiq.pricing)
        )
        await _hooks(p.post_success, "post_call_success", call, result)


async def _hooks(plugins: tuple[LoadedPlugin, ...], hook: str, call: Any, arg: Any) -> None:
    if not plugins:
        return
    async with trio.open_nursery() as nursery:
        for lp in plugins:
            nursery.start_soon(_one, lp, hook, call, arg)


async def _one(lp: LoadedPlugin, hook: str, call: Any, arg: Any) -> None:
    try:
        await call_hook(lp, hook, call, arg)
    except RouteIQError:
        pass  # already counted and logged by call_hook; the response is sent
