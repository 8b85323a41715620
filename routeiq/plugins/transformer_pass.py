"""Phase 1's transformer pass: new messages judged by the fine-tuned MiniLM, off the loop.

With ``injection.transformer`` on, every new *scanned* text of a request (user
texts: direct; tool texts: indirect; system/developer: trusted, skipped) whose
injection verdict is not cached yet is scored by the transformer model in one
batch in a worker thread (``trio.to_thread.run_sync`` behind the runtime's own
``CapacityLimiter`` of one: one ONNX session, its threads are its parallelism),
and its verdict -- transformer logit, n-gram logit and rules stacked into one
probability (``guardrails/transformer.py``), computed in the same thread -- goes
into the verdict cache under the injection guardrail's key. The ordinary scan
that follows (``input_scan.scan_input``) finds it there, and ``for_kind`` judges tool
texts against the stacking's indirect threshold. A verdict, once cached, is never
recomputed: the next turn of a conversation scores only its new messages.

With ``injection.transformer_scope: uncertain`` (the default) the n-gram verdict
comes first (``certain_first``: on the loop, as the ordinary scan computes it, or in
a thread past ``inline_max_chars``); a text whose score lies outside the stacking's
band for its kind keeps it (cached as the ordinary scan would), and only the rest
go to the transformer. On the calib split (n-gram v14, transformer v4) that sends 12%
of the benign user texts to the worker thread, for direct recall 0.880 at 0.67% FP
against 0.888 at 0.73% with every text scored (``guardrails/transformer.py``,
``model/MODEL_CARD.md``).

``TransformerRuntime.prepare`` exports the merged graph if it is not cached
(``tf_scorer.ensure_graph``: a subprocess, ~15-60 s) and opens the session, in a
worker thread; the pipeline calls it in the lifespan (``Pipeline.run``) before the
gateway reports ready, so no request waits for it. One runtime per process
(``shared_runtime``): a config reload's new pipeline reuses the open session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import trio

from routeiq.plugins.embedding_pass import uncached_of_kinds
from routeiq.plugins.guardrails.base import Finding, Guardrail, Verdict
from routeiq.plugins.guardrails.cache import VerdictCache
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.tf_scorer import TransformerScorer, default_graph_dir, ensure_graph
from routeiq.plugins.guardrails.transformer import RULE, TRANSFORMER_PATH, TransformerStacking
from routeiq.plugins.scan_cost import total_cost

log = logging.getLogger("routeiq.guardrails")


class TransformerRuntime:
    """The transformer model's ONNX session, built once, used from worker threads."""

    def __init__(
        self,
        adapter: Path = TRANSFORMER_PATH,
        graph_dir: Path | None = None,
        *,
        int8: bool = True,
        threads: int = 1,
    ) -> None:
        self.adapter = adapter
        self.graph_dir = graph_dir or default_graph_dir()
        self.int8 = int8
        self.threads = threads
        self.limiter = trio.CapacityLimiter(1)
        self.scorer: TransformerScorer | None = None
        #: Seconds the last ``prepare`` took (export and/or session), for logs and tests.
        self.prepare_seconds: float | None = None
        self._lock = trio.Lock()

    @property
    def ready(self) -> bool:
        return self.scorer is not None

    def _load(self) -> TransformerScorer:
        from routeiq.cache.embedder import default_model_path

        model_dir = default_model_path()
        graph = ensure_graph(self.adapter, model_dir, self.graph_dir, int8=self.int8)
        return TransformerScorer(model_dir, graph, threads=self.threads)

    async def prepare(self) -> None:
        """Export the graph if needed and open the session (worker thread); idempotent."""
        async with self._lock:
            if self.scorer is not None:
                return
            started = time.perf_counter()
            self.scorer = await trio.to_thread.run_sync(self._load, limiter=self.limiter)
            self.prepare_seconds = time.perf_counter() - started
            log.info("injection transformer ready in %.1f s", self.prepare_seconds)


_RUNTIMES: dict[tuple[Path, Path | None, bool], TransformerRuntime] = {}


def shared_runtime(graph_dir: Path | None = None, *, int8: bool = True) -> TransformerRuntime:
    """The process's runtime for the shipped adapter (one session per graph)."""
    key = (TRANSFORMER_PATH, graph_dir, int8)
    runtime = _RUNTIMES.get(key)
    if runtime is None:
        runtime = _RUNTIMES[key] = TransformerRuntime(TRANSFORMER_PATH, graph_dir, int8=int8)
    return runtime


def transformer_guard(guardrails: Sequence[Guardrail]) -> InjectionGuardrail | None:
    """The injection guardrail that carries the transformer stacking, if any."""
    for guardrail in guardrails:
        if isinstance(guardrail, InjectionGuardrail) and guardrail.transformer is not None:
            return guardrail
    return None


