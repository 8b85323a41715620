"""The phased request pipeline: plugins and guardrails around the upstream call.

For each chat request (``Pipeline.begin`` -> ``RequestRun``)::

    phase 0  on_request hooks, config order; the first Answer is sent, done
    phase 1  input guardrails, concurrently in one nursery: the built-in ones
             (PII, content, injection: pure CPU, run inline in the parent
             task through the verdict cache, or in a worker thread when more
             than ``inline_max_chars`` of text is new, a digit counting as
             ``scan_cost.DIGIT_WEIGHT`` characters) and every guardrail
             plugin's pre_call as its own task under its own deadline. The
             first block cancels the others: 400 guardrail_blocked naming the
             guardrail, never echoing the text.
    phase 2  redactions in GUARD_ORDER (PII, content, injection), then the
             other plugins' pre_call in config order (they see redacted text)
    phase 3  cache lookup + route_and_call (the caller); each attempt relays
             through ``output_hook()`` (streamed output scanned incrementally)
    after    ``after(error)``: output verdicts of warn/log guardrails, the
             verdict pre-warm of the answer for the next turn and the
             post_call hooks run as bounded background work
             (``routeiq.background``, hosted by :meth:`Pipeline.run`), never
             delaying the client (at most ``MAX_BACKGROUND`` at once; beyond,
             dropped and counted)

Built-in guardrails run inline rather than one task each: bench/guardrails.py
measures both in the same run (a nursery with three tasks costs more than the
scans of a cached turn).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import orjson
import trio

from routeiq.asgi.types import RequestContext, Send
from routeiq.background import BackgroundWork
from routeiq.deployment import ConfigError
from routeiq.errors import RouteIQError, Unavailable
from routeiq.plugins.after import output_error, run_after
from routeiq.plugins.base import PluginRequest
from routeiq.plugins.embedding_pass import embedding_guard, embedding_pass
from routeiq.plugins.guardrails import Verdict, VerdictCache
from routeiq.plugins.guards import (
    DigestMemo,
    Guards,
    GuardTable,
    Identity,
    InputScan,
    apply_redactions,
    check_pairs,
    message_slots,
    message_texts,
    store_pairs,
    uncached,
)
from routeiq.plugins.input_scan import scan_input
from routeiq.plugins.output import OutputGuard, blocked_error
from routeiq.plugins.prefix_scan import (
    PrefixMemo,
    Remembered,
    followed_by,
    message_keys,
    new_texts,
)
from routeiq.plugins.runner import LoadedPlugin, call_hook
from routeiq.plugins.scan_cost import over_cost, total_cost
from routeiq.plugins.settings import GuardrailsSection, PluginSpec
from routeiq.plugins.transformer_pass import (
    TransformerRuntime,
    shared_runtime,
    transformer_guard,
    transformer_pass,
)

if TYPE_CHECKING:
    from routeiq.cache.embedder import Embedder

log = logging.getLogger("routeiq.guardrails")

MAX_BACKGROUND = 1024
WARNING_HEADER = b"x-routeiq-guardrail-warning"


class Pipeline:
    """Everything the request path needs from plugins and guardrails, built once."""

    def __init__(
        self,
        section: GuardrailsSection,
        specs: Sequence[PluginSpec] = (),
        identities: Iterable[Identity] = (),
    ) -> None:
        self.section = section
        self.table = GuardTable(section, identities)
        self.cache = VerdictCache(section.verdict_cache_messages)
        self.digests = DigestMemo()
        #: The gateway's sentence embedder (semantic cache / learned routing), for
        #: the injection guardrail's embedding pass (``embedding_pass.py``).
        self.embedder: Embedder | None = None
        #: The injection transformer's runtime (``transformer_pass.py``), set by ``run``
        #: when a guardrail has ``transformer`` on.
        self.transformer: TransformerRuntime | None = None
        #: Each seen conversation's phase-1 outcome, for its next turn.
        self.prefixes = PrefixMemo(section.verdict_cache_messages)
        problems: list[tuple[str, str]] = []
        plugins: list[LoadedPlugin] = []
        for i, spec in enumerate(specs):
            if not spec.enabled:
                continue
            try:
                plugins.append(LoadedPlugin.from_spec(spec))
            except ValueError as exc:
                problems.append((f"routeiq.plugins[{i}]", str(exc)))
        if problems:
            raise ConfigError(problems)
        self.plugins = tuple(plugins)

        def having(hook: str) -> tuple[LoadedPlugin, ...]:
            return tuple(p for p in plugins if hook in p.hooks)

        self.on_request = having("on_request")
        self.guard_plugins = tuple(p for p in having("pre_call") if p.guardrail)
        self.pre_call = tuple(p for p in having("pre_call") if not p.guardrail)
        self.on_chunk = having("on_chunk")
        self.post_success = having("post_call_success")
        self.post_failure = having("post_call_failure")
        self.active = bool(self.table.configured or plugins)
        self.work = BackgroundWork("plugins", MAX_BACKGROUND)
        self.limiter = trio.CapacityLimiter(max(1, os.cpu_count() or 1))
        #: (guardrail, "input" | "output", action) -> count
        self.verdicts: Counter[tuple[str, str, str]] = Counter()
        #: (guardrail, finding types, direction, ctx) of each block (routeiq.blocklog)
        self.on_block: Callable[[str, str, str, RequestContext], None] | None = None

    @property
    def background_dropped(self) -> int:
        return self.work.dropped

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Compile the guardrails in a worker thread, then host the post-call work
        until cancelled (or until :meth:`retire` and the work in flight ends)."""
        if not self.table.built:
            todo = self.table.missing()
            compiled = await trio.to_thread.run_sync(self.table.compile, todo, limiter=self.limiter)
            self.table.build(list(zip(todo, compiled, strict=True)))
        if any(transformer_guard(g.input) for g in self.table.all()):
            # Built before the gateway is ready, never on a request's path.
            self.transformer = shared_runtime()
            await self.transformer.prepare()
        await self.work.run(task_status=task_status)

    def retire(self) -> None:
        """A reload replaced this pipeline: finish the work in flight, take no more."""
        self.work.close()

    def begin(
        self, ctx: RequestContext, request: dict[str, Any], *, stream: bool
    ) -> RequestRun | None:
        """A run for one chat request, or None when there is nothing to do."""
        if not self.active:
            return None
        if not self.table.built:
            raise Unavailable("The guardrails are still starting; retry shortly")
        from routeiq.plugins.base import PluginRequest

        return RequestRun(
            self, PluginRequest(ctx, request, stream=stream), self.table.get(ctx.key_name, ctx.team)
        )

    def count(self, verdicts: Iterable[Verdict], direction: str, ctx: RequestContext) -> None:
        """Count and log triggered verdicts (never the text: types and score only)."""
        for v in verdicts:
            action = v.action or "none"
            self.verdicts[(v.guardrail, direction, action)] += 1
            if action == "block" and self.on_block is not None:
                self.on_block(v.guardrail, ",".join(sorted(v.types)), direction, ctx)
            level = logging.WARNING if action in ("warn", "block") else logging.INFO
            if log.isEnabledFor(level):
                log.log(
                    level,
                    "guardrail %s %s %s: types=%s score=%.2f request_id=%s key=%s team=%s",
                    v.guardrail,
                    action,
                    direction,
                    ",".join(sorted(v.types)),
                    v.score,
                    ctx.request_id,
                    ctx.key_name,
                    ctx.team,
                )

    def count_remembered(self, history: Remembered, ctx: RequestContext) -> None:
        """``count(history.scan.triggered, "input", ctx)`` from the history's tally:
        the same counters; each verdict is walked only when it would be logged."""
        if log.isEnabledFor(logging.INFO) or (history.loud and log.isEnabledFor(logging.WARNING)):
            self.count(history.scan.triggered, "input", ctx)
            return
        verdicts = self.verdicts
        for (guardrail, action), n in history.tally.items():
            verdicts[(guardrail, "input", action)] += n

    def spawn(self, fn: Any, *args: Any) -> None:
        """Start post-call work in the background (bounded; dropped and counted when full)."""
        self.work.spawn(fn, *args)

    def bind_metrics(self, meter: Any) -> None:
        """Export the counters as OpenTelemetry observable counters."""
        from routeiq.plugins.metrics import bind

        bind(self, meter)


