"""Learned routes at serving time: load, decide per request, reload, shadow, log.

The trio edge of ``routeiq.learned``. Per request (``decide``), on the event loop:
the prompt's embedding (one encode through the shared micro-batching embedder, in
its worker thread; the semantic cache's vector of the same turn is reused when it
has one), text features, the live router's predicted quality, the expected cost per
candidate (the price book's token prices x the prompt's tokens, plus
``expected_output_tokens`` of output; the router file's own cost model for groups
the price book does not price), then the decision rule over candidates whose
breakers are not all open. The decision costs well under a millisecond (see
bench/learned_routing.py); everything else (shadow scoring, the log row) happens
after the response, in ``finish``.

Reload: ``reload()`` reads every route's files in a worker thread, then swaps each
route's ``Loaded`` in one assignment: a request holds the object it started with,
so no request ever sees half of two versions. A watcher polls the files' mtimes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import trio

from routeiq.db.base import Database
from routeiq.errors import BadRequest, RouteIQError
from routeiq.learned.decision import Decision, mixed_weight, rank
from routeiq.learned.features import route_text, text_features
from routeiq.learned.logs import DecisionLog, DecisionRecord, open_log_database
from routeiq.learned.model import RouterFileError, RouterModel
from routeiq.learned.settings import LearnedRouteSettings

__all__ = ["Choice", "LearnedRouting", "RouterUnavailable"]

log = logging.getLogger("routeiq.learned")

F32 = npt.NDArray[np.float32]
COST_WEIGHT_HEADER = b"x-routeiq-cost-weight"
EXPECTED_OUTPUT_TOKENS = 256
MODEL_LOAD_WAIT = 60.0  # seconds a request waits for the embedding model at start-up


class RouterUnavailable(RouteIQError):
    status = 503
    type = "service_unavailable"
    code = "router_unavailable"


@dataclass(frozen=True, slots=True)
class Loaded:
    """One router file resolved against a route's candidate groups."""

    model: RouterModel
    cols: tuple[int, ...]  # column in the model of each candidate group
    mtime: float

    @classmethod
    def read(cls, path: str, mapping: Mapping[str, str], kind: str | None) -> Loaded:
        mtime = os.stat(path).st_mtime
        model = RouterModel.load(path)
        if kind is not None and model.kind != kind:
            raise RouterFileError(f"{path}: holds a {model.kind} router, {kind} configured")
        pos = {c: i for i, c in enumerate(model.candidates)}
        missing = [n for n in mapping.values() if n not in pos]
        if missing:
            raise RouterFileError(f"{path}: no candidate named {', '.join(missing)}")
        return cls(model, tuple(pos[n] for n in mapping.values()), mtime)


@dataclass(slots=True)
class Route:
    name: str
    settings: LearnedRouteSettings
    groups: tuple[str, ...]
    live: Loaded | None = None
    shadow: Loaded | None = None
    error: str | None = None


@dataclass(slots=True)
class Choice:
    """A routed request: the group to call, the next-best ones, and what to log."""

    route: str
    model: str
    fallbacks: tuple[str, ...]
    header: bytes
    decision: Decision
    loaded: Loaded
    emb: F32
    feats: F32
    tokens: int
    shadow: Loaded | None
    started: float = field(default_factory=time.perf_counter)


def cost_weight_override(
    request: Mapping[str, Any], headers: Sequence[tuple[bytes, bytes]]
) -> float | None:
    """``x-routeiq-cost-weight`` header, else ``metadata.routeiq.cost_weight``; 400 if bad."""
    raw: Any = None
    for k, v in headers:
        if k == COST_WEIGHT_HEADER:
            raw = v.decode("latin-1")
            break
    if raw is None:
        meta = request.get("metadata")
        riq = meta.get("routeiq") if isinstance(meta, Mapping) else None
        raw = riq.get("cost_weight") if isinstance(riq, Mapping) else None
        if raw is None:
            return None
    if isinstance(raw, bool):
        raw = "bad"
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not (0.0 <= value < float("inf")):
        raise BadRequest(
            "cost_weight must be a non-negative number (0 = best quality)", param="cost_weight"
        )
    return value


