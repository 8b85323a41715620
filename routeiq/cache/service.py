"""The cache service: tiered lookup and background store for the gateway.

Tiers, in lookup order::

    L1        this process's LRU, exact key                       (a dict lookup)
    L2        the state backend, exact key, TTL                   (memory, or one Redis GET)
    semantic  embed the last user turn (micro-batched, in a worker thread), search
              the index of (namespace, model group, fingerprint); the hit's answer
              is read from L1, then L2 (a vector whose answer is gone is dropped)

A lookup that misses keeps its embedding on the ``Query`` so the store reuses it.
Stores run after the response was sent, as bounded background work hosted by
:meth:`CacheService.run` (``spawn_store``, ``routeiq.background``, at most
``max_pending_stores`` in flight): the answer goes to L1 and L2, its vector to
the semantic store and, with the Redis backend, to the other processes through
``routeiq.cache.sync``. The semantic tier is skipped (never waited for) while the
model loads, when the embedding queue is full, or when the request has no user text.

Answers are kept per *model group*, the one that answers (``group_of``: the router's
alias resolution, set by the gateway), not per name asked: a question asked through
an alias (``router_settings.model_group_alias``) and then through its group is one
entry; the hit's ``model`` field is restamped to the name asked (``cache/request.py``).

Admin flushes (by namespace and/or model group) clear L1 and the semantic store
here, and are recorded as flush rules (``routeiq.cache.rules``) in the state
backend and on the stream, so every process also ignores flushed L2 answers.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import trio

from routeiq.asgi.types import RequestContext
from routeiq.background import BackgroundWork
from routeiq.cache.answer import (
    CachedAnswer,
    assemble_stream,
    completion_body,
    decode_record,
    encode_record,
)
from routeiq.cache.keys import Headers, Reason, SemanticQuery, cacheable, exact_key, semantic_query
from routeiq.cache.lru import LRUCache
from routeiq.cache.metrics import CacheStats
from routeiq.cache.rules import FlushRule, FlushRules
from routeiq.cache.settings import CacheSettings
from routeiq.cache.verify import Facts, disagreement, servable
from routeiq.heap import release_memory
from routeiq.state.base import StateStore
from routeiq.state.settings import StateSettings

if TYPE_CHECKING:
    from routeiq.cache.embedder import Embedder, Pending, SentenceEncoder
    from routeiq.cache.exact import Vector
    from routeiq.cache.semantic import SemanticStore
    from routeiq.cache.sync import StreamSync

__all__ = ["L2_PREFIX", "RULES_KEY", "CacheService", "Hit", "Query"]

log = logging.getLogger("routeiq.cache")

L2_PREFIX = "cache:e:"
RULES_KEY = "cache:flushes"


@dataclass(slots=True)
class Query:
    """One request's cache identity, computed once (after the guardrails' redactions)."""

    namespace: str
    model: str
    key: str
    lookup: bool
    store: bool
    reason: Reason
    semantic: SemanticQuery | None = None
    vector: Vector | None = None  # set by a semantic lookup, reused by the store
    facts: Facts | None = None  # the text's verification facts, with ``vector``
    #: An encode the lookup stopped waiting for (its budget ran out); the store
    #: waits for it instead of encoding the text again.
    pending: Pending | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    answer: CachedAnswer
    tier: str  # "l1", "l2" or "semantic"
    similarity: float | None = None


class CacheService:
    """The gateway's response cache (see the module docstring)."""

    def __init__(
        self,
        settings: CacheSettings,
        store: StateStore,
        *,
        state: StateSettings | None = None,
        model: SentenceEncoder | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.stats = CacheStats()
        #: The model group a requested name routes to (aliases resolved): the gateway
        #: sets it to its router's; the identity until then.
        self.group_of: Callable[[str], str] = _same
        #: Whether a model group has a price (a hit then says it cost 0, as LiteLLM).
        self.priced: Callable[[str], bool] = _unpriced
        s = settings
        self.semantic_ttl = s.semantic.ttl or (s.l2.ttl if s.l2.enabled else s.l1.ttl)
        self.rules = FlushRules(max_age=max(s.l1.ttl, s.l2.ttl, self.semantic_ttl))
        self.l1: LRUCache[str, CachedAnswer] = LRUCache(
            s.l1.max_entries, s.l1.ttl, now=trio.current_time
        )
        self.embedder: Embedder | None = None
        self.semantic: SemanticStore[Facts | None] | None = None
        self.sync: StreamSync | None = None
        if s.enabled and s.semantic.enabled:
            self._build_semantic(model, state)
        self.stores = BackgroundWork("cache_store", settings.max_pending_stores)

    def _build_semantic(self, model: SentenceEncoder | None, state: StateSettings | None) -> None:
        # Imported here: numpy/hnswlib load only when the semantic tier is on.
        from pathlib import Path

        from routeiq.cache.embedder import Embedder
        from routeiq.cache.index import IndexConfig
        from routeiq.cache.semantic import SemanticStore

        sem = self.settings.semantic
        self.embedder = Embedder(
            model=model,
            model_path=Path(sem.model_path) if sem.model_path else None,
            max_batch=sem.max_batch,
            max_wait=sem.max_wait_ms / 1000.0,
            queue_size=sem.queue_size,
            torch_threads=sem.torch_threads,
            runtime=sem.runtime,
            onnx_dir=Path(sem.onnx_dir) if sem.onnx_dir else None,
        )
        self.semantic = SemanticStore(
            now=trio.current_time,
            threshold=sem.threshold,
            max_entries=sem.max_entries,
            ttl=self.semantic_ttl,
            index_config=IndexConfig(hnsw_threshold=sem.hnsw_threshold),
        )
        sync = self.settings.sync
        if (
            state is not None
            and state.backend == "redis"
            and sync.enabled
            and self.settings.l2.enabled
        ):
            from routeiq.cache.sync import StreamSync

            self.sync = StreamSync(
                url=state.redis_url,
                stream_key=state.key_prefix + "cache:stream",
                target=self,
                ttl=self.semantic_ttl,
                max_len=self.settings.stream_max_len,
                op_timeout=state.op_timeout,
                block_ms=sync.block_ms,
                batch=sync.batch,
                backoff_initial=state.backoff_initial,
                backoff_cap=state.backoff_cap,
            )

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    @property
    def ready(self) -> bool:
        """False only while the embedding model is still loading (readiness waits)."""
        e = self.embedder
        return e is None or e.ready or e.load_error is not None

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Load the flush rules; start the embedder, the maintenance, the sync and the
        background stores; ready once all have started. Runs until cancelled."""
        async with trio.open_nursery() as nursery:
            if self.enabled:
                await self._start(nursery)
            await nursery.start(self.stores.run)
            task_status.started()

    async def _start(self, nursery: trio.Nursery) -> None:
        raw = await self.store.get(RULES_KEY)
        try:
            stored = orjson.loads(raw) if raw else []
        except orjson.JSONDecodeError:
            log.warning("cache: ignoring unreadable flush rules at %s", RULES_KEY)
            stored = []
        now = time.time()
        for rule in FlushRules.parse(stored):
            self.rules.add(rule, now)
        if self.embedder is not None:
            await nursery.start(self.embedder.run)
        if self.semantic is not None:
            from routeiq.cache.maintenance import run_maintenance

            await nursery.start(run_maintenance, self.semantic)
        if self.sync is not None:
            await nursery.start(self.sync.run)

    # -- lookup ----------------------------------------------------------------------

    def namespace_of(self, ctx: RequestContext) -> str:
        if self.settings.namespace == "shared":
            return "shared"
        if self.settings.namespace == "team" and ctx.team:
            return "team:" + ctx.team
        if ctx.key_id:  # a virtual key: its own id, not its alias (an alias can be reused)
            return "vkey:" + ctx.key_id
        return "key:" + (ctx.key_name or "anonymous")

    def query(self, ctx: RequestContext, request: dict[str, Any], headers: Headers) -> Query:
        """The request's cache identity; ``lookup``/``store`` False when not cacheable."""
        decision = cacheable(
            request, headers, temperature_ceiling=self.settings.temperature_ceiling
        )
        if not (decision.lookup or decision.store):
            return Query("", "", "", False, False, decision.reason)
        ns = self.namespace_of(ctx)
        model = self.group_of(ctx.model or str(request.get("model")))
        key = exact_key(request, model_group=model, namespace=ns)
        sq = None
        if self.semantic is not None:
            sq = semantic_query(request, model_group=model, namespace=ns)
        return Query(ns, model, key, decision.lookup, decision.store, decision.reason, sq)

    async def lookup(self, q: Query) -> Hit | None:
        """L1, L2, then semantic; the first hit wins."""
        stats = self.stats
        stats.tier_lookups["l1"] += 1
        answer = self.l1.get(q.key)
        if answer is not None:
            stats.tier_hits["l1"] += 1
            return Hit(answer, "l1")
        if self.settings.l2.enabled:
            stats.tier_lookups["l2"] += 1
            answer = await self._l2_get(q.key)
            if answer is not None:
                stats.tier_hits["l2"] += 1
                self.l1.set(q.key, answer)
                return Hit(answer, "l2")
        return await self._semantic_lookup(q)

    async def _l2_get(self, key: str) -> CachedAnswer | None:
        raw = await self.store.get(L2_PREFIX + key)
        answer = decode_record(raw) if raw else None
        if answer is None or self.rules.flushed(answer.namespace, answer.model, answer.stored_at):
            return None
        return answer

    async def _semantic_lookup(self, q: Query) -> Hit | None:
        if self.semantic is None:
            return None
        if q.semantic is None:
            self.stats.semantic_skipped["no-text"] += 1
            return None
        vector = await self._embed_within_budget(q)
        if vector is None:
            return None
        q.vector = vector
        facts = q.facts
        if facts is not None and not servable(facts):
            self.stats.semantic_skipped["unreadable"] += 1
            return None
        self.stats.tier_lookups["semantic"] += 1
        sem = self.settings.semantic
        hit = self.semantic.lookup(
            q.namespace,
            q.model,
            q.semantic.fingerprint,
            vector,
            accept=self._verifier(facts) if sem.verify else None,
            k=sem.candidates if sem.verify else 1,
        )
        if hit is None:
            return None
        answer = self.l1.get(hit.entry_id)
        if answer is None and self.settings.l2.enabled:
            answer = await self._l2_get(hit.entry_id)
        if answer is None:  # the answer expired or was evicted before its vector
            self.semantic.remove(hit.entry_id)
            return None
        self.stats.tier_hits["semantic"] += 1
        return Hit(answer, "semantic", hit.similarity)

    @staticmethod
    def _verifier(facts: Facts | None) -> Callable[[Facts | None], str | None]:
        """The check a candidate must pass to be served for a query with ``facts``."""

        def accept(candidate: Facts | None) -> str | None:
            if facts is None or candidate is None:
                return "unverified"
            return disagreement(facts, candidate)

        return accept

    async def _embed_within_budget(self, q: Query) -> Vector | None:
        """The query's embedding, or None when it cannot be had within the budget.

        Past ``semantic.lookup_budget_ms`` the request goes on to the upstream
        without the semantic tier (a queue backed up behind a burst must not add
        its wait to every cacheable request); the encode itself goes on and the
        store after the response uses it.
        """
        assert self.embedder is not None and q.semantic is not None
        budget = self.settings.semantic.lookup_budget_ms
        try:
            pending = self.embedder.submit(q.semantic.text)
        except Exception as exc:
            self._count_skip(exc)
            return None
        try:
            with trio.move_on_after(math.inf if budget is None else budget / 1000):
                try:
                    vector = await self.embedder.wait(pending, keep_on_cancel=True)
                    q.facts = pending.facts
                    return vector
                except Exception as exc:
                    self._count_skip(exc)
                    return None
        except BaseException:  # cancelled from outside (not the budget): nobody needs it
            pending.abandoned = True
            raise
        q.pending = pending
        self.stats.semantic_skipped["budget"] += 1
        return None

    async def _stored_vector(self, q: Query) -> Vector | None:
        """The vector to store (and ``q.facts``): the lookup's, the one it stopped
        waiting for, or new."""
        if q.vector is not None:
            return q.vector
        assert self.embedder is not None and q.semantic is not None
        try:
            pending = q.pending or self.embedder.submit(q.semantic.text)
            vector = await self.embedder.wait(pending)
        except Exception as exc:
            self._count_skip(exc)
            return None
        q.facts = pending.facts
        return vector

    def _count_skip(self, exc: Exception) -> None:
        from routeiq.cache.embedder import (
            EmbedderBusy,
            EmbedderClosed,
            EmbedderError,
            EmbedderNotReady,
        )

        if not isinstance(exc, EmbedderError):
            raise exc
        reason = {
            EmbedderNotReady: "not-ready",
            EmbedderBusy: "busy",
            EmbedderClosed: "closed",
        }.get(type(exc), "failed")
        self.stats.semantic_skipped[reason] += 1

    # -- store -----------------------------------------------------------------------

    def spawn_store(self, q: Query, data: bytes, *, stream: bool | None) -> None:
        """Store the response bytes the client got, in the background (bounded).
        ``stream=None``: a whole answer that is not a ``chat.completion``
        (``/v1/completions``), stored as it is."""
        if not self.stores.spawn(self._store_task, q, data, stream):
            self.stats.store_skipped["dropped"] += 1

    async def _store_task(self, q: Query, data: bytes, stream: bool | None) -> None:
        try:
            if stream is None:  # not a chat completion: stored as it is
                body: bytes | None = data
            else:
                body = assemble_stream(data) if stream else completion_body(data)
            if body is None:
                self.stats.store_skipped["incomplete"] += 1
                return
            await self.store_answer(q, body)
        except Exception:
            log.exception("cache store failed")

    async def store_answer(self, q: Query, body: bytes) -> None:
        """Put a complete ``chat.completion`` body in every tier."""
        answer = CachedAnswer(q.namespace, q.model, body, time.time())
        self.l1.set(q.key, answer)
        if self.settings.l2.enabled:
            await self.store.set(L2_PREFIX + q.key, encode_record(answer), self.settings.l2.ttl)
        try:
            if self.semantic is None or q.semantic is None:
                return
            vector = await self._stored_vector(q)
            if vector is None or (q.facts is not None and not servable(q.facts)):
                return
            fp = q.semantic.fingerprint
            self.semantic.store(
                q.key, q.namespace, q.model, fp, vector, q.facts, ttl=self.semantic_ttl
            )
            if self.sync is not None:
                expires_at = answer.stored_at + self.semantic_ttl
                await self.sync.publish_add(
                    q.key, (q.namespace, q.model, fp), vector, expires_at, q.facts
                )
        finally:
            self.stats.stores += 1  # counted once every tier has it (tests wait for it)

    # -- sync target -------------------------------------------------------------------

    def apply_add(
        self,
        key: str,
        partition: tuple[str, str, str],
        vector: Vector,
        expires_at: float,
        facts: Facts | None = None,
    ) -> bool:
        """Another process stored an answer: index its vector (the answer is in L2)."""
        ttl = min(expires_at - time.time(), self.semantic_ttl)
        if self.semantic is None or ttl <= 0:
            return False
        self.semantic.store(key, *partition, vector, facts, ttl=ttl)
        return True

    def apply_flush(self, rule: FlushRule) -> None:
        """Another process flushed: drop what matches here too."""
        if self.rules.add(rule, time.time()):
            self._flush_local(rule.namespace, rule.model)

    # -- admin -------------------------------------------------------------------------

    async def flush(self, namespace: str | None = None, model: str | None = None) -> dict[str, int]:
        """Forget the answers of a namespace and/or model group (both None: all); an
        alias names its group's answers."""
        if model is not None:
            model = self.group_of(model)
        rule = FlushRule(namespace, model, time.time())
        self.rules.add(rule, rule.at)
        counts = self._flush_local(namespace, model)
        max_age = self.rules.max_age

        def merge(raw: bytes | None) -> bytes:
            rules = FlushRules(max_age)
            now = time.time()
            try:
                stored = orjson.loads(raw) if raw else []
            except orjson.JSONDecodeError:
                stored = []
            for old in FlushRules.parse(stored):
                rules.add(old, now)
            rules.add(rule, now)
            return orjson.dumps(rules.dump())

        await self.store.update(RULES_KEY, merge, ttl=max_age)
        if self.sync is not None:
            await self.sync.publish_flush(rule)
        if counts["l1"] or counts["semantic"]:
            # The dropped answers' memory back to the OS (glibc keeps freed pages
            # otherwise; measured in bench/semantic_cache_memory.py).
            await release_memory()
        return counts

    def _flush_local(self, namespace: str | None, model: str | None) -> dict[str, int]:
        doomed = [
            key
            for key, a in self.l1.items()
            if (namespace is None or a.namespace == namespace)
            and (model is None or a.model == model)
        ]
        for key in doomed:
            self.l1.pop(key)
        semantic = self.semantic.flush(namespace, model) if self.semantic is not None else 0
        return {"l1": len(doomed), "semantic": semantic}

    def sizes(self) -> dict[str, int]:
        out = {"l1_entries": len(self.l1), "pending_stores": self.stores.pending}
        if self.semantic is not None:
            summary = self.semantic.summary()
            out["semantic_entries"] = summary["entries"]
            out["indexes"] = summary["indexes"]
        if self.embedder is not None:
            out["embedding_queue"] = self.embedder.queue_depth
        return out

    def health(self) -> dict[str, Any]:
        """For /health/ready: the semantic tier's state."""
        e = self.embedder
        semantic = "off"
        if e is not None:
            semantic = "ready" if e.ready else ("failed" if e.load_error else "loading")
        out: dict[str, Any] = {"enabled": self.enabled, "semantic": semantic}
        if self.sync is not None:
            out["sync"] = "connected" if self.sync.connected else "disconnected"
        return out

    def summary(self) -> dict[str, Any]:
        """For the admin stats endpoint."""
        st = self.stats
        served = sum(st.outcomes.values())
        hits = st.outcomes["hit-exact"] + st.outcomes["hit-semantic"]
        out: dict[str, Any] = {
            **self.health(),
            "sizes": self.sizes(),
            "requests": {
                o: st.outcomes[o] for o in ("hit-exact", "hit-semantic", "miss", "bypass")
            },
            "hit_ratio": round(hits / served, 4) if served else 0.0,
            "tiers": st.tiers(),
            "stores": st.stores,
            "store_skipped": dict(st.store_skipped),
            "semantic_skipped": dict(st.semantic_skipped),
            "flush_rules": len(self.rules),
        }
        if self.semantic is not None:
            out["index"] = self.semantic.summary()
            out["semantic_rejected"] = dict(self.semantic.stats.rejected)
        if self.embedder is not None:
            es = self.embedder.stats
            out["embedder"] = {
                "queue_depth": self.embedder.queue_depth,
                "in_flight": self.embedder.in_flight,
                "requests": es.requests,
                "encodes": es.encodes,
                "mean_batch": round(es.mean_batch, 2),
                "rejected_busy": es.rejected_busy,
            }
        if self.sync is not None:
            from dataclasses import asdict

            out["sync"] = {"connected": self.sync.connected, **asdict(self.sync.stats)}
        return out

    def bind_metrics(self, meter: Any) -> None:
        from routeiq.cache.metrics import bind

        bind(self, meter)


def _same(model: str) -> str:
    return model


def _unpriced(model: str) -> bool:
    return False
