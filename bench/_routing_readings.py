"""Readings of a router's quality/cost curve, and the bounds it is held against.

Pure numpy; shared by bench/learned_routing_signal.py. A *curve* is a list of
(cost_usd, quality) operating points (one per cost weight). Two readings at a budget:

* ``best_point``: the best single operating point costing no more than the budget;
* ``mixed``: the upper concave envelope of the points at the budget, i.e. the best
  randomised mixture of two operating points (each request goes to router A with
  probability p, else to router B). A mixture of two routers is itself a router, and
  its expected cost and quality are the linear interpolation: the standard way to
  read a routing curve at a given budget (RouterBench's "non-decreasing convex hull").
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from routeiq.learned.evaluate import mixture_choice

__all__ = ["mixture_choice"]  # re-exported for the benches

F32 = npt.NDArray[np.float32]


def curve(pred: F32, cost_hat: F32, quality: F32, cost: F32, weights: Sequence[float]) -> F32:
    """(len(weights), 2) array of (mean cost, mean quality) of argmax(pred - w * cost_hat)."""
    rows = np.arange(len(quality))
    out = np.zeros((len(weights), 2), np.float64)
    for i, w in enumerate(weights):
        choice = (pred - np.float32(w) * cost_hat).argmax(axis=1)
        out[i] = cost[rows, choice].mean(), quality[rows, choice].mean()
    return out.astype(np.float32)


def best_point(points: np.ndarray, budget: float) -> float | None:
    ok = points[points[:, 0] <= budget * (1 + 1e-9)]
    return float(ok[:, 1].max()) if len(ok) else None


def mixed(points: np.ndarray, budget: float) -> float | None:
    """Best quality of a randomised mixture of two points at expected cost <= budget."""
    lo = points[points[:, 0] <= budget * (1 + 1e-9)]
    if not len(lo):
        return None
    best = float(lo[:, 1].max())
    hi = points[points[:, 0] > budget]
    if len(hi):
        c0, q0 = lo[:, 0][:, None].astype(np.float64), lo[:, 1][:, None].astype(np.float64)
        c1, q1 = hi[:, 0][None, :].astype(np.float64), hi[:, 1][None, :].astype(np.float64)
        interp = q0 + (q1 - q0) * (budget - c0) / (c1 - c0)
        best = max(best, float(interp.max()))
    return best


def below_fixed(points: np.ndarray, quality: F32, cost: F32) -> int:
    """How many operating points lie under a fixed single model that costs no more."""
    mq, mc = quality.mean(axis=0), cost.mean(axis=0)
    n = 0
    for c, q in points:
        rivals = mq[mc <= c + 1e-12]
        n += int(len(rivals) > 0 and q + 1e-9 < rivals.max())
    return n


def task_points(quality: F32, cost: F32, tasks: np.ndarray) -> np.ndarray:
    """(cost, quality) of every assignment of one fixed model per task label."""
    labels = sorted(set(tasks.tolist()))
    share = np.array([(tasks == t).mean() for t in labels])
    q = np.stack([quality[tasks == t].mean(axis=0) for t in labels])  # (T, M)
    c = np.stack([cost[tasks == t].mean(axis=0) for t in labels])
    pts = []
    for combo in product(range(quality.shape[1]), repeat=len(labels)):
        idx = (np.arange(len(labels)), np.array(combo))
        pts.append((float((share * c[idx]).sum()), float((share * q[idx]).sum())))
    return np.array(pts, np.float32)


def oracle(quality: F32, cost: F32) -> dict[str, float]:
    top = quality.max(axis=1, keepdims=True)
    pick = np.where(quality >= top - 1e-9, cost, np.inf).argmin(axis=1)
    rows = np.arange(len(quality))
    return {
        "quality": float(quality[rows, pick].mean()),
        "cost_usd": float(cost[rows, pick].mean()),
    }


def readings(points: np.ndarray, best_cost: float, fracs: Sequence[float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fracs:
        out[f"point_{f:.0%}"] = best_point(points, f * best_cost)
        out[f"mixed_{f:.0%}"] = mixed(points, f * best_cost)
    return out


def auc(score: np.ndarray, label: np.ndarray) -> float | None:
    """ROC AUC by ranks (ties count half); None when one class is absent."""
    label = label.astype(bool)
    n1, n0 = int(label.sum()), int((~label).sum())
    if not n1 or not n0:
        return None
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), np.float64)
    s = score[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[label].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
