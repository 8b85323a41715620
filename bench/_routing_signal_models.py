"""The routers tried for issue 13's open target, and the signal analysis (bench only).

``fit_predict(name, params, data, fit_rows, pred_rows)`` fits one router on
``fit_rows`` and returns its predicted quality per candidate on ``pred_rows``; the
``ROUTERS`` grids are searched on a validation slice by bench/learned_routing_signal.py.
scikit-learn and torch are used offline here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench import _routing_readings as rd
from routeiq.learned.data import Row
from routeiq.learned.evaluate import weight_sweep
from routeiq.learned.train import train_router


@dataclass
class Data:
    rows: list[Row]
    names: list[str]
    emb: np.ndarray  # onnx-int8 MiniLM (the gateway's embedder)
    emb32: np.ndarray  # torch fp32 MiniLM
    feats: np.ndarray
    quality: np.ndarray
    cost: np.ndarray
    tokens: np.ndarray
    tasks: np.ndarray


ROUTERS: dict[str, Sequence[Any]] = {
    "knn": [None],
    "task": [None],
    "knn-fp32": [None],
    "mlp": [None],
    "task-prior": [None],
    "lr-correct": [0.003, 0.03, 0.3],
    "lr-diff": [0.003, 0.03, 0.3],
    "hgb-diff": [100],
    "mf": [(4, 1e-3), (16, 1e-3), (16, 1e-2)],
    "knn+lr-diff": [0.03],
}


def _task_proba(d: Data, fit: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Task probabilities from the embedding (a task classifier: labels are known in
    training data, not at serving); out-of-fold for the fitting rows themselves."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    clf = LogisticRegression(C=1.0, max_iter=2000)
    p_fit = cross_val_predict(clf, d.emb[fit], d.tasks[fit], cv=5, method="predict_proba")
    p_pred = clf.fit(d.emb[fit], d.tasks[fit]).predict_proba(d.emb[pred])
    return p_fit, p_pred


def predict_task(d: Data, fit: np.ndarray, pred: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, max_iter=2000).fit(d.emb[fit], d.tasks[fit])
    return np.asarray(clf.predict(d.emb[pred]))


def _design(d: Data, fit: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p_fit, p_pred = _task_proba(d, fit, pred)
    xf = np.concatenate([d.emb[fit], d.feats[fit], p_fit], axis=1)
    xp = np.concatenate([d.emb[pred], d.feats[pred], p_pred], axis=1)
    mu, sd = xf.mean(axis=0), xf.std(axis=0) + 1e-3
    return (xf - mu) / sd, (xp - mu) / sd


def _binary_lr(x: np.ndarray, y: np.ndarray, xp: np.ndarray, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return np.full(len(xp), float(y[0]))
    return np.asarray(
        LogisticRegression(C=c, max_iter=3000).fit(x, y).predict_proba(xp)[:, 1], np.float32
    )


def _diff(d: Data, fit: np.ndarray, pred: np.ndarray, clf_factory: Any, x: Any) -> np.ndarray:
    """E[q_m] = E[q_best] + P(m better than best) - P(m worse), per candidate."""
    xf, xp = x
    q = (d.quality[fit] >= 0.5).astype(int)
    best = int(q.mean(axis=0).argmax())
    base = _binary_lr(xf, q[:, best], xp, 0.03)
    out = np.zeros((len(pred), q.shape[1]), np.float32)
    for m in range(q.shape[1]):
        if m == best:
            out[:, m] = base
            continue
        y = np.sign(q[:, m] - q[:, best])
        if len(set(y.tolist())) == 1:
            out[:, m] = base + y[0]
            continue
        clf = clf_factory().fit(xf, y)
        p = clf.predict_proba(xp)
        cls = list(clf.classes_)
        better = p[:, cls.index(1)] if 1 in cls else 0.0
        worse = p[:, cls.index(-1)] if -1 in cls else 0.0
        out[:, m] = base + better - worse
    return out


def _mf(x: np.ndarray, q: np.ndarray, xp: np.ndarray, rank: int, decay: float) -> np.ndarray:
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(q, dtype=torch.float32)
    proj = torch.nn.Linear(x.shape[1], rank, bias=False)
    v = torch.nn.Parameter(torch.randn(q.shape[1], rank) * 0.1)
    base = np.clip(q.mean(axis=0), 0.02, 0.98)
    b = torch.nn.Parameter(torch.tensor(np.log(base / (1 - base)), dtype=torch.float32))
    opt = torch.optim.Adam([*proj.parameters(), v, b], lr=3e-3, weight_decay=decay)
    for _ in range(400):
        opt.zero_grad()
        logit = proj(xt) @ v.T + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, yt)
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = torch.sigmoid(proj(torch.tensor(xp, dtype=torch.float32)) @ v.T + b)
    return np.asarray(out.numpy(), np.float32)


def fit_predict(name: str, params: Any, d: Data, fit: np.ndarray, pred: np.ndarray) -> np.ndarray:
    from sklearn.decomposition import PCA
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    rows = [d.rows[i] for i in fit]
    if name in ("knn", "knn-fp32", "mlp", "task"):
        emb = d.emb32 if name == "knn-fp32" else d.emb
        model = train_router(rows, emb[fit], kind="knn" if name == "knn-fp32" else name)
        return model.predict_many(emb[pred], d.feats[pred])
    if name == "task-prior":
        p_fit, p_pred = _task_proba(d, fit, pred)
        labels = sorted(set(d.tasks[fit].tolist()))
        means = np.stack([d.quality[fit][d.tasks[fit] == t].mean(axis=0) for t in labels])
        return np.asarray(p_pred @ means, np.float32)
    x = _design(d, fit, pred)
    if name == "lr-correct":
        q = (d.quality[fit] >= 0.5).astype(int)
        return np.stack([_binary_lr(x[0], q[:, m], x[1], params) for m in range(q.shape[1])], 1)
    if name == "lr-diff":
        return _diff(d, fit, pred, lambda: LogisticRegression(C=params, max_iter=3000), x)
    if name == "knn+lr-diff":
        lr = _diff(d, fit, pred, lambda: LogisticRegression(C=params, max_iter=3000), x)
        return 0.5 * (lr + fit_predict("knn", None, d, fit, pred))
    if name == "hgb-diff":
        pca = PCA(32, random_state=0).fit(d.emb[fit])
        p_fit, p_pred = _task_proba(d, fit, pred)
        xf = np.concatenate([pca.transform(d.emb[fit]), d.feats[fit], p_fit], axis=1)
        xp = np.concatenate([pca.transform(d.emb[pred]), d.feats[pred], p_pred], axis=1)

        def factory() -> Any:
            return HistGradientBoostingClassifier(
                max_iter=params, learning_rate=0.05, max_depth=3, l2_regularization=1.0
            )

        return _diff(d, fit, pred, factory, (xf, xp))
    if name == "mf":
        return _mf(x[0], (d.quality[fit] >= 0.5).astype(np.float32), x[1], *params)
    raise ValueError(name)


def task_frontier(
    pred: np.ndarray,
    cost_hat: np.ndarray,
    quality: np.ndarray,
    cost: np.ndarray,
    tasks: np.ndarray,
    weights: Sequence[float],
) -> list[tuple[float, float, dict[str, float]]]:
    """The Pareto frontier of (mean cost, mean quality, {task: cost weight}) over one
    cost weight per task on these rows (exact, combined task by task)."""
    n = len(quality)
    grid = list(weights)[::2]
    frontier: list[tuple[float, float, dict[str, float]]] = [(0.0, 0.0, {})]
    for t in sorted(set(tasks.tolist())):
        s = tasks == t
        pts = rd.curve(pred[s], cost_hat[s], quality[s], cost[s], grid) * (s.sum() / n)
        combined = [
            (c0 + float(c), q0 + float(q), {**a, t: w})
            for c0, q0, a in frontier
            for (c, q), w in zip(pts, grid, strict=True)
        ]
        combined.sort(key=lambda p: (p[0], -p[1]))
        frontier, top = [], -1.0
        for p in combined:
            if p[1] > top + 1e-12:
                frontier.append(p)
                top = p[1]
    return frontier


def signal_auc(d: Data, tr: np.ndarray) -> list[dict[str, Any]]:
    """5-fold cross-validated AUC inside each task (train part only): how well the
    prompt predicts "model m correct" and "model m as good as the best model"."""
    from sklearn.decomposition import PCA
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    q = (d.quality[tr] >= 0.5).astype(int)
    best = int(q.mean(axis=0).argmax())
    x = np.concatenate([d.emb[tr], d.feats[tr]], axis=1)
    x = (x - x.mean(0)) / (x.std(0) + 1e-3)
    xh = np.concatenate([PCA(32, random_state=0).fit_transform(d.emb[tr]), d.feats[tr]], axis=1)
    learners = {
        "lr C=0.01": (lambda: LogisticRegression(C=0.01, max_iter=3000), x),
        "lr C=0.1": (lambda: LogisticRegression(C=0.1, max_iter=3000), x),
        "hgb": (
            lambda: HistGradientBoostingClassifier(
                max_iter=100, learning_rate=0.05, max_depth=3, l2_regularization=1.0
            ),
            xh,
        ),
    }
    out = []
    for t in sorted(set(d.tasks[tr].tolist())):
        s = d.tasks[tr] == t
        for label, target in (("correct", q[s]), ("as good as best", q[s] >= q[s][:, [best]])):
            row: dict[str, Any] = {"task": t, "n": int(s.sum()), "label": label}
            for lname, (factory, feats) in learners.items():
                aucs = []
                for m in range(q.shape[1]):
                    y = target[:, m].astype(int)
                    if (label != "correct" and m == best) or min(y.sum(), len(y) - y.sum()) < 10:
                        continue
                    cv = StratifiedKFold(5, shuffle=True, random_state=0)
                    p = cross_val_predict(factory(), feats[s], y, cv=cv, method="predict_proba")
                    a = rd.auc(p[:, 1], y)
                    if a is not None:
                        aucs.append(a)
                row[lname] = round(float(np.mean(aucs)), 3) if aucs else None
            out.append(row)
            print(f"  {row}", flush=True)
    return out


def needed_auc(d: Data, tr: np.ndarray, fracs: Sequence[float]) -> list[dict[str, Any]]:
    """A simulated router whose per-candidate signal has a given AUC inside each task:
    score s = delta * correct + N(0, 1) (AUC = Phi(delta / sqrt 2)), turned into the
    Bayes-calibrated P(correct | task, s); real labels and costs of the train part,
    costs known exactly (optimistic). What AUC would the target need?"""
    from scipy.stats import norm

    q, c, tasks = (d.quality[tr] >= 0.5).astype(np.float32), d.cost[tr], d.tasks[tr]
    best = int(q.mean(axis=0).argmax())
    bq, bc = float(q[:, best].mean()), float(c[:, best].mean())
    base = np.zeros_like(q)
    for t in set(tasks.tolist()):
        base[tasks == t] = np.clip(q[tasks == t].mean(axis=0), 0.01, 0.99)
    weights = weight_sweep(c, points=120)
    out = []
    for a in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        delta = float(np.sqrt(2) * norm.ppf(a))
        res: dict[str, list[float]] = {f"{f:.0%}": [] for f in fracs}
        for seed in range(5):
            s = delta * q + np.random.default_rng(seed).standard_normal(q.shape)
            logit = np.log(base / (1 - base)) + delta * s - delta**2 / 2
            pred = (1 / (1 + np.exp(-logit))).astype(np.float32)
            pts = rd.curve(pred, c, q, c, weights)
            for f in fracs:
                res[f"{f:.0%}"].append(rd.mixed(pts, f * bc) or 0.0)
        row: dict[str, Any] = {"within_task_auc": a}
        for f in fracs:
            row[f"mixed<={f:.0%}"] = round(float(np.mean(res[f"{f:.0%}"])), 4)
        row["target 25%"], row["target 50%"] = round(0.95 * bq, 4), round(bq, 4)
        out.append(row)
        print(f"  {row}", flush=True)
    return out