def texts_to_judge(
    guard: InjectionGuardrail,
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
) -> list[int]:
    """Indices of the scanned (not trusted) texts whose verdict the cache lacks."""
    return uncached_of_kinds(guard, digests, roles, cache, ("direct", "indirect"))


def with_transformer(
    guard: InjectionGuardrail, stacking: TransformerStacking, text: str, logit: float
) -> Verdict:
    """The injection verdict of ``text`` (decided as direct; ``guard.for_kind`` re-decides
    tool texts against the indirect threshold): the rules' findings (kept for redaction
    spans) plus one ``learned`` finding whose score is the stacked probability.
    CPU: the rules and the n-gram model (~0.1 ms a short text); blocking."""
    decoded: list[str] = []
    findings = guard.rule_findings(text, decoded)
    rules = guard.score(findings)
    ngram = guard.decoded_logit(guard.model, text, decoded) if guard.model is not None else 0.0
    p = stacking.probability(stacking.transformer_input(logit, text), ngram, rules)
    findings.append(Finding(guard.name, "learned", 0, len(text), p, RULE))
    return guard.decide(findings, text)


def ngram_verdicts(guard: InjectionGuardrail, texts: list[str]) -> list[Verdict]:
    """The guardrail's own verdicts (n-gram model and rules; CPU, blocking)."""
    return [guard.check(text) for text in texts]


async def certain_first(
    guard: InjectionGuardrail,
    texts: Sequence[str],
    todo: list[int],
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
    inline_max_chars: int,
) -> list[int]:
    """Cache the n-gram verdicts of the texts of ``todo`` that the stacking's bands
    call certain; returns the others (for the transformer)."""
    stacking = guard.transformer
    assert stacking is not None
    batch = [texts[i] for i in todo]
    if total_cost(batch) > inline_max_chars:
        # (trio's default limiter: not the ONNX session's, which another request's
        # transformer call may hold)
        verdicts = await trio.to_thread.run_sync(
            ngram_verdicts, guard, batch, abandon_on_cancel=True
        )
    else:
        verdicts = ngram_verdicts(guard, batch)
    uncertain: list[int] = []
    for index, verdict in zip(todo, verdicts, strict=True):
        role = roles[index] if roles is not None else None
        if stacking.uncertain(verdict.score, guard.role_kind(role)):
            uncertain.append(index)
        else:
            cache.put((guard.name, guard.version, digests[index]), verdict)
    return uncertain


def judge(guard: InjectionGuardrail, scorer: TransformerScorer, texts: list[str]) -> list[Verdict]:
    """Verdicts of ``texts`` with the transformer (blocking: the ONNX calls, then the
    rules and n-grams per text)."""
    stacking = guard.transformer
    assert stacking is not None
    logits = scorer.logits(texts)
    return [
        with_transformer(guard, stacking, text, float(logit))
        for text, logit in zip(texts, logits, strict=True)
    ]


async def transformer_pass(
    guard: InjectionGuardrail,
    runtime: TransformerRuntime,
    texts: Sequence[str],
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
    inline_max_chars: int = 0,
) -> int:
    """Judge the request's new scanned texts with the transformer (with scope
    ``uncertain``: those the n-gram verdict leaves uncertain); returns how many.

    Up to ``inline_max_chars`` of new text (``scan_cost.total_cost``), only the ONNX
    call leaves the loop; beyond, the stacking's rules and n-grams go with it."""
    todo = texts_to_judge(guard, digests, roles, cache)
    if todo and guard.settings.transformer_scope == "uncertain":
        todo = await certain_first(guard, texts, todo, digests, roles, cache, inline_max_chars)
    if not todo:
        return 0
    if runtime.scorer is None:
        await runtime.prepare()  # normally done in the lifespan already
    scorer = runtime.scorer
    assert scorer is not None
    batch = [texts[i] for i in todo]
    if total_cost(batch) > inline_max_chars:
        # Much new text: the rules and n-grams too would hold the loop, so the thread
        # computes the whole verdicts (as the ordinary scan does past this limit).
        verdicts = await trio.to_thread.run_sync(
            judge, guard, scorer, batch, limiter=runtime.limiter, abandon_on_cancel=True
        )
    else:
        # Only the ONNX call in the thread (tokenizer and session release the GIL);
        # the stacking's Python (~0.1 ms a short text) runs here, on the loop, where
        # it cannot make the loop wait for a thread holding the GIL.
        logits = await trio.to_thread.run_sync(
            scorer.logits, batch, limiter=runtime.limiter, abandon_on_cancel=True
        )
        stacking = guard.transformer
        assert stacking is not None
        verdicts = [
            with_transformer(guard, stacking, text, float(logit))
            for text, logit in zip(batch, logits, strict=True)
        ]
    for index, verdict in zip(todo, verdicts, strict=True):
        cache.put((guard.name, guard.version, digests[index]), verdict)
    return len(todo)
