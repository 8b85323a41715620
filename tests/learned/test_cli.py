"""``routeiq router train|eval`` on a small labelled file (real MiniLM embeddings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routeiq.cli import main
from routeiq.learned.model import RouterModel
from tests.learned.conftest import EASY, HARD


def _write_rows(path: Path) -> None:
    with path.open("w") as f:
        for text in EASY + HARD:
            hard = text in HARD
            f.write(
                json.dumps(
                    {
                        "prompt": text,
                        "quality": {"cheap": 0.0 if hard else 1.0, "strong": 1.0},
                        "cost_usd": {"cheap": 0.0001, "strong": 0.002},
                    }
                )
                + "\n"
            )


@pytest.mark.parametrize("kind", ["knn", "mlp"])
def test_train_then_eval_prints_the_curve_and_writes_a_png(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "rows.jsonl"
    _write_rows(data)
    out = tmp_path / "r.npz"
    cache = str(tmp_path / "cache")
    args = ["router", "train", "--data", str(data), "--out", str(out), "--kind", kind]
    assert main([*args, "--cache", cache]) == 0
    trained = json.loads(capsys.readouterr().out)
    model = RouterModel.load(out)
    assert trained["version"] == model.version and model.kind == kind
    assert model.meta["embedding_runtime"] == "onnx-int8"  # the semantic cache's runtime
    assert model.candidates == ("cheap", "strong")
    png = tmp_path / "eval.png"
    args = ["router", "eval", "--router", str(out), "--data", str(data), "--json"]
    assert main([*args, "--png", str(png), "--cache", cache]) == 0
    res = json.loads(capsys.readouterr().out)
    assert set(res["baselines"]) == {"cheapest", "best", "random", "oracle"}
    assert res["baselines"]["oracle"]["quality"] == 1.0
    assert res["baselines"]["cheapest"]["quality"] == pytest.approx(0.5)
    assert all(set(p) >= {"cost_weight", "quality", "cost_usd"} for p in res["curve"])
    # On its own training rows the router finds the oracle's trade-off somewhere.
    assert max(p["quality"] for p in res["curve"] if p["cost_usd"] < 0.0011) == 1.0
    assert png.stat().st_size > 1000


def test_bad_inputs_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "x"}\n')
    assert main(["router", "train", "--data", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "quality" in capsys.readouterr().err
    assert main(["router", "eval", "--router", str(bad), "--data", str(bad)]) == 2
    assert (
        main(
            [
                "router",
                "train",
                "--from-logs",
                str(tmp_path / "none.db"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
