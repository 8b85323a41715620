"""Offline training of a router from labelled rows (numpy only, seeded, minutes at most).

``train_router(rows, embeddings, kind=...)`` returns a :class:`RouterModel`:

* knn: the training prompts' embeddings and scores; ``k``, ``tau`` and ``alpha`` are
  chosen on the training rows themselves by leave-one-out squared error (no dev data).
* mlp: one hidden layer (ReLU) and a sigmoid per candidate over [embedding, text
  features], trained with Adam on cross-entropy against the (soft) scores, with weight
  decay and early stopping on a 10 % slice of the training rows.
* task: a softmax regression of the row's ``task`` label on the embedding (Adam, L2,
  early stopping on a 10 % slice) and each candidate's mean score per task.
* the cost model: per candidate, least squares of the row's USD cost on
  [1, prompt tokens], clipped to non-negative.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from routeiq.learned.data import Row, model_names
from routeiq.learned.evaluate import evaluate
from routeiq.learned.features import N_FEATURES, features_matrix, prompt_tokens
from routeiq.learned.model import KnnPredictor, MlpPredictor, RouterModel, TaskPredictor

__all__ = ["fit_cost", "fit_knn", "fit_mlp", "fit_task", "matrices", "train_router"]

F32 = npt.NDArray[np.float32]
KINDS = ("knn", "mlp", "task")


def matrices(rows: Sequence[Row], candidates: Sequence[str]) -> tuple[F32, F32, F32]:
    """(quality (n, M), cost (n, M), tokens (n,)); a missing cost counts as 0."""
    q = np.array([[r.quality[c] for c in candidates] for r in rows], dtype=np.float32)
    c = np.array([[r.cost_usd.get(m, 0.0) for m in candidates] for r in rows], dtype=np.float32)
    # The whole prompt is what a model is paid for (as at serving: every message counts),
    # though the router reads only the query.
    t = np.array(
        [
            r.extra.get("prompt_tokens") or prompt_tokens(str(r.extra.get("prompt") or r.text))
            for r in rows
        ],
        dtype=np.float32,
    )
    return q, c, t


def fit_cost(cost: F32, tokens: F32) -> tuple[F32, F32]:
    x = np.stack([np.ones_like(tokens), tokens], axis=1).astype(np.float64)
    coef, *_ = np.linalg.lstsq(x, cost.astype(np.float64), rcond=None)
    a, b = coef[0], coef[1]
    neg = b < 0
    a = np.where(neg, cost.mean(axis=0), a)
    b = np.where(neg, 0.0, b)
    return np.maximum(a, 0.0).astype(np.float32), b.astype(np.float32)


def fit_knn(
    emb: F32,
    quality: F32,
    *,
    cost: F32 | None = None,
    cost_hat: F32 | None = None,
    tune: bool = True,
) -> tuple[KnnPredictor, dict[str, Any]]:
    """kNN over the training prompts; with ``tune``, ``k``/``tau``/``alpha`` are chosen
    on the training rows by leave-one-out: the routing objective (best quality at
    <= 50 % and <= 25 % of the best model's cost, from the curve of the LOO
    predictions) when costs are given, squared error breaking ties."""
    prior = quality.mean(axis=0)
    best: tuple[float, float, dict[str, Any]] | None = None
    if tune and len(emb) > 50:
        for k, tau, alpha in product((10, 25, 50, 100, 200), (0.05, 0.1, 1.0), (1.0, 4.0, 16.0)):
            knn = KnnPredictor(emb, quality, prior, k=k, tau=tau, alpha=alpha, use_hnsw=False)
            loo = knn.leave_one_out()
            err = float(((loo - quality) ** 2).mean())
            score = 0.0
            if cost is not None and cost_hat is not None:
                t = evaluate(loo, cost_hat, quality, cost, [str(i) for i in range(len(prior))])
                t = t["targets"]
                score = (t["quality_at_50pct_best_cost"] or 0.0) + (
                    t["quality_at_25pct_best_cost"] or 0.0
                )
            if best is None or (score, -err) > (best[0], -best[1]):
                chosen = {"k": k, "tau": tau, "alpha": alpha, "loo_mse": round(err, 5)}
                best = (score, err, {**chosen, "loo_routing_score": round(score, 4)})
    params: dict[str, Any] = best[2] if best else {"k": 25, "tau": 0.05, "alpha": 2.0}
    knn = KnnPredictor(
        emb, quality, prior, k=params["k"], tau=params["tau"], alpha=params["alpha"], use_hnsw=False
    )
    return knn, params


def fit_mlp(
    x: F32,
    quality: F32,
    *,
    hidden: int = 64,
    epochs: int = 300,
    lr: float = 3e-3,
    decay: float = 1e-3,
    batch: int = 64,
    patience: int = 20,
    seed: int = 0,
) -> tuple[MlpPredictor, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    n, d = x.shape
    m = quality.shape[1]
    mean = x.mean(axis=0)
    std = x.std(axis=0) + 1e-3
    xn = ((x - mean) / std).astype(np.float32)
    perm = rng.permutation(n)
    n_val = max(1, n // 10) if n >= 20 else 0
    val, tr = perm[:n_val], perm[n_val:]
    base = np.clip(quality.mean(0), 0.02, 0.98)
    params = {
        "w1": (rng.standard_normal((d, hidden)) * np.sqrt(2.0 / d)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": (rng.standard_normal((hidden, m)) * np.sqrt(1.0 / hidden)).astype(np.float32),
        "b2": np.log(base / (1 - base)).astype(np.float32),  # start at the mean scores
    }
    mom = {k: np.zeros_like(v) for k, v in params.items()}
    vel = {k: np.zeros_like(v) for k, v in params.items()}

    def forward(xb: F32) -> tuple[F32, F32]:
        h = np.maximum(xb @ params["w1"] + params["b1"], 0.0)
        p = 1.0 / (1.0 + np.exp(-(h @ params["w2"] + params["b2"])))
        return h, p

    def loss(idx: npt.NDArray[np.int64]) -> float:
        _, p = forward(xn[idx])
        p = np.clip(p, 1e-6, 1 - 1e-6)
        y = quality[idx]
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())

    best = (np.inf, {k: v.copy() for k, v in params.items()}, 0)
    step = 0
    for epoch in range(epochs):
        rng.shuffle(tr)
        for s in range(0, len(tr), batch):
            idx = tr[s : s + batch]
            xb, yb = xn[idx], quality[idx]
            h, p = forward(xb)
            g_out = (p - yb) / len(idx) / m  # d(mean BCE)/d(logit)
            grads = {
                "w2": h.T @ g_out + decay * params["w2"],
                "b2": g_out.sum(axis=0),
            }
            g_h = (g_out @ params["w2"].T) * (h > 0)
            grads["w1"] = xb.T @ g_h + decay * params["w1"]
            grads["b1"] = g_h.sum(axis=0)
            step += 1
            for k, g in grads.items():
                mom[k] = 0.9 * mom[k] + 0.1 * g
                vel[k] = 0.999 * vel[k] + 0.001 * g * g
                mh = mom[k] / (1 - 0.9**step)
                vh = vel[k] / (1 - 0.999**step)
                params[k] = (params[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        if n_val:
            v = loss(val)
            if v < best[0] - 1e-5:
                best = (v, {k: w.copy() for k, w in params.items()}, epoch)
            elif epoch - best[2] >= patience:
                break
    if n_val:
        params = best[1]
    mlp = MlpPredictor(mean, std, params["w1"], params["b1"], params["w2"], params["b2"])
    info = {"hidden": hidden, "epochs": int(best[2]) + 1, "val_bce": round(float(best[0]), 5)}
    return mlp, info


def fit_task(
    emb: F32,
    labels: Sequence[str],
    quality: F32,
    *,
    decay: float = 1e-3,
    lr: float = 0.05,
    steps: int = 400,
    seed: int = 0,
) -> tuple[TaskPredictor, dict[str, Any]]:
    """A task classifier on the embedding and the candidates' mean score per task."""
    tasks = sorted(set(labels))
    if len(tasks) < 2:
        raise ValueError("a task router needs rows of at least two different 'task' labels")
    y = np.array([tasks.index(t) for t in labels])
    task_quality = np.stack([quality[y == i].mean(axis=0) for i in range(len(tasks))])
    onehot = np.eye(len(tasks), dtype=np.float32)[y]
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    n_val = len(y) // 10 if len(y) >= 50 else 0
    val, tr = perm[:n_val], perm[n_val:]
    w = np.zeros((emb.shape[1], len(tasks)), np.float32)
    b = np.log(onehot[tr].mean(axis=0) + 1e-3).astype(np.float32)
    m = {"w": np.zeros_like(w), "b": np.zeros_like(b)}
    v = {"w": np.zeros_like(w), "b": np.zeros_like(b)}
    best: tuple[float, F32, F32, int] = (np.inf, w.copy(), b.copy(), 0)
    for step in range(1, steps + 1):
        p = TaskPredictor(w, b, task_quality).proba(emb[tr])
        g = (p - onehot[tr]) / len(tr)
        grads = {"w": emb[tr].T @ g + decay * w, "b": g.sum(axis=0)}
        params = {"w": w, "b": b}
        for k, gk in grads.items():
            m[k] = 0.9 * m[k] + 0.1 * gk
            v[k] = 0.999 * v[k] + 0.001 * gk * gk
            upd = lr * (m[k] / (1 - 0.9**step)) / (np.sqrt(v[k] / (1 - 0.999**step)) + 1e-8)
            params[k] = (params[k] - upd).astype(np.float32)
        w, b = params["w"], params["b"]
        if n_val:
            pv = TaskPredictor(w, b, task_quality).proba(emb[val])
            loss = float(-np.log(pv[np.arange(n_val), y[val]] + 1e-9).mean())
            if loss < best[0] - 1e-5:
                best = (loss, w.copy(), b.copy(), step)
            elif step - best[3] >= 40:
                break
    if n_val:
        w, b = best[1], best[2]
    info = {"tasks": tasks, "steps": int(best[3] or steps), "val_ce": round(float(best[0]), 5)}
    return TaskPredictor(w, b, task_quality), info


