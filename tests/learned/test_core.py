"""The I/O-free core of the learned router: features, predictors, decision, file, eval."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from routeiq.learned.data import DataError, Row, parse_row, split_by_hash
from routeiq.learned.decision import rank
from routeiq.learned.evaluate import baselines, evaluate
from routeiq.learned.features import N_FEATURES, route_text, text_features
from routeiq.learned.model import RouterFileError, RouterModel
from routeiq.learned.train import fit_cost, train_router


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def toy(n: int = 200, seed: int = 0) -> tuple[list[Row], np.ndarray]:
    """Two clusters: "easy" prompts both models answer, "hard" ones only the strong."""
    rng = np.random.default_rng(seed)
    a, b = np.zeros(384), np.zeros(384)
    a[0], b[1] = 1.0, 1.0
    rows, emb = [], []
    for i in range(n):
        hard = i % 2 == 1
        emb.append((b if hard else a) + rng.normal(0, 0.02, 384))
        text = f"prove the theorem {i} about integrals" if hard else f"say hello {i}"
        rows.append(
            Row(
                text,
                {"weak": 0.0 if hard else 1.0, "strong": 1.0},
                {"weak": 0.0001, "strong": 0.01},
            )
        )
    return rows, _unit(np.array(emb))


def test_features_flag_code_math_and_script() -> None:
    code = text_features("def f(x):\n    return x + 1;\n```python```")
    prose = text_features("Tell me about the weather today")
    cjk = text_features("今天天气怎么样")
    assert code.shape == (N_FEATURES,)
    assert code[3] > prose[3] and code[4] > prose[4]
    assert cjk[9] == pytest.approx(1.0) and prose[8] == 0.0


def test_route_text_is_last_user_message_and_tokens_count_all() -> None:
    req = {
        "messages": [
            {"role": "system", "content": "x" * 400},
            {"role": "user", "content": [{"type": "text", "text": "first"}]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": "second"}, {"type": "image"}]},
        ]
    }
    text, tokens = route_text(req)
    assert text == "second"
    assert tokens == (400 + 5 + 2 + 6 + 3) // 4


def test_rank_orders_by_utility_and_puts_unavailable_last() -> None:
    q = np.array([0.6, 0.9, 0.8], np.float32)
    c = np.array([0.001, 0.01, 0.002], np.float32)
    assert rank(q, c, 0.0).order == (1, 2, 0)
    assert rank(q, c, 25.0).order == (2, 1, 0)  # 0.575, 0.65, 0.75
    assert rank(q, c, 1e6).order[0] == 0
    d = rank(q, c, 0.0, available=[True, False, True])
    assert d.order == (2, 0, 1) and d.skipped == (1,) and d.choice == 2


def test_rank_ties_go_to_the_cheaper() -> None:
    d = rank(np.array([0.5, 0.5], np.float32), np.array([0.2, 0.1], np.float32), 0.0)
    assert d.choice == 1


@pytest.mark.parametrize("kind", ["knn", "mlp"])
def test_router_learns_easy_to_weak_hard_to_strong(kind: str, tmp_path: Path) -> None:
    rows, emb = toy()
    model = train_router(rows, emb, kind=kind)
    assert model.candidates == ("weak", "strong")
    test_rows, test_emb = toy(20, seed=1)
    feats = np.stack([text_features(r.text) for r in test_rows])
    pred = model.predict_many(test_emb, feats)
    cost = model.expected_cost(np.full(len(test_rows), 5.0, np.float32))
    choices = [rank(p, c, 50.0).choice for p, c in zip(pred, cost, strict=True)]
    assert choices == [0, 1] * 10  # easy -> weak, hard -> strong
    # Round trip through the file gives the same predictions.
    path = tmp_path / "r.npz"
    model.save(path)
    again = RouterModel.load(path)
    assert again.version == model.version and again.kind == kind
    np.testing.assert_allclose(again.predict_many(test_emb, feats), pred, atol=2e-3)


def test_knn_hnsw_agrees_with_exact() -> None:
    rows, emb = toy(400)
    model = train_router(rows, emb, kind="knn", tune=False)
    path_bytes = model.to_bytes()
    import io

    with np.load(io.BytesIO(path_bytes)) as z:
        arrays = {k: z[k] for k in z.files}
    exact = RouterModel.from_arrays(arrays, use_hnsw=False)
    hnsw = RouterModel.from_arrays(arrays, use_hnsw=True)
    q = emb[:10]
    f = np.zeros((10, N_FEATURES), np.float32)
    np.testing.assert_allclose(hnsw.predict_many(q, f), exact.predict_many(q, f), atol=0.05)


def test_bad_router_files_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RouterFileError, match="cannot read"):
        RouterModel.load(bad)
    np.savez(tmp_path / "x.npz", foo=np.zeros(2))
    with pytest.raises(RouterFileError, match="not a router file"):
        RouterModel.load(tmp_path / "x.npz")


def test_cost_model_fits_linear_prices() -> None:
    tokens = np.array([10, 20, 40, 80], np.float32)
    cost = np.stack([1e-6 * tokens, 5e-4 + 0 * tokens], axis=1).astype(np.float32)
    a, b = fit_cost(cost, tokens)
    np.testing.assert_allclose(a, [0.0, 5e-4], atol=1e-9)
    np.testing.assert_allclose(b, [1e-6, 0.0], atol=1e-10)


def test_parse_row_errors_name_the_problem() -> None:
    with pytest.raises(DataError, match="query' or 'prompt"):
        parse_row({"quality": {"a": 1}})
    with pytest.raises(DataError, match="numbers"):
        parse_row({"prompt": "x", "quality": {"a": "high"}})
    r = parse_row({"prompt": "full", "query": "q", "quality": {"a": 1}, "cost_usd": {"a": 2}})
    assert r.text == "q" and r.quality == {"a": 1.0}


def test_split_is_deterministic_and_keeps_duplicates_together() -> None:
    rows = [Row(f"p{i % 50}", {"a": 1.0}, {}) for i in range(200)]
    tr, dev = split_by_hash(rows, 25)
    assert split_by_hash(rows, 25) == (tr, dev)
    assert {r.text for r in tr}.isdisjoint({r.text for r in dev})
    assert 0 < len(dev) < len(rows)


def test_evaluate_baselines_and_curve() -> None:
    quality = np.array([[1, 1], [0, 1], [0, 0]], np.float32)
    cost = np.array([[1, 10], [1, 10], [2, 20]], np.float32)
    base = baselines(quality, cost, ["weak", "strong"])
    assert base["cheapest"]["model"] == "weak" and base["best"]["model"] == "strong"
    assert base["oracle"]["quality"] == pytest.approx(2 / 3)
    assert base["oracle"]["cost_usd"] == pytest.approx((1 + 10 + 2) / 3)
    # A perfect predictor at a middle weight matches the oracle's quality.
    res = evaluate(quality, cost, quality, cost, ["weak", "strong"], weights=[0.0, 0.05, 1e3])
    assert [p["quality"] for p in res["curve"]] == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert res["curve"][1]["cost_usd"] == pytest.approx((1 + 10 + 2) / 3)


def test_routeiq_metadata_is_read_then_stripped_before_upstream() -> None:
    from routeiq.errors import BadRequest
    from routeiq.learned.service import cost_weight_override, strip_routeiq_metadata

    req = {"metadata": {"routeiq": {"cost_weight": 7}, "user": "u"}}
    assert cost_weight_override(req, [(b"x-other", b"1")]) == 7.0
    assert cost_weight_override(req, [(b"x-routeiq-cost-weight", b"0")]) == 0.0  # header wins
    strip_routeiq_metadata(req)
    assert req == {"metadata": {"user": "u"}}
    only = {"metadata": {"routeiq": {"cost_weight": 1}}}
    strip_routeiq_metadata(only)
    assert only == {}
    for bad in ("x", -1, True, float("inf")):
        with pytest.raises(BadRequest):
            cost_weight_override({"metadata": {"routeiq": {"cost_weight": bad}}}, [])
    assert cost_weight_override({"metadata": "not a dict"}, []) is None
