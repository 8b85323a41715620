"""Exact cosine search with numpy over one contiguous float32 matrix.

Rows ``[0, n)`` of a preallocated ``(capacity, dim)`` matrix hold the live unit
vectors; search is one matrix-vector product plus ``argmax``/``argpartition``, so no
Python code ever runs per vector. The matrix grows by doubling (amortised O(1) per
add) and shrinks by halving when a quarter full. Deletes move the last row into the
hole, keeping the live rows contiguous; two maps (row -> id, id -> row) follow.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["ExactIndex", "Vector", "unit"]

Vector = npt.NDArray[np.float32]


def unit(vec: npt.ArrayLike, dim: int) -> Vector:
    """``vec`` as a float32 unit vector of length ``dim`` (a fresh copy)."""
    v = np.array(vec, dtype=np.float32).reshape(dim)
    norm = float(np.linalg.norm(v))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("vector must be finite and non-zero")
    v /= norm
    return v


class ExactIndex:
    """Brute-force cosine index: exact results, cost linear in size (fast while small)."""

    kind = "exact"

    def __init__(self, dim: int, *, capacity: int = 256) -> None:
        self.dim = dim
        self._min_capacity = max(1, capacity)
        self._mat: Vector = np.empty((self._min_capacity, dim), dtype=np.float32)
        self._ids: list[Hashable] = []
        self._rows: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, id_: object) -> bool:
        return id_ in self._rows

    @property
    def capacity(self) -> int:
        return int(self._mat.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes of the vector matrix (the id maps are extra, ~150 B per entry)."""
        return int(self._mat.nbytes)

    def add(self, id_: Hashable, vec: npt.ArrayLike) -> None:
        """Insert or replace ``id_``; ``vec`` is normalised to unit length."""
        self.add_unit(id_, unit(vec, self.dim))

    def add_unit(self, id_: Hashable, v: Vector) -> None:
        """``add`` for a vector that is already a float32 unit vector (not copied)."""
        row = self._rows.get(id_)
        if row is None:
            row = len(self._ids)
            if row == self._mat.shape[0]:
                self._resize(2 * row)
            self._ids.append(id_)
            self._rows[id_] = row
        self._mat[row] = v

    def remove(self, id_: Hashable) -> bool:
        """Delete ``id_``; ``False`` if it was not there."""
        row = self._rows.pop(id_, None)
        if row is None:
            return False
        last = len(self._ids) - 1
        if row != last:
            moved = self._ids[last]
            self._mat[row] = self._mat[last]
            self._ids[row] = moved
            self._rows[moved] = row
        self._ids.pop()
        cap = self._mat.shape[0]
        if cap > self._min_capacity and last <= cap // 4:
            self._resize(max(self._min_capacity, cap // 2))
        return True

    def search(self, vec: npt.ArrayLike, k: int = 1) -> list[tuple[Hashable, float]]:
        """The ``k`` most similar entries as ``(id, cosine)``, best first."""
        return self.search_unit(unit(vec, self.dim), k)

    def search_unit(self, q: Vector, k: int = 1) -> list[tuple[Hashable, float]]:
        """``search`` for a query that is already a float32 unit vector."""
        n = len(self._ids)
        if n == 0 or k < 1:
            return []
        sims = self._mat[:n] @ q
        if k == 1:
            best = int(np.argmax(sims))
            return [(self._ids[best], float(sims[best]))]
        k = min(k, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self._ids[i], float(sims[i])) for i in top.tolist()]

    def get(self, id_: Hashable) -> Vector | None:
        """A copy of the stored unit vector, or ``None``."""
        row = self._rows.get(id_)
        return None if row is None else self._mat[row].copy()

    def snapshot(self) -> tuple[list[Hashable], Vector]:
        """Ids and a read-only view of their vectors, row-aligned.

        Safe to call from a worker thread only while nothing mutates the index (the
        owning ``VectorIndex`` freezes it during a rebuild).
        """
        n = len(self._ids)
        view = self._mat[:n]
        view.flags.writeable = False
        return list(self._ids), view

    @classmethod
    def build(cls, dim: int, ids: Sequence[Hashable], vectors: Vector) -> ExactIndex:
        """A new index over unit ``vectors`` (row i belongs to ``ids[i]``, unique)."""
        index = cls(dim, capacity=max(256, 2 * len(ids)))
        index._mat[: len(ids)] = vectors
        index._ids = list(ids)
        index._rows = {id_: row for row, id_ in enumerate(index._ids)}
        return index

    def _resize(self, capacity: int) -> None:
        mat = np.empty((capacity, self.dim), dtype=np.float32)
        n = len(self._ids)
        mat[:n] = self._mat[:n]
        self._mat = mat
