"""The vector index of one (namespace, model group) scope: exact while small, HNSW after.

``VectorIndex`` serves ``add`` / ``remove`` / ``search`` on the caller's (trio's) thread
and never does more than a single-vector operation there. Switching structure
(exact -> HNSW past ``hnsw_threshold``, HNSW -> exact when it shrinks far below it,
a larger HNSW when full, a compacted HNSW when over ``max_deleted_fraction`` of its
slots are deleted) is a *rebuild* that runs in a worker thread::

    job = index.begin_rebuild()            # trio thread: freezes the live structure
    while job is not None:
        await trio.to_thread.run_sync(job.run, limiter=limiter)   # worker thread
        job = index.finish_rebuild(job)    # trio thread: swap in, or one more round

While frozen, the live structure is only searched (reads are safe next to the
worker's reads); changes go to a small exact ``delta`` index (adds) and a
``tombstones`` set (ids of the frozen structure that were deleted or replaced), and
every change is appended to an op log. Searches merge the frozen structure (minus
tombstones) with the delta, so results stay correct throughout. Round 0 builds the
new structure from a snapshot of the frozen one; each later round replays the op log
entries that arrived during the previous round, in the worker, on the still private
new structure. When at most ``catchup_inline`` ops remain they are replayed on the
trio thread and the new structure is swapped in. Rounds are capped at
``max_rounds``, after which the rest is replayed inline whatever its size.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Literal

import numpy.typing as npt

from routeiq.cache.exact import ExactIndex, Vector, unit
from routeiq.cache.hnsw import HnswIndex, HnswParams

__all__ = ["ExactIndex", "HnswIndex", "HnswParams", "IndexConfig", "RebuildJob", "VectorIndex"]

Structure = ExactIndex | HnswIndex
_Op = tuple[Hashable, Vector | None]  # (id, unit vector) = add/replace; (id, None) = delete


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Tuning of one scope's index (defaults from bench/semantic_cache.py)."""

    dim: int = 384
    #: Above this many live entries exact search costs more than HNSW (measured
    #: crossover ~5-10k on 2 cores); the switch happens in a background rebuild.
    hnsw_threshold: int = 8192
    hnsw: HnswParams = field(default_factory=HnswParams)
    #: Compact an HNSW index once this fraction of its slots is deleted.
    max_deleted_fraction: float = 0.3
    #: Threads for an HNSW build; 1 leaves the other core to the event loop.
    build_threads: int = 1
    #: Ops left over after a round are replayed on the trio thread only if this few:
    #: one HNSW insert costs up to ~1 ms there (p99 at 100k entries).
    catchup_inline: int = 4
    max_rounds: int = 16
    #: A frozen structure's search over-fetches by the tombstone count up to this.
    max_overfetch: int = 256


class RebuildJob:
    """One round of a rebuild; ``run`` is the only part meant for a worker thread."""

    def __init__(
        self,
        config: IndexConfig,
        target: Literal["exact", "hnsw"],
        capacity: int,
        source: Structure | None,
        result: Structure | None,
        ops: list[_Op],
        ops_start: int,
        round_: int,
    ) -> None:
        self.config = config
        self.target = target
        self.capacity = capacity
        self.round = round_
        self._source = source
        self._ops = ops
        self.ops_start = ops_start
        self.ops_end = ops_start + len(ops)
        self.result = result

    def run(self) -> None:
        """Build (round 0) or catch up (later rounds) the private new structure."""
        if self._source is not None:
            ids, vectors = self._source.snapshot()
            if self.target == "hnsw":
                self.result = HnswIndex.build(
                    self.config.dim,
                    ids,
                    vectors,
                    capacity=self.capacity,
                    params=self.config.hnsw,
                    num_threads=self.config.build_threads,
                )
            else:
                self.result = ExactIndex.build(self.config.dim, ids, vectors)
            self._source = None
        assert self.result is not None
        _replay(self.result, self._ops)


def _replay(target: Structure, ops: list[_Op]) -> None:
    for id_, vec in ops:
        if vec is None:
            target.remove(id_)
        else:
            target.add_unit(id_, vec)