MLP_GRID = ((64, 1e-3), (32, 1e-2), (16, 3e-2), (64, 3e-2))  # (hidden units, weight decay)


def fit_mlp_tuned(x: F32, quality: F32) -> tuple[MlpPredictor, dict[str, Any]]:
    """The MLP of the (hidden, decay) pair with the lowest cross-entropy on the slice
    of the training rows held out for early stopping (no dev data involved)."""
    best: tuple[MlpPredictor, dict[str, Any]] | None = None
    for hidden, decay in MLP_GRID:
        mlp, info = fit_mlp(x, quality, hidden=hidden, decay=decay, lr=1e-3)
        if best is None or info["val_bce"] < best[1]["val_bce"]:
            best = (mlp, {**info, "decay": decay})
    assert best is not None
    return best


def train_router(
    rows: Sequence[Row],
    emb: F32,
    *,
    kind: str = "knn",
    candidates: Sequence[str] | None = None,
    tune: bool = True,
    source: str = "",
    embedding_runtime: str = "onnx-int8",
) -> RouterModel:
    if kind not in KINDS:
        raise ValueError(f"unknown router kind {kind!r}; expected one of {', '.join(KINDS)}")
    names = list(candidates) if candidates else model_names(rows)
    missing = [c for c in names if any(c not in r.quality for r in rows)]
    if missing or not names:
        raise ValueError(f"candidates without a score on every row: {missing or 'none given'}")
    quality, cost, tokens = matrices(rows, names)
    cost_a, cost_b = fit_cost(cost, tokens)
    params: dict[str, Any]
    predictor: KnnPredictor | MlpPredictor | TaskPredictor
    if kind == "task":
        labels = [r.extra.get("task") for r in rows]
        if any(not isinstance(t, str) or not t for t in labels):
            raise ValueError("--kind task needs a 'task' label (a string) on every row")
        predictor, params = fit_task(emb, [str(t) for t in labels], quality)
    elif kind == "knn":
        cost_hat = cost_a + cost_b * tokens[:, None]
        predictor, params = fit_knn(emb, quality, cost=cost, cost_hat=cost_hat, tune=tune)
    else:
        feats = [r.extra.get("features") for r in rows]
        f = (
            np.stack([np.asarray(x) for x in feats])
            if all(x is not None for x in feats)
            else features_matrix([r.text for r in rows])
        )
        x = np.concatenate([emb, f], axis=1).astype(np.float32)
        predictor, params = fit_mlp_tuned(x, quality) if tune else fit_mlp(x, quality)
    digest = hashlib.sha256(emb.tobytes() + quality.tobytes()).hexdigest()[:8]
    version = f"{kind}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{digest}"
    meta = {
        "embedding": "all-MiniLM-L6-v2",
        "embedding_runtime": embedding_runtime,
        "features": N_FEATURES,
        "rows": len(rows),
        "params": params,
        "source": source,
        "trained_at": time.time(),
    }
    return RouterModel(kind, version, tuple(names), predictor, cost_a, cost_b, meta)
