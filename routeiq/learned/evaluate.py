"""Quality/cost evaluation of a router on labelled rows, beside fixed baselines.

``evaluate(pred, cost_hat, quality, cost)`` sweeps the cost weight: for each weight
the router picks ``argmax(pred - w * cost_hat)`` per row and scores that choice with
the row's REAL quality and USD cost. Baselines on the same rows: always-cheapest and
always-best (the fixed models with the lowest mean cost / highest mean quality on
these rows, which flatters the baselines), random (exact expectation: the mean over
models) and oracle (per row, the cheapest model reaching the row's best score).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from routeiq.learned.decision import scores

__all__ = ["baselines", "evaluate", "mixture_choice", "plot", "weight_sweep"]

F32 = npt.NDArray[np.float32]


def weight_sweep(cost_hat: F32, points: int = 48) -> list[float]:
    """0, then log-spaced weights from "cost barely matters" to "cheapest wins"."""
    means = cost_hat.mean(axis=0)
    hi = float(means.max()) or 1.0
    lo = float(means[means > 0].min()) if (means > 0).any() else hi
    return [0.0, *np.geomspace(0.01 / hi, 50.0 / lo, points).tolist()]


def baselines(quality: F32, cost: F32, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    mq, mc = quality.mean(axis=0), cost.mean(axis=0)
    cheap, best = int(np.argmin(mc)), int(np.argmax(mq))
    top = quality.max(axis=1, keepdims=True)
    masked = np.where(quality >= top - 1e-9, cost, np.inf)
    oracle = masked.argmin(axis=1)
    rows = np.arange(len(quality))
    return {
        "cheapest": {
            "model": names[cheap],
            "quality": float(mq[cheap]),
            "cost_usd": float(mc[cheap]),
        },
        "best": {"model": names[best], "quality": float(mq[best]), "cost_usd": float(mc[best])},
        "random": {"quality": float(mq.mean()), "cost_usd": float(mc.mean())},
        "oracle": {
            "quality": float(quality[rows, oracle].mean()),
            "cost_usd": float(cost[rows, oracle].mean()),
        },
    }


def evaluate(
    pred: F32,
    cost_hat: F32,
    quality: F32,
    cost: F32,
    names: Sequence[str],
    weights: Sequence[float] | None = None,
) -> dict[str, Any]:
    weights = list(weights) if weights is not None else weight_sweep(cost_hat)
    rows = np.arange(len(quality))
    curve = []
    for w in weights:
        choice = scores(pred, cost_hat, w).argmax(axis=1)
        share = np.bincount(choice, minlength=len(names)) / len(choice)
        curve.append(
            {
                "cost_weight": float(w),
                "quality": float(quality[rows, choice].mean()),
                "cost_usd": float(cost[rows, choice].mean()),
                "share": {names[i]: round(float(s), 4) for i, s in enumerate(share) if s > 0},
            }
        )
    base = baselines(quality, cost, names)
    singles = [
        {"model": n, "quality": float(q), "cost_usd": float(c)}
        for n, q, c in zip(names, quality.mean(0), cost.mean(0), strict=True)
    ]
    return {
        "n": len(quality),
        "curve": curve,
        "baselines": base,
        "models": singles,
        "targets": targets(curve, base, singles),
    }


def _best_under(curve: Sequence[dict[str, Any]], budget: float) -> float | None:
    ok = [p["quality"] for p in curve if p["cost_usd"] <= budget]
    return max(ok) if ok else None


def mixture_choice(points: np.ndarray, budget: float) -> tuple[int, int, float] | None:
    """(i, j, p): run operating point i for a share p of requests, j for the rest; the
    best such mixture at expected cost <= budget among ``points`` ((n, 2): cost,
    quality). Its cost and quality are the straight line between the two points, so
    this reads the curve's upper hull; i == j is a single point. None: nothing fits."""
    c = points[:, 0].astype(np.float64)
    q = points[:, 1].astype(np.float64)
    best: tuple[float, int, int, float] | None = None
    for i in np.flatnonzero(c <= budget * (1 + 1e-9)):
        if best is None or q[i] > best[0]:
            best = (float(q[i]), int(i), int(i), 1.0)
        for j in np.flatnonzero(c > budget):
            p = float((c[j] - budget) / (c[j] - c[i]))  # the share of i that spends budget
            val = p * q[i] + (1 - p) * q[j]
            if val > best[0] + 1e-12:
                best = (float(val), int(i), int(j), p)
    return None if best is None else best[1:]


def _mix_at(curve: Sequence[dict[str, Any]], budget: float) -> dict[str, Any] | None:
    """The route settings of the best mixture within budget, and what it gives."""
    pts = np.array([(p["cost_usd"], p["quality"]) for p in curve], np.float64).reshape(-1, 2)
    got = mixture_choice(pts, budget)
    if got is None:
        return None
    i, j, share = got
    cost, quality = share * pts[i] + (1 - share) * pts[j]
    mix = None if i == j else {"cost_weight": curve[i]["cost_weight"], "share": round(share, 4)}
    return {
        "cost_weight": curve[j]["cost_weight"],
        "mix": mix,
        "quality": float(quality),
        "cost_usd": float(cost),
    }


def targets(
    curve: Sequence[dict[str, Any]],
    base: dict[str, dict[str, Any]],
    singles: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The issue's three checks, with the numbers behind them."""
    bq, bc = base["best"]["quality"], base["best"]["cost_usd"]
    q50, q25 = _best_under(curve, 0.5 * bc), _best_under(curve, 0.25 * bc)
    # Every router point must beat every fixed model that costs no more than it does.
    below = []
    for p in curve:
        rivals = [s["quality"] for s in singles if s["cost_usd"] <= p["cost_usd"] + 1e-12]
        if rivals and p["quality"] + 1e-9 < max(rivals):
            below.append(
                {
                    "cost_weight": p["cost_weight"],
                    "cost_usd": p["cost_usd"],
                    "quality": p["quality"],
                    "best_fixed_at_cost": max(rivals),
                }
            )
    mix50, mix25 = _mix_at(curve, 0.5 * bc), _mix_at(curve, 0.25 * bc)
    return {
        # A route's cost_weight + mix running these two points reaches the curve's hull.
        "mixed_at_50pct_best_cost": mix50,
        "mixed_at_25pct_best_cost": mix25,
        "quality_at_50pct_best_cost": q50,
        "meets_best_quality_at_50pct_cost": q50 is not None and q50 >= bq,
        "quality_at_25pct_best_cost": q25,
        "meets_95pct_quality_at_25pct_cost": q25 is not None and q25 >= 0.95 * bq,
        "points_below_fixed_models": below,
        "curve_above_fixed_models": not below,
    }


def plot(result: dict[str, Any], path: str | Path, title: str = "router") -> None:
    """The quality/cost plane: the router's curve, each fixed model, the baselines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, res in (result["curves"] if "curves" in result else {title: result}).items():
        pts = sorted(res["curve"], key=lambda p: p["cost_usd"])
        ax.plot([p["cost_usd"] for p in pts], [p["quality"] for p in pts], marker=".", label=label)
    for s in result.get("models", []):
        ax.scatter(s["cost_usd"], s["quality"], c="grey", s=14)
        ax.annotate(s["model"].split("/")[-1][:18], (s["cost_usd"], s["quality"]), fontsize=6)
    for name, b in result["baselines"].items():
        ax.scatter(b["cost_usd"], b["quality"], marker="x", s=50, label=name)
    ax.set_xscale("log")
    ax.set_xlabel("mean cost per query (USD, log)")
    ax.set_ylabel("mean quality")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