def strip_routeiq_metadata(request: MutableMapping[str, Any]) -> None:
    """Drop ``metadata.routeiq`` (ours, read above) before the body goes upstream:
    OpenAI only accepts string metadata values (and ``metadata`` itself when empty)."""
    meta = request.get("metadata")
    if isinstance(meta, dict) and "routeiq" in meta:
        del meta["routeiq"]
        if not meta:
            del request["metadata"]


class LearnedRouting:
    """Every learned route of one gateway (see module docstring)."""

    def __init__(
        self,
        settings: Mapping[str, LearnedRouteSettings],
        *,
        prices: Callable[[str], tuple[float, float] | None] | None = None,
        database: Callable[[], Database] | None = None,
    ) -> None:
        self.routes = {name: Route(name, s, tuple(s.mapping())) for name, s in settings.items()}
        self.prices = prices or (lambda group: None)
        self.embedder: Any = None  # routeiq.cache.embedder.Embedder, set by the gateway
        # Decision logs: the gateway's database ("") unless a route names its own.
        self.logs: dict[str, DecisionLog] = {}
        for t in {t for s in settings.values() if (t := s.log_target()) is not None}:
            if t:
                self.logs[t] = DecisionLog(open_log_database(t))
            elif database is not None:
                self.logs[t] = DecisionLog(database())
        self.shadow_stats: dict[str, dict[str, float]] = {
            name: {"compared": 0, "agree": 0, "delta_sum": 0.0} for name in settings
        }
        self.reloads = 0
        self.draw: Callable[[], float] = random.random  # a route's ``mix`` coin
        self._failed: dict[str, float | None] = {}  # path -> mtime of a version that failed

    def __contains__(self, model: object) -> bool:
        return model in self.routes

    # -- start-up and reload -----------------------------------------------------

    def _read_all(self, only: str | None) -> dict[str, tuple[Loaded | None, Loaded | None, str]]:
        out: dict[str, tuple[Loaded | None, Loaded | None, str]] = {}
        for name, r in self.routes.items():
            if only is not None and name != only:
                continue
            s = r.settings
            try:
                live = Loaded.read(s.path, s.mapping(), s.kind)
                shadow = Loaded.read(s.shadow_path, s.mapping(), None) if s.shadow_path else None
                out[name] = (live, shadow, "")
            except (OSError, RouterFileError) as exc:
                out[name] = (None, None, str(exc))
                for path in (s.path, s.shadow_path):  # not retried until they change again
                    if path is not None:
                        try:
                            self._failed[path] = os.stat(path).st_mtime
                        except OSError:
                            self._failed[path] = None
        return out

    async def reload(self, name: str | None = None) -> dict[str, Any]:
        """Load the files again (worker thread) and swap atomically; a route whose
        file fails keeps serving its previous version. Returns each route's state."""
        results = await trio.to_thread.run_sync(self._read_all, name)
        for rname, (live, shadow, error) in results.items():
            r = self.routes[rname]
            if live is None:
                r.error = error
                log.error(
                    "learned route %s: %s (keeping %s)",
                    rname,
                    error,
                    r.live.model.version if r.live else "nothing",
                )
                continue
            r.live, r.shadow, r.error = live, shadow, None  # one swap per route
            trained_on = live.model.meta.get("embedding_runtime")
            serving = getattr(self.embedder, "runtime", None)
            if trained_on and serving and trained_on != serving:
                # Works (int8 vectors are at cosine ~0.995 of torch's) but costs a
                # little quality: see bench/learned_routing.py's cross-runtime row.
                log.warning(
                    "learned route %s: router %s was trained on %s embeddings, the "
                    "gateway embeds with %s",
                    rname,
                    live.model.version,
                    trained_on,
                    serving,
                )
        self.reloads += 1
        return self.summary()

    def summary(self) -> dict[str, Any]:
        return {
            name: {
                "version": r.live.model.version if r.live else None,
                "kind": r.live.model.kind if r.live else None,
                "shadow": r.shadow.model.version if r.shadow else None,
                "candidates": list(r.groups),
                "error": r.error,
                "shadow_stats": self.shadow_stats[name],
            }
            for name, r in self.routes.items()
        }

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Load the router files (in a thread), then run the request logs and the file
        watch until cancelled; ready once the routes are loaded."""
        await self.reload()
        async with trio.open_nursery() as nursery:
            for lg in self.logs.values():
                await nursery.start(lg.run)
            if any(r.settings.watch_interval > 0 for r in self.routes.values()):
                nursery.start_soon(self._watch)
            task_status.started()

    def _changed(self) -> bool:
        for r in self.routes.values():
            for path, loaded in ((r.settings.path, r.live), (r.settings.shadow_path, r.shadow)):
                if path is None:
                    continue
                try:
                    mtime = os.stat(path).st_mtime
                except OSError:
                    continue
                if self._failed.get(path, -1.0) == mtime:
                    continue  # this version failed to load already (logged once)
                if loaded is None or mtime != loaded.mtime:
                    return True
        return False

    async def _watch(self) -> None:
        interval = min(
            r.settings.watch_interval for r in self.routes.values() if r.settings.watch_interval > 0
        )
        while True:
            await trio.sleep(interval)
            if self._changed():
                await self.reload()

    # -- per request ---------------------------------------------------------------

    async def _embedding(self, text: str, cached: Any) -> F32:
        q = getattr(cached, "query", None)
        if q is not None and getattr(q, "vector", None) is not None:
            vec: F32 = q.vector  # the semantic cache encoded this turn already
            return vec
        if self.embedder is None:
            raise RouterUnavailable("the learned router's embedding model is not available")
        from routeiq.cache.embedder import EmbedderError

        if not self.embedder.ready:
            # Only in the first seconds after start-up, while the model loads in its
            # thread: wait for it rather than fail or route blind.
            with trio.move_on_after(MODEL_LOAD_WAIT):
                await self.embedder.wait_ready()
        try:
            pending = getattr(q, "pending", None)
            if pending is not None and not pending.abandoned:
                vec = await self.embedder.wait(pending)
            else:
                vec = await self.embedder.embed(text)
        except EmbedderError as exc:
            raise RouterUnavailable(f"the learned router cannot embed the prompt: {exc}") from None
        return vec

    def expected_cost(self, route: Route, loaded: Loaded, tokens: int) -> F32:
        fallback = loaded.model.expected_cost(tokens)[list(loaded.cols)]
        out = np.empty(len(route.groups), np.float32)
        for i, g in enumerate(route.groups):
            p = self.prices(g)
            out[i] = fallback[i] if p is None else p[0] * tokens + p[1] * EXPECTED_OUTPUT_TOKENS
        return out

    async def decide(
        self,
        name: str,
        request: MutableMapping[str, Any],
        headers: Sequence[tuple[bytes, bytes]],
        available: Callable[[str], bool],
        cached: Any = None,
    ) -> Choice:
        route = self.routes[name]
        weight = cost_weight_override(request, headers)
        strip_routeiq_metadata(request)
        loaded, shadow = route.live, route.shadow
        if loaded is None:
            raise RouterUnavailable(f"the learned route {name!r} has no router loaded")
        text, tokens = route_text(request)
        emb = await self._embedding(text, cached)
        t0 = time.perf_counter()
        feats = text_features(text)
        quality = loaded.model.predict(emb, feats)[list(loaded.cols)]
        cost = self.expected_cost(route, loaded, tokens)
        by = "override" if weight is not None else "router"
        if weight is None:
            mix = route.settings.mix
            w, mixed = mixed_weight(
                route.settings.cost_weight,
                None if mix is None else (mix.cost_weight, mix.share),
                self.draw(),
            )
            by += "+mix" if mixed else ""
        else:
            w = weight
        decision = rank(quality, cost, w, [available(g) for g in route.groups])
        if decision.skipped:
            by += "+skip-unavailable"
        chosen = decision.choice
        header = (
            f"version={loaded.model.version}; kind={loaded.model.kind}; "
            f"quality={quality[chosen]:.3f}; cost_usd={cost[chosen]:.3g}; "
            f"cost_weight={w:g}; by={by}; decide_ms={(time.perf_counter() - t0) * 1e3:.3f}"
        ).encode()
        groups = route.groups
        return Choice(
            name,
            groups[chosen],
            tuple(groups[i] for i in decision.order[1:]),
            header,
            decision,
            loaded,
            emb,
            feats,
            tokens,
            shadow,
        )

    def finish(
        self,
        choice: Choice,
        *,
        request_id: str,
        served_by: str | None,
        error: BaseException | None,
        response_id: str | None = None,
        cost_usd: float | None = None,
    ) -> None:
        """After the response: shadow comparison and the log row (no I/O here)."""
        route = self.routes[choice.route]
        d = choice.decision
        if choice.shadow is not None:
            sq = choice.shadow.model.predict(choice.emb, choice.feats)[list(choice.shadow.cols)]
            sd = rank(sq, d.cost, d.cost_weight)
            st = self.shadow_stats[choice.route]
            st["compared"] += 1
            live = rank(d.quality, d.cost, d.cost_weight).choice  # ignoring availability
            st["agree"] += int(sd.choice == live)
            st["delta_sum"] += float(sq[sd.choice] - d.quality[d.choice])
        target = route.settings.log_target()
        if target is None or target not in self.logs:
            return
        emb = np.asarray(choice.emb, dtype=np.float16).tobytes()
        self.logs[target].record(
            DecisionRecord(
                request_id=request_id,
                route=choice.route,
                router_version=choice.loaded.model.version,
                prompt_hash=hashlib.sha256(emb).hexdigest()[:24],
                embedding=emb,
                features=np.asarray(choice.feats, np.float32).tobytes(),
                prompt_tokens=choice.tokens,
                candidates=[choice.loaded.model.candidates[c] for c in choice.loaded.cols],
                predicted=[round(float(x), 5) for x in d.quality],
                expected_cost=[float(x) for x in d.cost],
                cost_weight=d.cost_weight,
                choice=choice.loaded.model.candidates[choice.loaded.cols[d.choice]],
                served_by=self._file_name(choice, served_by),
                response_id=response_id,
                latency_ms=(time.perf_counter() - choice.started) * 1e3,
                cost_usd=cost_usd,
                outcome=(
                    "ok"
                    if error is None
                    else "cancelled"
                    if isinstance(error, trio.Cancelled)
                    else f"error:{type(error).__name__}"
                ),
            )
        )

    def _file_name(self, choice: Choice, group: str | None) -> str | None:
        """The router file's name of the group that answered (None: none did)."""
        groups = self.routes[choice.route].groups
        if group not in groups:
            return None
        return choice.loaded.model.candidates[choice.loaded.cols[groups.index(group)]]

    def feedback(self, ref: str, score: float, label: str | None) -> int:
        for lg in self.logs.values():
            lg.feedback(ref, score, label)
        return len(self.logs)

    def bind_metrics(self, meter: Any) -> None:
        from opentelemetry.metrics import Observation

        def agreement(_: Any) -> list[Any]:
            return [
                Observation(st["agree"] / st["compared"], {"route": n})
                for n, st in self.shadow_stats.items()
                if st["compared"]
            ]

        def delta(_: Any) -> list[Any]:
            return [
                Observation(st["delta_sum"] / st["compared"], {"route": n})
                for n, st in self.shadow_stats.items()
                if st["compared"]
            ]

        def compared(_: Any) -> list[Any]:
            return [
                Observation(st["compared"], {"route": n}) for n, st in self.shadow_stats.items()
            ]

        meter.create_observable_gauge(
            "routeiq_learned_shadow_agreement",
            [agreement],
            description="share of requests where the shadow router picks the live router's choice",
        )
        meter.create_observable_gauge(
            "routeiq_learned_shadow_quality_delta",
            [delta],
            description="mean predicted quality of the shadow's choice minus the live choice's",
        )

        def log_rows(_: Any) -> list[Any]:
            written = sum(lg.written for lg in self.logs.values())
            dropped = sum(lg.dropped for lg in self.logs.values())
            return [
                Observation(written, {"state": "written"}),
                Observation(dropped, {"state": "dropped"}),
            ]

        meter.create_observable_counter(
            "routeiq_learned_log_rows",
            [log_rows],
            description="decision and feedback rows written to the database, or dropped "
            "(buffer full or a failed batch)",
        )
        meter.create_observable_counter(
            "routeiq_learned_shadow_compared",
            [compared],
            description="requests scored by a shadow router",
        )
