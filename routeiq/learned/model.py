"""A trained router: per-candidate quality predictors and a cost model, in one .npz.

Serving needs numpy only (plus hnswlib for a kNN router over many prompts). The file
holds arrays and one ``meta`` JSON string::

    meta      {"format": 1, "kind": "knn"|"mlp", "version": str, "candidates": [...],
               "embedding": "all-MiniLM-L6-v2", "rows": n, "params": {...}, ...}
    cost_a    (M,) USD per query at zero tokens       } expected cost of candidate m for a
    cost_b    (M,) USD per prompt token               } prompt of t tokens: a[m] + b[m] * t
    knn:  emb (N, 384) float16 unit rows, quality (N, M) float16, prior (M,)
    mlp:  mean, std (D,), w1 (D, H), b1 (H,), w2 (H, M), b2 (M,)   D = 384 + text features
    task: w (384, T), b (T,), task_quality (T, M)   T task labels, named in meta["tasks"]

``RouterModel.predict(embedding, features)`` returns the predicted quality of every
candidate, in [0, 1]. A kNN router predicts each candidate's quality as the
similarity-weighted mean of its ``k`` nearest training prompts' scores, shrunk toward
the candidate's mean (``alpha`` pseudo-neighbours); an MLP router runs one hidden layer
and a sigmoid per candidate; a task router classifies the prompt's task (a softmax over
its embedding) and predicts each candidate's mean score on the tasks, weighted by
their probabilities. Loading is blocking (a kNN router over more than
``HNSW_FROM`` prompts builds an HNSW graph): the gateway loads in a worker thread.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "HNSW_FROM",
    "KnnPredictor",
    "MlpPredictor",
    "RouterFileError",
    "RouterModel",
    "TaskPredictor",
]

F32 = npt.NDArray[np.float32]
FORMAT = 1
HNSW_FROM = 8192  # exact search grows with N (~2 ms at 100k x 384 here); HNSW stays ~0.3 ms


class RouterFileError(ValueError):
    """A router file that cannot be loaded (the message says why)."""


class Predictor(Protocol):
    def predict(self, emb: F32, feats: F32) -> F32: ...

    def predict_many(self, emb: F32, feats: F32) -> F32: ...

    def arrays(self) -> dict[str, np.ndarray]: ...


def _softweights(sims: F32, tau: float) -> F32:
    w: F32 = np.exp((sims - sims.max(axis=-1, keepdims=True)) / tau).astype(np.float32)
    return w


class KnnPredictor:
    kind = "knn"

    def __init__(
        self,
        emb: F32,
        quality: F32,
        prior: F32,
        *,
        k: int = 25,
        tau: float = 0.05,
        alpha: float = 2.0,
        use_hnsw: bool | None = None,
    ) -> None:
        self.emb = np.ascontiguousarray(emb, dtype=np.float32)
        self.quality = np.ascontiguousarray(quality, dtype=np.float32)
        self.prior = np.asarray(prior, dtype=np.float32)
        self.k = max(1, min(k, len(self.emb)))
        self.tau = tau
        self.alpha = alpha
        self._index: Any = None
        if use_hnsw if use_hnsw is not None else len(self.emb) > HNSW_FROM:
            self._index = _build_hnsw(self.emb)

    @property
    def index_kind(self) -> str:
        return "hnsw" if self._index is not None else "exact"

    def _combine(self, idx: npt.NDArray[np.int64], sims: F32) -> F32:
        w = _softweights(sims, self.tau)  # (n, k)
        num = np.einsum("nk,nkm->nm", w, self.quality[idx]) + self.alpha * self.prior
        out: F32 = (num / (w.sum(axis=1, keepdims=True) + self.alpha)).astype(np.float32)
        return out

    def neighbours(self, emb: F32) -> tuple[npt.NDArray[np.int64], F32]:
        q = np.atleast_2d(emb).astype(np.float32, copy=False)
        if self._index is not None:
            labels, dist = self._index.knn_query(q, k=self.k)
            return labels.astype(np.int64), (1.0 - dist).astype(np.float32)
        sims = q @ self.emb.T
        k = self.k
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < sims.shape[1] else None
        if idx is None:
            idx = np.tile(np.arange(sims.shape[1]), (len(q), 1))
        return idx.astype(np.int64), np.take_along_axis(sims, idx, axis=1)

    def predict(self, emb: F32, feats: F32) -> F32:
        idx, sims = self.neighbours(emb)
        out: F32 = self._combine(idx, sims)[0]
        return out

    def predict_many(self, emb: F32, feats: F32) -> F32:
        rows = [self._combine(*self.neighbours(emb[i : i + 512])) for i in range(0, len(emb), 512)]
        return np.concatenate(rows) if rows else np.zeros((0, self.quality.shape[1]), np.float32)

    def leave_one_out(self) -> F32:
        """Predictions for the training prompts themselves, each without its own row
        (exact search; for choosing ``k``/``tau`` on training data only)."""
        out = []
        for s in range(0, len(self.emb), 512):
            sims = self.emb[s : s + 512] @ self.emb.T
            for j in range(sims.shape[0]):
                sims[j, s + j] = -np.inf
            idx = np.argpartition(-sims, self.k - 1, axis=1)[:, : self.k]
            out.append(self._combine(idx, np.take_along_axis(sims, idx, axis=1)))
        return np.concatenate(out)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "emb": self.emb.astype(np.float16),
            "quality": self.quality.astype(np.float16),
            "prior": self.prior,
        }


def _build_hnsw(emb: F32) -> Any:
    import hnswlib

    index = hnswlib.Index(space="ip", dim=emb.shape[1])
    index.init_index(max_elements=len(emb), M=16, ef_construction=100, random_seed=100)
    index.add_items(emb, np.arange(len(emb)))
    index.set_ef(64)
    index.set_num_threads(1)
    return index


class MlpPredictor:
    kind = "mlp"

    def __init__(self, mean: F32, std: F32, w1: F32, b1: F32, w2: F32, b2: F32) -> None:
        self.mean, self.std = mean.astype(np.float32), std.astype(np.float32)
        self.w1, self.b1 = w1.astype(np.float32), b1.astype(np.float32)
        self.w2, self.b2 = w2.astype(np.float32), b2.astype(np.float32)

    def _forward(self, x: F32) -> F32:
        h = np.maximum((x - self.mean) / self.std @ self.w1 + self.b1, 0.0)
        out: F32 = (1.0 / (1.0 + np.exp(-(h @ self.w2 + self.b2)))).astype(np.float32)
        return out

    def predict(self, emb: F32, feats: F32) -> F32:
        out: F32 = self._forward(np.concatenate([emb, feats])[None, :])[0]
        return out

    def predict_many(self, emb: F32, feats: F32) -> F32:
        return self._forward(np.concatenate([emb, feats], axis=1))

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "mean": self.mean,
            "std": self.std,
            "w1": self.w1,
            "b1": self.b1,
            "w2": self.w2,
            "b2": self.b2,
        }


class TaskPredictor:
    """Task probabilities (softmax of ``emb @ w + b``) times each candidate's mean score
    per task. Measured on routerbench (bench/learned_routing_signal.py): the prompt says
    little about which model answers it beyond its task, so this small model routes as
    well as the kNN, and its few operating points mix well (a route's ``mix`` setting)."""

    kind = "task"

    def __init__(self, w: F32, b: F32, task_quality: F32) -> None:
        self.w, self.b = w.astype(np.float32), b.astype(np.float32)
        self.task_quality = task_quality.astype(np.float32)

    def proba(self, emb: F32) -> F32:
        z = np.atleast_2d(emb).astype(np.float32, copy=False) @ self.w + self.b
        e = np.exp(z - z.max(axis=1, keepdims=True))
        out: F32 = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

    def predict(self, emb: F32, feats: F32) -> F32:
        out: F32 = (self.proba(emb) @ self.task_quality)[0]
        return out

    def predict_many(self, emb: F32, feats: F32) -> F32:
        out: F32 = self.proba(emb) @ self.task_quality
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {"w": self.w, "b": self.b, "task_quality": self.task_quality}


@dataclass
class RouterModel:
    """Candidates, a quality predictor and a cost model (see module docstring)."""

    kind: str
    version: str
    candidates: tuple[str, ...]
    predictor: Predictor
    cost_a: F32
    cost_b: F32
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, emb: F32, feats: F32) -> F32:
        return self.predictor.predict(emb, feats)

    def predict_many(self, emb: F32, feats: F32) -> F32:
        return self.predictor.predict_many(emb, feats)

    def expected_cost(self, tokens: int | F32) -> F32:
        """USD per candidate for a prompt of ``tokens`` (shape (M,) or (n, M))."""
        t = np.asarray(tokens, dtype=np.float32)
        out: F32 = (self.cost_a + self.cost_b * t[..., None]).astype(np.float32)
        return out

    def to_bytes(self) -> bytes:
        meta = {
            **self.meta,
            "format": FORMAT,
            "kind": self.kind,
            "version": self.version,
            "candidates": list(self.candidates),
        }
        buf = io.BytesIO()
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps(meta)),
            "cost_a": self.cost_a,
            "cost_b": self.cost_b,
            **self.predictor.arrays(),
        }
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    def save(self, path: str | Path) -> None:
        """Write atomically (a watcher never sees half a file)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(p)

    @classmethod
    def load(cls, path: str | Path, *, use_hnsw: bool | None = None) -> RouterModel:
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError) as exc:
            raise RouterFileError(f"cannot read router file {path}: {exc}") from None
        return cls.from_arrays(arrays, use_hnsw=use_hnsw, where=str(path))

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, np.ndarray], *, use_hnsw: bool | None = None, where: str = "?"
    ) -> RouterModel:
        try:
            meta = json.loads(str(arrays["meta"]))
            kind = meta["kind"]
            cands = tuple(str(c) for c in meta["candidates"])
            if meta.get("format") != FORMAT:
                raise RouterFileError(f"{where}: unsupported format {meta.get('format')!r}")
            predictor: Predictor
            if kind == "knn":
                p = meta.get("params", {})
                predictor = KnnPredictor(
                    arrays["emb"].astype(np.float32),
                    arrays["quality"].astype(np.float32),
                    arrays["prior"],
                    k=int(p.get("k", 25)),
                    tau=float(p.get("tau", 0.05)),
                    alpha=float(p.get("alpha", 2.0)),
                    use_hnsw=use_hnsw,
                )
                m = predictor.quality.shape[1]
            elif kind == "mlp":
                predictor = MlpPredictor(
                    *(arrays[k] for k in ("mean", "std", "w1", "b1", "w2", "b2"))
                )
                m = predictor.w2.shape[1]
            elif kind == "task":
                predictor = TaskPredictor(arrays["w"], arrays["b"], arrays["task_quality"])
                t, m = predictor.task_quality.shape
                if predictor.w.shape != (predictor.w.shape[0], t) or predictor.b.shape != (t,):
                    raise RouterFileError(f"{where}: task arrays do not match {t} tasks")
            else:
                raise RouterFileError(f"{where}: unknown router kind {kind!r}")
            cost_a, cost_b = arrays["cost_a"], arrays["cost_b"]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise RouterFileError(f"{where}: not a router file ({exc!r})") from None
        if m != len(cands) or cost_a.shape != (m,) or cost_b.shape != (m,):
            raise RouterFileError(f"{where}: arrays do not match {len(cands)} candidates")
        return cls(
            kind,
            str(meta["version"]),
            cands,
            predictor,
            cost_a.astype(np.float32),
            cost_b.astype(np.float32),
            meta,
        )


def candidate_index(model: RouterModel, names: Sequence[str]) -> list[int]:
    """Positions of ``names`` among the router's candidates (KeyError names one missing)."""
    pos = {c: i for i, c in enumerate(model.candidates)}
    return [pos[n] for n in names]
