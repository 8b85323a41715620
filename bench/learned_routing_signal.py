"""Issue 13's open target: every router tried on routerbench, and how much per-prompt
signal there is to route on.

Same data and split as bench/learned_routing.py (routerbench train part, 25 % dev by
a hash of the routed text). Every router below is fitted on the train part only; its
hyper-parameters are chosen on an inner validation split OF THE TRAIN PART (another
hash salt, 25 %): a router trained on the other 75 %, read at <= 25 % and <= 50 % of
GPT-4's cost on that slice. Dev is read once per router, for the table.

Routers (all predict a quality per candidate; the decision is argmax q - w * cost):
  knn, knn-fp32   the shipped kNN (int8 / fp32 MiniLM vectors), k/tau/alpha by LOO
  mlp             the shipped one-hidden-layer MLP
  task-prior      a task classifier on the embedding x each model's mean score per task
  lr-correct      logistic regression per candidate, P(correct), on embedding + text
                  features + predicted task
  lr-diff         the quality DIFFERENCE to the best model: per candidate a 3-class
                  logistic regression (worse / same / better than GPT-4), E[q] =
                  E[q_best] + P(better) - P(worse)
  hgb-diff        the same with gradient-boosted trees (sklearn) on PCA-32 + features
  mf              matrix factorisation: sigmoid(<v_m, P x> + b_m), rank 4-16 (torch)
  knn-task-w      the kNN with one cost weight PER TASK, chosen on the validation slice

Readings: ``point`` = the best single operating point within the budget; ``mixed`` =
a randomised mixture of two operating points (see bench/_routing_readings.py); ``val-w``
= the cost weight(s) chosen on the validation slice, then applied on dev.

Analysis (train part only, 5-fold cross-validation inside each task): the ROC AUC of
"model m answers correctly" and "model m is as good as GPT-4" from the best features we
have; and a simulation of how much within-task AUC the target would need.

    PYTHONPATH=. python bench/learned_routing_signal.py
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _routing_readings as rd
from bench._common import plot_path, save, table
from bench._routing_cascade import cascade_reading
from bench._routing_signal_models import (
    ROUTERS,
    Data,
    fit_predict,
    predict_task,
    task_frontier,
)
from bench.learned_routing import DATA, embed
from routeiq.learned.data import load_rows, split_by_hash
from routeiq.learned.evaluate import weight_sweep
from routeiq.learned.features import features_matrix
from routeiq.learned.train import fit_cost, matrices

warnings.filterwarnings("ignore")
FRACS = (0.25, 0.5)


def load() -> tuple[Data, np.ndarray, np.ndarray]:
    rows = load_rows(DATA / "routerbench" / "train.jsonl")
    train, dev = split_by_hash(rows, 25)
    allrows = train + dev
    names = list(allrows[0].quality)
    q, c, tok = matrices(allrows, names)
    d = Data(
        rows=allrows,
        names=names,
        emb=embed(allrows),
        emb32=embed(allrows, "torch"),
        feats=features_matrix([r.text for r in allrows]),
        quality=q,
        cost=c,
        tokens=tok,
        tasks=np.array([str(r.extra.get("task")) for r in allrows]),
    )
    tr = np.arange(len(train))
    dv = np.arange(len(train), len(allrows))
    return d, tr, dv


def inner_split(d: Data, tr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, val = split_by_hash([d.rows[i] for i in tr], 25, salt="validation")
    keep = {id(r) for r in val}
    is_val = np.array([id(d.rows[i]) in keep for i in tr])
    return tr[~is_val], tr[is_val]


def cost_model(d: Data, fit_on: np.ndarray) -> np.ndarray:
    a, b = fit_cost(d.cost[fit_on], d.tokens[fit_on])
    return (a + b * d.tokens[:, None]).astype(np.float32)


def evaluate_router(
    d: Data, pred: np.ndarray, rows: np.ndarray, cost_hat: np.ndarray, weights: list[float]
) -> np.ndarray:
    return rd.curve(pred, cost_hat[rows], d.quality[rows], d.cost[rows], weights)


def val_weight(points: np.ndarray, weights: list[float], budget: float) -> float:
    ok = [i for i in range(len(points)) if points[i, 0] <= budget]
    return weights[max(ok, key=lambda i: points[i, 1])] if ok else weights[-1]


def run_routers(d: Data, tr: np.ndarray, dv: np.ndarray) -> list[dict[str, Any]]:
    inner, val = inner_split(d, tr)
    chat_inner, chat_full = cost_model(d, inner), cost_model(d, tr)
    weights = weight_sweep(chat_full[tr], points=160)
    best_m = int(d.quality[tr].mean(axis=0).argmax())
    val_best_cost = float(d.cost[val, best_m].mean())
    dev_best_cost = float(d.cost[dv, best_m].mean())
    out = []
    for name, grid in ROUTERS.items():
        t0 = time.perf_counter()
        # 1. choose the hyper-parameters on the validation slice (train part only)
        best: tuple[float, Any, np.ndarray] | None = None
        for params in grid:
            pv = fit_predict(name, params, d, inner, val)
            pts = evaluate_router(d, pv, val, chat_inner, weights)
            r = rd.readings(pts, val_best_cost, FRACS)
            score = (r["mixed_25%"] or 0.0) + (r["mixed_50%"] or 0.0)
            if best is None or score > best[0]:
                best = (score, params, pts)
        assert best is not None
        _, params, val_pts = best
        # 2. refit on the whole train part, read dev once
        pd = fit_predict(name, params, d, tr, dv)
        pts = evaluate_router(d, pd, dv, chat_full, weights)
        res: dict[str, Any] = {"router": name, "params": str(params)}
        res.update(rd.readings(pts, dev_best_cost, FRACS))
        for f in FRACS:  # the deployable reading: the weight picked on the validation slice
            w = val_weight(val_pts, weights, f * val_best_cost)
            p = evaluate_router(d, pd, dv, chat_full, [w])[0]
            res[f"val-w_{f:.0%}"] = f"{p[1]:.3f} @ {p[0] / dev_best_cost:.0%}"
            mix = rd.mixture_choice(val_pts, f * val_best_cost)
            if mix is not None:  # two weights and a coin, all chosen on the validation slice
                i, j, pi = mix
                two = evaluate_router(d, pd, dv, chat_full, [weights[i], weights[j]])
                m = pi * two[0] + (1 - pi) * two[1]
                res[f"val-mix_{f:.0%}"] = f"{m[1]:.3f} @ {m[0] / dev_best_cost:.0%}"
        res["below_fixed"] = rd.below_fixed(pts, d.quality[dv], d.cost[dv])
        res["auc_in_task"] = within_task_auc(d, pd, dv)
        res["seconds"] = round(time.perf_counter() - t0, 1)
        res["curve"] = pts.tolist()
        out.append(res)
        print(f"  {name}: {summary(res)}", flush=True)
        if name in ("knn", "task", "lr-diff"):
            out.append(task_weighted(name, d, tr, dv, inner, val, weights, params))
            print(f"  {name}-task-w: {summary(out[-1])}", flush=True)
    return out


def task_weighted(
    name: str,
    d: Data,
    tr: np.ndarray,
    dv: np.ndarray,
    inner: np.ndarray,
    val: np.ndarray,
    weights: list[float],
    params: Any,
) -> dict[str, Any]:
    """A router with one cost weight per (predicted) task, chosen on the validation
    slice: the best frontier point within budget, and the best mixture of two."""
    chat_inner, chat_full = cost_model(d, inner), cost_model(d, tr)
    pv = fit_predict(name, params, d, inner, val)
    pd = fit_predict(name, params, d, tr, dv)
    task_v, task_d = predict_task(d, inner, val), predict_task(d, tr, dv)
    best_m = int(d.quality[tr].mean(axis=0).argmax())
    val_best, dev_best = float(d.cost[val, best_m].mean()), float(d.cost[dv, best_m].mean())
    front = task_frontier(pv, chat_inner[val], d.quality[val], d.cost[val], task_v, weights)
    front_pts = np.array([(c, q) for c, q, _ in front])
    rows = np.arange(len(dv))

    def on_dev(per_task: dict[str, float]) -> np.ndarray:
        w = np.array([per_task.get(t, weights[-1]) for t in task_d], np.float32)[:, None]
        choice = (pd - w * chat_full[dv]).argmax(axis=1)
        return np.array([d.cost[dv][rows, choice].mean(), d.quality[dv][rows, choice].mean()])

    res: dict[str, Any] = {"router": f"{name}-task-w", "params": f"{params}, a weight per task"}
    for f in FRACS:
        ok = [p for p in front if p[0] <= f * val_best]
        if ok:
            c, q = on_dev(max(ok, key=lambda p: p[1])[2])
            res[f"val-w_{f:.0%}"] = f"{q:.3f} @ {c / dev_best:.0%}"
        mix = rd.mixture_choice(front_pts, f * val_best)
        if mix is not None:
            i, j, pi = mix
            c, q = pi * on_dev(front[i][2]) + (1 - pi) * on_dev(front[j][2])
            res[f"val-mix_{f:.0%}"] = f"{q:.3f} @ {c / dev_best:.0%}"
    return res


def within_task_auc(d: Data, pred: np.ndarray, rows: np.ndarray) -> float:
    """Mean over tasks and candidates of the AUC of pred for "correct" within a task."""
    aucs = []
    for t in sorted(set(d.tasks[rows].tolist())):
        s = d.tasks[rows] == t
        for m in range(len(d.names)):
            a = rd.auc(pred[s, m], d.quality[rows][s, m] >= 0.5)
            if a is not None:
                aucs.append(a)
    return round(float(np.mean(aucs)), 3)


def summary(res: dict[str, Any]) -> str:
    f = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    return "; ".join(
        f"{b}: point {f(res.get(f'point_{b}'))} mixed {f(res.get(f'mixed_{b}'))} val-w "
        f"{res.get(f'val-w_{b}')} val-mix {res.get(f'val-mix_{b}')}"
        for b in ("25%", "50%")
    )


def bounds(d: Data, tr: np.ndarray, dv: np.ndarray) -> dict[str, Any]:
    q, c, tasks = d.quality[dv], d.cost[dv], d.tasks[dv]
    best_m = int(d.quality[tr].mean(axis=0).argmax())
    bc = float(c[:, best_m].mean())
    tp = rd.task_points(q, c, tasks)
    singles = np.stack([c.mean(axis=0), q.mean(axis=0)], axis=1)
    return {
        "always_best": {"quality": float(q[:, best_m].mean()), "cost_usd": bc},
        "targets": {"25%": 0.95 * float(q[:, best_m].mean()), "50%": float(q[:, best_m].mean())},
        "fixed_models_mixed": {f"{f:.0%}": rd.mixed(singles, f * bc) for f in FRACS},
        "per_task_on_dev": {f"{f:.0%}": rd.best_point(tp, f * bc) for f in FRACS},
        "per_task_mixed_on_dev": {f"{f:.0%}": rd.mixed(tp, f * bc) for f in FRACS},
        "oracle": rd.oracle(q, c),
    }


def main() -> None:
    from bench._routing_signal_models import needed_auc, signal_auc

    d, tr, dv = load()
    print(f"routerbench: {len(tr)} train, {len(dv)} dev", flush=True)
    b = bounds(d, tr, dv)
    routers = run_routers(d, tr, dv)
    casc = cascade_reading(d, tr, dv, FRACS)
    print("signal (5-fold CV on the train part, within each task):", flush=True)
    sig = signal_auc(d, tr)
    print("simulated router with a given within-task AUC (train part):", flush=True)
    need = needed_auc(d, tr, FRACS)
    bc = b["always_best"]["cost_usd"]
    rows = [
        {
            "router": r["router"],
            "point<=25%": r.get("point_25%"),
            "mixed<=25%": r.get("mixed_25%"),
            "val-w 25%": r.get("val-w_25%"),
            "val-mix 25%": r.get("val-mix_25%"),
            "point<=50%": r.get("point_50%"),
            "mixed<=50%": r.get("mixed_50%"),
            "val-w 50%": r.get("val-w_50%"),
            "val-mix 50%": r.get("val-mix_50%"),
            "below_fixed": r.get("below_fixed", ""),
            "auc_in_task": r.get("auc_in_task", ""),
        }
        for r in routers
    ]
    rows.append({"router": "TARGET", **{f"point<={k}": v for k, v in b["targets"].items()}})
    for label, key in (
        ("fixed models (mixed)", "fixed_models_mixed"),
        ("per-task fixed, chosen on dev", "per_task_on_dev"),
        ("per-task mixed, chosen on dev", "per_task_mixed_on_dev"),
    ):
        rows.append({"router": label, **{f"point<={k}": v for k, v in b[key].items()}})
    for c in casc:
        rows.append({"router": c["policy"], **{k: v for k, v in c.items() if k != "policy"}})
    o = b["oracle"]
    rows.append(
        {"router": f"oracle ({o['cost_usd'] / bc:.1%} of best's cost)", "point<=50%": o["quality"]}
    )
    cols = ["router", "point<=25%", "mixed<=25%", "val-w 25%", "val-mix 25%", "point<=50%"]
    cols += ["mixed<=50%", "val-w 50%", "val-mix 50%", "below_fixed", "auc_in_task"]
    print(table(rows, cols))
    print(table(sig, list(sig[0])))
    print(table(need, list(need[0])))
    plot(routers, b, d, dv)
    print(
        "wrote",
        save(
            "learned_routing_signal",
            {"routers": routers, "bounds": b, "cascade": casc, "signal": sig, "needed_auc": need},
        ),
        plot_path("learned_routing_signal"),
    )


def plot(routers: list[dict[str, Any]], b: dict[str, Any], d: Data, dv: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bc, bq = b["always_best"]["cost_usd"], b["always_best"]["quality"]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for r in routers:
        if "curve" in r:
            pts = np.array(sorted(r["curve"]))
            ax.plot(pts[:, 0] / bc, pts[:, 1], lw=1, label=r["router"])
    tp = rd.task_points(d.quality[dv], d.cost[dv], d.tasks[dv])
    ax.scatter(tp[:, 0] / bc, tp[:, 1], s=3, c="lightgrey", label="one model per task (on dev)")
    for m, n in enumerate(d.names):
        x, y = d.cost[dv, m].mean() / bc, d.quality[dv, m].mean()
        ax.scatter(x, y, c="k", s=12)
        ax.annotate(n.split("/")[-1][:14], (x, y), fontsize=6)
    ax.scatter([0.25, 0.5], [0.95 * bq, bq], marker="*", s=150, c="red", label="targets")
    ax.set_xscale("log")
    ax.set_xlim(0.01, 1.3)
    ax.set_ylim(0.5, 1.0)
    ax.set_xlabel("mean cost per query / always-GPT-4 (dev, log)")
    ax.set_ylabel("mean quality (dev)")
    ax.set_title("routerbench dev: every router tried vs the issue's targets")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(plot_path("learned_routing_signal"), dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
