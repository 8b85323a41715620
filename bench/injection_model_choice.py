"""Which learned injection detector: hashed n-grams or a classifier over MiniLM?

Both are trained on ``guard_corpus``'s train split and compared on its calib
split only (the test split stays held out for ``guardrail_quality.py``):
recall at <= 1% benign false positives, per role, and the cost per text.

- n-grams: the shipped model (``routeiq/plugins/guardrails/learned.py``), its logit;
- MiniLM: logistic regression (scikit-learn, class-balanced) over the
  all-MiniLM-L6-v2 embedding the semantic cache computes (first 256 tokens);
- both: logistic regression over [n-gram logit, MiniLM logit] fitted on calib
  (optimistic for "both": it is scored where it was fitted).

Run: ``PYTHONPATH=. .venv/bin/python bench/injection_model_choice.py``; writes
bench/results/injection_model_choice.json and .png.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import build, split_of
from train_injection_model import threshold_at

from routeiq.cache.embedder import load_model
from routeiq.plugins.guardrails.learned import default_model

RESULTS = Path(__file__).resolve().parent / "results"


def recall_at(scores: np.ndarray, labels: np.ndarray, max_fp: float) -> float:
    cut = threshold_at(scores, labels, max_fp)
    return float(np.mean(scores[labels == 1] >= cut))


def main() -> None:
    corpus = [s for s in build() if s.role != "system"]
    train = [s for s in corpus if split_of(s) == "train"]
    calib = [s for s in corpus if split_of(s) == "calib"]
    y_train = np.array([s.label for s in train])
    y_calib = np.array([s.label for s in calib])
    roles = np.array([s.role for s in calib])

    encoder = load_model()
    started = time.perf_counter()
    e_train = encoder.encode([s.text for s in train], batch_size=64, normalize_embeddings=True)
    e_calib = encoder.encode([s.text for s in calib], batch_size=64, normalize_embeddings=True)
    embed_ms = (time.perf_counter() - started) * 1000 / (len(train) + len(calib))
    probe = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
    probe.fit(e_train, y_train)
    minilm = probe.decision_function(e_calib)

    model = default_model()
    started = time.perf_counter()
    ngram = np.array(model.logits([s.text for s in calib]))
    ngram_ms = (time.perf_counter() - started) * 1000 / len(calib)

    both_fit = LogisticRegression(C=100.0).fit(np.column_stack([ngram, minilm]), y_calib)
    both = both_fit.decision_function(np.column_stack([ngram, minilm]))

    rows = []
    for name, scores, cost in (
        ("n-grams (shipped)", ngram, ngram_ms),
        ("MiniLM + logistic", minilm, embed_ms),
        ("both (fitted on calib)", both, ngram_ms + embed_ms),
    ):
        row = {"detector": name, "ms_per_text": round(cost, 3)}
        for role in ("user", "tool"):
            mask = roles == role
            row[f"recall_{role}_at_1pct_fp"] = recall_at(scores[mask], y_calib[mask], 0.01)
        row["recall_all_at_1pct_fp"] = recall_at(scores, y_calib, 0.01)
        rows.append(row)
    print(f"calib split: {len(calib)} texts ({int(y_calib.sum())} attacks); train {len(train)}")
    print(f"{'detector':<24} {'direct':>8} {'indirect':>9} {'all':>8} {'ms/text':>9}")
    for row in rows:
        print(
            f"{row['detector']:<24} {row['recall_user_at_1pct_fp']:>8.3f}"
            f" {row['recall_tool_at_1pct_fp']:>9.3f} {row['recall_all_at_1pct_fp']:>8.3f}"
            f" {row['ms_per_text']:>9.3f}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "injection_model_choice.json").write_text(json.dumps(rows, indent=1))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(7, 4))
    for offset, key in ((-0.25, "recall_user_at_1pct_fp"), (0.0, "recall_tool_at_1pct_fp"),
                        (0.25, "recall_all_at_1pct_fp")):  # fmt: skip
        axis.bar([i + offset for i in range(len(rows))], [r[key] for r in rows], width=0.25,
                 label=key.replace("_at_1pct_fp", ""))  # fmt: skip
    axis.set_xticks(range(len(rows)), [r["detector"] for r in rows], fontsize=8)
    axis.set_title("calib recall at <= 1% benign false positives")
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(RESULTS / "injection_model_choice.png")


if __name__ == "__main__":
    main()