class VectorIndex:
    """Cosine index over unit vectors with ids; see the module docstring."""

    def __init__(self, config: IndexConfig | None = None) -> None:
        self.config = config or IndexConfig()
        self._main: Structure = ExactIndex(self.config.dim)
        self._job: RebuildJob | None = None
        self._delta: ExactIndex | None = None
        self._tombstones: set[Hashable] = set()
        self._ops: list[_Op] = []
        self.rebuilds = 0

    @property
    def kind(self) -> str:
        """``"exact"`` or ``"hnsw"``: the structure serving searches."""
        return self._main.kind

    @property
    def rebuilding(self) -> bool:
        return self._job is not None

    def __len__(self) -> int:
        if self._delta is None:
            return len(self._main)
        return len(self._main) - len(self._tombstones) + len(self._delta)

    def __contains__(self, id_: object) -> bool:
        if self._delta is not None and id_ in self._delta:
            return True
        return id_ in self._main and id_ not in self._tombstones

    def add(self, id_: Hashable, vec: npt.ArrayLike) -> None:
        """Insert or replace ``id_`` (``vec`` is normalised)."""
        v = unit(vec, self.config.dim)
        if self._delta is None:
            self._main.add_unit(id_, v)
            return
        if id_ in self._main:
            self._tombstones.add(id_)
        self._delta.add_unit(id_, v)
        self._ops.append((id_, v))

    def remove(self, id_: Hashable) -> bool:
        """Delete ``id_``; ``False`` if it was not there."""
        if self._delta is None:
            return self._main.remove(id_)
        found = self._delta.remove(id_)
        if id_ in self._main and id_ not in self._tombstones:
            self._tombstones.add(id_)
            found = True
        if found:
            self._ops.append((id_, None))
        return found

    def search(self, vec: npt.ArrayLike, k: int = 1) -> list[tuple[Hashable, float]]:
        """The ``k`` most similar entries as ``(id, cosine)``, best first."""
        q = unit(vec, self.config.dim)
        if self._delta is None:
            return self._main.search_unit(q, k)
        fetch = k + min(len(self._tombstones), self.config.max_overfetch)
        hits = [h for h in self._main.search_unit(q, fetch) if h[0] not in self._tombstones]
        hits.extend(self._delta.search_unit(q, k))
        hits.sort(key=lambda h: -h[1])
        return hits[:k]

    def stats(self) -> dict[str, int | str | bool]:
        main = self._main
        return {
            "kind": main.kind,
            "entries": len(self),
            "deleted_slots": main.deleted if isinstance(main, HnswIndex) else 0,
            "rebuilding": self.rebuilding,
            "rebuilds": self.rebuilds,
        }

    # --- rebuilds ------------------------------------------------------------------

    def _wanted(self) -> tuple[Literal["exact", "hnsw"], int] | None:
        cfg, main, live = self.config, self._main, len(self._main)
        if isinstance(main, ExactIndex):
            return ("hnsw", 2 * live) if live > cfg.hnsw_threshold else None
        if live < cfg.hnsw_threshold // 4:
            return ("exact", 0)
        if main.slots and main.deleted > cfg.max_deleted_fraction * main.slots:
            return ("hnsw", 2 * live)  # compact
        if main.slots >= 0.9 * main.capacity:
            return ("hnsw", max(2 * live, main.capacity))  # grow (and compact)
        return None

    def needs_rebuild(self) -> bool:
        """Whether ``begin_rebuild`` would start one (never while one is running)."""
        return self._job is None and self._wanted() is not None

    def begin_rebuild(self) -> RebuildJob | None:
        """Freeze the live structure and return round 0, or ``None`` if not needed."""
        wanted = None if self._job is not None else self._wanted()
        if wanted is None:
            return None
        target, capacity = wanted
        self._delta = ExactIndex(self.config.dim, capacity=64)
        self._tombstones = set()
        self._ops = []
        self._job = RebuildJob(self.config, target, capacity, self._main, None, [], 0, 0)
        return self._job

    def finish_rebuild(self, job: RebuildJob) -> RebuildJob | None:
        """After ``job.run``: swap the result in, or return the next catch-up round."""
        if job is not self._job or job.result is None:
            raise RuntimeError("finish_rebuild() needs the current job, after its run()")
        pending = self._ops[job.ops_end :]
        if len(pending) > self.config.catchup_inline and job.round + 1 < self.config.max_rounds:
            self._job = RebuildJob(
                self.config,
                job.target,
                job.capacity,
                None,
                job.result,
                pending,
                job.ops_end,
                job.round + 1,
            )
            return self._job
        _replay(job.result, pending)
        self._main = job.result
        self._unfreeze()
        self.rebuilds += 1
        return None

    def abort_rebuild(self) -> None:
        """Give up a rebuild (e.g. cancelled): replay the op log onto the old structure.

        Call it only when no ``job.run`` is executing (it mutates the structure that
        run reads).
        Runs on the caller's thread, so it may stall for as many single-vector
        operations as the log holds; only meant for shutdown and errors.
        """
        if self._job is None:
            return
        _replay(self._main, self._ops)
        self._unfreeze()

    def _unfreeze(self) -> None:
        self._job = None
        self._delta = None
        self._tombstones = set()
        self._ops = []