class RequestRun:
    """One request through the pipeline; see the module docstring for the phases."""

    __slots__ = (
        "_body",
        "_history",
        "_hook",
        "_redact",
        "_roles",
        "call",
        "guards",
        "pipeline",
        "warned",
    )

    def __init__(self, pipeline: Pipeline, call: PluginRequest, guards: Guards) -> None:
        self.pipeline = pipeline
        self.call = call
        self.guards = guards
        self.warned: set[str] = set()
        self._redact: list[int] = []
        self._roles: list[str | None] | None = None
        #: The remembered outcome of this request's earlier messages, if any.
        self._history: Remembered | None = None
        self._hook: OutputGuard | None = None
        self._body: bytes | None = None

    async def before(self, send: Send) -> bool:
        """Phases 0-2. True if a plugin answered (the response was sent).

        Raises GuardrailBlocked (400) or PluginUnavailable (503); post-call
        failure hooks are scheduled first.
        """
        try:
            for lp in self.pipeline.on_request:
                answer = await call_hook(lp, "on_request", self.call)
                if answer is not None:
                    from routeiq.plugins.answer import send_answer

                    await send_answer(send, self.call.ctx, answer, stream=self.call.stream)
                    self._body = orjson.dumps(answer.body)
                    self.after(None)
                    return True
            await self.phase1()
            self.phase2()
            for lp in self.pipeline.pre_call:
                await call_hook(lp, "pre_call", self.call)
        except RouteIQError as err:
            self.after(err)
            raise
        return False

    async def phase1(self) -> None:
        """Input guardrails, concurrently; raises GuardrailBlocked on the first block."""
        p = self.pipeline
        self._roles = [] if self.guards.aware else None
        if not p.guard_plugins:
            scan = await self._scan_builtin()
        else:
            failures: list[RouteIQError] = []
            result: list[InputScan] = []
            async with trio.open_nursery() as nursery:
                for lp in p.guard_plugins:
                    nursery.start_soon(self._guard_task, lp, nursery.cancel_scope, failures)
                scan = await self._scan_builtin()
                result.append(scan)
                if scan.block is not None:
                    nursery.cancel_scope.cancel()
            if not result or (result[0].block is None and failures):
                raise failures[0]
            scan = result[0]
        ctx = self.call.ctx
        if scan.block is not None:
            p.count([scan.block], "input", ctx)
            raise blocked_error(scan.block, "Request")
        if scan.triggered:
            self.call.verdicts.extend(scan.triggered)
            fresh = scan.triggered
            history = self._history
            if history is not None and history.scan.triggered:
                # The history's verdicts count as they did on its own turn
                # (one tally, not a walk: ``prefix_scan.Remembered``).
                p.count_remembered(history, ctx)
                self.warned.update(history.warned)
                fresh = fresh[len(history.scan.triggered) :]
            if fresh:  # (often none: the history's verdicts alone triggered)
                p.count(fresh, "input", ctx)
                self.warned.update(v.guardrail for v in fresh if v.action == "warn")
        self._redact = scan.redact

    async def _scan_builtin(self) -> InputScan:
        inputs = self.guards.input
        if not inputs:
            return InputScan()
        p = self.pipeline
        messages = self.call.request.get("messages")
        # The history's outcome as of the last turn (prefix_scan.py): only the
        # messages after the longest remembered prefix are looked at.
        guards = self.guards.key
        keys = message_keys(messages)
        start, history = p.prefixes.longest(guards, keys) if keys is not None else (0, None)
        roles = self._roles
        if roles is not None:
            roles = []  # the new texts' roles (``self._roles`` only flags role awareness)
        texts = new_texts(messages, keys, start, roles)
        if not texts and history is None:
            return InputScan()
        digests = p.digests.digests(texts)
        limit = p.section.inline_max_chars
        if p.transformer is not None and (tguard := transformer_guard(inputs)) is not None:
            # First (before the inline or threaded scan): the stacked verdicts go into the cache.
            await transformer_pass(tguard, p.transformer, texts, digests, roles, p.cache, limit)
        # Digits weigh more than prose (phone numbers meet the numbering plans).
        if over_cost(texts, limit):
            missing = uncached(inputs, texts, digests, p.cache, roles)
            if total_cost(texts[ti] for _, ti in missing) > limit:
                # Too much new text to scan without stalling the loop: a worker
                # thread computes the verdicts; the cache is filled here.
                verdicts = await trio.to_thread.run_sync(
                    check_pairs, inputs, texts, missing, abandon_on_cancel=True, limiter=p.limiter
                )
                store_pairs(inputs, digests, missing, verdicts, p.cache)
        if p.embedder is not None and (guard := embedding_guard(inputs)) is not None:
            await embedding_pass(guard, p.embedder, texts, digests, roles, p.cache)
        scan = scan_input(inputs, texts, digests, p.cache, roles) if texts else InputScan()
        offset = 0
        if history is not None:
            offset = history.texts
            scan = followed_by(history.scan, scan, offset)
            self._history = history
        if scan.block is None and keys is not None:
            if history is not None:  # only the new messages' characters are counted
                keys.chars = history.chars + keys.chars_from(start)
            p.prefixes.put(guards, keys, Remembered.of(offset + len(texts), scan, history))
        return scan

    async def _guard_task(
        self, lp: LoadedPlugin, cancel_scope: trio.CancelScope, failures: list[RouteIQError]
    ) -> None:
        try:
            await call_hook(lp, "pre_call", self.call)
        except RouteIQError as err:
            failures.append(err)
            cancel_scope.cancel()  # the first block (or fail-closed failure) cancels the siblings

    def phase2(self) -> None:
        """Apply redactions in GUARD_ORDER (the request is rewritten in place)."""
        if self._redact:
            slots = message_slots(self.call.request)
            roles: list[str | None] | None = None
            if self._roles is not None:
                roles = []
                message_texts(self.call.request, roles)
            apply_redactions(self.guards.input, slots, self._redact, self.pipeline.cache, roles)

    def wrap_send(self, send: Send) -> Send:
        """``send`` plus a warning header when a ``warn`` guardrail triggered."""
        if not self.warned:
            return send
        value = ",".join(sorted(self.warned)).encode()

        async def send_with_warning(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (WARNING_HEADER, value)]
            await send(message)

        return send_with_warning

    def output_hook(self) -> OutputGuard | None:
        """A fresh output hook for one upstream attempt (None if nothing watches output)."""
        p = self.pipeline
        wants_text = p.post_success or (p.section.prewarm_answers and self.guards.input)
        if not (self.guards.output or p.on_chunk or wants_text):
            return None
        self._hook = OutputGuard(self.call, self.guards, p.section.output, p.on_chunk, p.cache)
        return self._hook

    def record(self, body: bytes | None) -> None:
        """The attempt's whole response body (non-streamed), for the post-call work."""
        self._body = body

    @property
    def output_blocked(self) -> bool:
        """An output guardrail ended the response (not the upstream's failure)."""
        return self._hook is not None and self._hook.blocked

    def after(self, error: RouteIQError | None) -> None:
        """Schedule the post-call work; returns at once."""
        error = error or output_error(self)
        hook = self._hook
        if hook is not None:
            hook.finish()
            found = [*hook.triggered, *([hook.block_verdict] if hook.block_verdict else [])]
            if found:
                self.pipeline.count(found, "output", self.call.ctx)
        p = self.pipeline
        needs = (p.post_failure if error is not None else p.post_success) or (
            error is None and (self.guards.output or self.guards.input)
        )
        if needs:
            p.spawn(run_after, self, error)
