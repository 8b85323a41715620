"""The task router and a route's mixture of two cost weights (pure functions, no I/O)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest

from routeiq.learned.decision import mixed_weight, rank
from routeiq.learned.model import RouterFileError, RouterModel
from routeiq.learned.settings import LearnedRouteSettings
from routeiq.learned.train import train_router
from tests.learned.test_core import toy


def labelled(n: int = 200, seed: int = 0) -> tuple[list, np.ndarray]:  # type: ignore[type-arg]
    rows, emb = toy(n, seed)
    out = [
        dataclasses.replace(r, extra={"task": "proof" if r.quality["weak"] == 0 else "chat"})
        for r in rows
    ]
    return out, emb


def test_task_router_predicts_each_tasks_mean_scores(tmp_path: Path) -> None:
    rows, emb = labelled()
    # Within the "chat" task the weak model is right 3 times in 4, not always: the task
    # router predicts the task's mean (0.75), not the row's own score.
    rows = [
        dataclasses.replace(r, quality={**r.quality, "weak": 0.0})
        if r.extra["task"] == "chat" and i % 8 == 0
        else r
        for i, r in enumerate(rows)
    ]
    model = train_router(rows, emb, kind="task")
    assert model.kind == "task" and model.meta["params"]["tasks"] == ["chat", "proof"]
    test_rows, test_emb = labelled(20, seed=1)
    pred = model.predict_many(test_emb, np.zeros((20, 12), np.float32))
    chat = np.array([r.extra["task"] == "chat" for r in test_rows])
    np.testing.assert_allclose(pred[chat, 0], 0.75, atol=0.02)  # weak on chat
    np.testing.assert_allclose(pred[~chat, 0], 0.0, atol=0.02)  # weak on proofs
    np.testing.assert_allclose(pred[:, 1], 1.0, atol=1e-6)  # strong everywhere
    cost = model.expected_cost(np.full(20, 5.0, np.float32))
    # cost_weight 50: 0.75 - 50 * 1e-4 beats 1.0 - 50 * 1e-2 on chat; proofs go strong.
    choices = [rank(p, c, 50.0).choice for p, c in zip(pred, cost, strict=True)]
    assert choices == [0 if c else 1 for c in chat]
    path = tmp_path / "task.npz"
    model.save(path)
    again = RouterModel.load(path)
    assert again.kind == "task" and again.version == model.version
    # One row against the batch: float32 matrix-vector and matrix-matrix products may
    # round the last bit differently (numpy 2.4.6: 1 ulp), so not bit-equality.
    np.testing.assert_allclose(
        again.predict(test_emb[0], np.zeros(12, np.float32)), pred[0], rtol=1e-6
    )


def test_task_router_needs_task_labels() -> None:
    rows, emb = toy(60)
    with pytest.raises(ValueError, match="'task' label"):
        train_router(rows, emb, kind="task")
    one = [dataclasses.replace(r, extra={"task": "only"}) for r in rows]
    with pytest.raises(ValueError, match="at least two"):
        train_router(one, emb, kind="task")


def test_task_router_file_with_mismatched_arrays_is_refused() -> None:
    rows, emb = labelled(60)
    with np.load(io.BytesIO(train_router(rows, emb, kind="task").to_bytes())) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["b"] = np.zeros(5, np.float32)
    with pytest.raises(RouterFileError, match="task arrays"):
        RouterModel.from_arrays(arrays)


def test_mixed_weight_uses_the_other_weight_for_its_share_of_draws() -> None:
    assert mixed_weight(30.0, None, 0.0) == (30.0, False)
    assert mixed_weight(30.0, (5.0, 0.4), 0.39) == (5.0, True)
    assert mixed_weight(30.0, (5.0, 0.4), 0.4) == (30.0, False)
    assert mixed_weight(30.0, (5.0, 0.0), 0.0) == (30.0, False)
    draws = np.random.default_rng(0).random(10_000)
    used = sum(mixed_weight(30.0, (5.0, 0.25), float(d))[1] for d in draws)
    assert 2300 < used < 2700  # 25 % of requests, binomial sd ~43


def test_mix_setting_is_validated() -> None:
    s = LearnedRouteSettings.model_validate(
        {"path": "r.npz", "candidates": ["a"], "mix": {"cost_weight": 5, "share": 0.4}}
    )
    assert s.mix is not None and (s.mix.cost_weight, s.mix.share) == (5.0, 0.4)
    for bad in ({"cost_weight": -1, "share": 0.5}, {"cost_weight": 1, "share": 1.5}, {"x": 1}):
        with pytest.raises(ValueError):
            LearnedRouteSettings.model_validate({"path": "r", "candidates": ["a"], "mix": bad})


def test_eval_reads_the_hull_and_names_the_mix_that_reaches_it() -> None:
    # Two prompt types, two models: the router's curve has three points (all cheap,
    # strong on the hard half, all strong); a 25 % budget falls between the first two.
    from routeiq.learned.evaluate import evaluate, mixture_choice

    quality = np.array([[1.0, 1.0], [0.0, 1.0]] * 50, np.float32)
    cost = np.array([[0.0, 1.0]] * 100, np.float32)
    pred = np.array([[0.9, 1.0], [0.1, 1.0]] * 50, np.float32)
    res = evaluate(pred, cost, quality, cost, ["cheap", "strong"], [0.0, 0.5, 5.0])
    t = res["targets"]
    # Single points within 25 % of always-strong's cost: only "all cheap" (0.5).
    assert t["quality_at_25pct_best_cost"] == pytest.approx(0.5)
    mix = t["mixed_at_25pct_best_cost"]
    # Half the requests on weight 0.5 (strong on hard: cost 0.5, quality 1.0), half on
    # 5.0 (all cheap: cost 0, quality 0.5): cost 0.25, quality 0.75.
    assert mix["cost_weight"] == 0.5 and mix["mix"] == {"cost_weight": 5.0, "share": 0.5}
    assert mix["quality"] == pytest.approx(0.75) and mix["cost_usd"] == pytest.approx(0.25)
    # At 50 % the point (0.5, 1.0) itself is best: no mix.
    assert t["mixed_at_50pct_best_cost"]["mix"] is None
    assert t["mixed_at_50pct_best_cost"]["quality"] == pytest.approx(1.0)
    assert mixture_choice(np.array([[2.0, 1.0]]), 1.0) is None  # nothing within budget
