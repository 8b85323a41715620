"""Approximate cosine search with an hnswlib HNSW graph (inner product on unit vectors).

hnswlib won the measurement against faiss and usearch (see the issue-5 report): at
100k clustered 384-d vectors with the same M/ef it built within 10% of faiss' HNSW
and searched a little faster, while faiss' HNSW cannot delete and usearch built slower
and searched at twice the cost. A k=1 search costs ~0.2-0.4 ms p50 at 100k.

Ids are mapped to integer labels from a counter. A delete is ``mark_deleted`` (1 us);
its slot stays in the graph until the owning ``VectorIndex`` compacts the index in a
worker thread. Slots are not reused in place: hnswlib's ``replace_deleted`` insert
re-links the neighbourhood and measured about ten times the cost of an insert into a
fresh slot (with the earlier ef_construction of 100), and inserts run on the event
loop because hnswlib is not safe for a search and an insert at the same time.
``resize_index`` on the caller's thread is only the fallback for an index that fills
up before its rebuild runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import hnswlib
import numpy as np
import numpy.typing as npt

from routeiq.cache.exact import Vector, unit

__all__ = ["HnswIndex", "HnswParams"]


@dataclass(frozen=True, slots=True)
class HnswParams:
    """Graph parameters, chosen with bench/semantic_cache.py on clustered vectors.

    At 100k entries ef_search 32 already found the exact nearest for 0.997 of
    in-topic queries, 64 for all of them. At 1M entries, built with ef_construction
    200, ef_search 64 gave recall@1 0.963 (paraphrase-like) / 0.960 (in-topic) with
    every query kind's p99 under 1 ms; 96 raised recall to 0.983 but the off-topic
    p99 to 1.05 ms (bench/semantic_cache.py --big, README). The price of the better
    graph: an insert costs about 1 ms p50 / 2 ms p99 at 100k entries."""

    M: int = 16
    ef_construction: int = 200
    ef_search: int = 64
    seed: int = 100


class HnswIndex:
    """HNSW index with deletes; not thread-safe for writes (one owner, trio's thread)."""

    kind = "hnsw"

    def __init__(self, dim: int, *, capacity: int, params: HnswParams | None = None) -> None:
        self.dim = dim
        self.params = params or HnswParams()
        self._index = hnswlib.Index(space="ip", dim=dim)
        self._index.init_index(
            max_elements=max(16, capacity),
            M=self.params.M,
            ef_construction=self.params.ef_construction,
            random_seed=self.params.seed,
        )
        self._index.set_ef(self.params.ef_search)
        self._label_of: dict[Hashable, int] = {}
        self._id_of: dict[int, Hashable] = {}
        self._labels = itertools.count()

    def __len__(self) -> int:
        return len(self._label_of)

    def __contains__(self, id_: object) -> bool:
        return id_ in self._label_of

    def set_ef(self, ef: int) -> None:
        """Search breadth: higher is slower and finds the true nearest more often."""
        self._index.set_ef(ef)

    @property
    def capacity(self) -> int:
        return int(self._index.get_max_elements())

    @property
    def slots(self) -> int:
        """Graph slots in use, live and deleted."""
        return int(self._index.element_count)

    @property
    def deleted(self) -> int:
        """Slots marked deleted (reclaimed only by a rebuild)."""
        return self.slots - len(self._label_of)

    def add(self, id_: Hashable, vec: npt.ArrayLike) -> None:
        """Insert or replace ``id_``; ``vec`` is normalised to unit length."""
        self.add_unit(id_, unit(vec, self.dim))

    def add_unit(self, id_: Hashable, v: Vector) -> None:
        """``add`` for a vector that is already a float32 unit vector."""
        self.remove(id_)
        if self.slots >= self.capacity:
            # Fallback only: the owner normally rebuilds larger in a thread first.
            self._index.resize_index(2 * self.capacity)
        label = next(self._labels)
        self._index.add_items(v[np.newaxis, :], [label], num_threads=1)
        self._label_of[id_] = label
        self._id_of[label] = id_

    def remove(self, id_: Hashable) -> bool:
        """Mark ``id_`` deleted; ``False`` if it was not there."""
        label = self._label_of.pop(id_, None)
        if label is None:
            return False
        del self._id_of[label]
        self._index.mark_deleted(label)
        return True

    def search(self, vec: npt.ArrayLike, k: int = 1) -> list[tuple[Hashable, float]]:
        """About the ``k`` most similar entries as ``(id, cosine)``, best first."""
        return self.search_unit(unit(vec, self.dim), k)

    def search_unit(self, q: Vector, k: int = 1) -> list[tuple[Hashable, float]]:
        """``search`` for a query that is already a float32 unit vector."""
        k = min(k, len(self._label_of))
        if k < 1:
            return []
        try:
            labels, dists = self._index.knn_query(q, k=k, num_threads=1)
        except RuntimeError:
            # hnswlib raises when it finds fewer than k live neighbours (many
            # deletes near the query); an empty answer is a miss, not an error.
            return []
        id_of = self._id_of
        return [
            (id_of[label], 1.0 - dist)
            for label, dist in zip(labels[0].tolist(), dists[0].tolist(), strict=True)
        ]

    def get(self, id_: Hashable) -> Vector | None:
        label = self._label_of.get(id_)
        if label is None:
            return None
        return np.asarray(self._index.get_items([label])[0], dtype=np.float32)

    def snapshot(self) -> tuple[list[Hashable], Vector]:
        """Live ids and a copy of their vectors, row-aligned.

        Meant for a worker thread while the owner keeps the index frozen (searches
        only: hnswlib's reads are safe to run concurrently).
        """
        ids = list(self._label_of)
        if not ids:
            return ids, np.empty((0, self.dim), dtype=np.float32)
        labels = [self._label_of[i] for i in ids]
        vectors = np.asarray(self._index.get_items(labels), dtype=np.float32)
        return ids, vectors

    @classmethod
    def build(
        cls,
        dim: int,
        ids: Sequence[Hashable],
        vectors: Vector,
        *,
        capacity: int,
        params: HnswParams | None = None,
        num_threads: int = 1,
    ) -> HnswIndex:
        """A new index over unit ``vectors`` (row i belongs to ``ids[i]``, unique).

        CPU-heavy (seconds per 10k vectors): run it in ``trio.to_thread.run_sync``.
        """
        index = cls(dim, capacity=max(capacity, len(ids)), params=params)
        index.add_new(ids, vectors, num_threads=num_threads)
        return index

    def add_new(self, ids: Sequence[Hashable], vectors: Vector, *, num_threads: int = 1) -> None:
        """Bulk-insert unit ``vectors`` for ids not in the index yet (one C++ call).

        CPU-heavy: only for an index no other thread touches meanwhile (a new one
        being built, or a catch-up in a worker thread before it is published).
        """
        if not len(ids):
            return
        if any(i in self._label_of for i in ids) or len(set(ids)) != len(ids):
            raise ValueError("add_new() needs new, unique ids")
        first = next(self._labels)
        labels = np.arange(first, first + len(ids), dtype=np.int64)
        self._labels = itertools.count(first + len(ids))
        if self.slots + len(ids) > self.capacity:
            self._index.resize_index(self.slots + len(ids))
        self._index.add_items(vectors, labels, num_threads=num_threads)
        self._label_of.update(zip(ids, labels.tolist(), strict=True))
        self._id_of.update(zip(labels.tolist(), ids, strict=True))

    @property
    def nbytes(self) -> int:
        """Approximate bytes of the graph and vectors (hnswlib's own accounting)."""
        per_slot = 4 * self.dim + 4 * (2 * self.params.M + 1) + 8
        return self.capacity * per_slot
