"""Train the learned injection detector shipped in routeiq/plugins/guardrails/model/.

1. Build the public corpus (``bench/guard_corpus.py``) and split it by group hash:
   train 60% / calib 15% / test 25%. The test split is not read here.
2. Logistic regression (scikit-learn, liblinear, class-balanced) over the hashed
   n-gram features of ``routeiq.plugins.guardrails.learned.features``; the
   regularisation C is chosen on the calib split (recall at <= 1% benign FP).
3. Platt stacking on the calib split: ``sigmoid(c + a*model_logit + b*rule_score)``.
4. Operating points on the calib split: direct (user) texts at <= 0.5% benign FP,
   indirect (tool/document) texts at <= 1% benign FP. The intercept is shifted so
   that the direct operating point is score 0.5 (the settings' default threshold);
   the indirect threshold is printed and stored.

Needs scikit-learn and scipy (dev only; serving is numpy). Run:
``PYTHONPATH=. .venv/bin/python bench/train_injection_model.py``
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import REPOS, Sample, build, split_of  # noqa: E402

from routeiq.plugins.guardrails.injection import InjectionGuardrail  # noqa: E402
from routeiq.plugins.guardrails.learned import MODEL_PATH, features  # noqa: E402
from routeiq.plugins.guardrails.normalize import normalize  # noqa: E402

BITS = 20
TRAIN_CHARS = 6000
VERSION = "1"


def matrix(samples: list[Sample]) -> csr_matrix:
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for sample in samples:
        folded, _ = normalize(sample.text[:TRAIN_CHARS])
        found = features(folded, BITS).astype(np.int64)
        indices.append(found)
        data.append(np.full(len(found), 1.0 / math.sqrt(max(len(found), 1))))
        indptr.append(indptr[-1] + len(found))
    m = csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.array(indptr)),
        shape=(len(samples), 1 << BITS),
    )
    m.sum_duplicates()
    return m


def threshold_at(scores: np.ndarray, labels: np.ndarray, max_fp: float) -> float:
    """The lowest threshold whose benign false-positive rate is <= max_fp."""
    benign = np.sort(scores[labels == 0])
    if len(benign) == 0:
        return 0.5
    allowed = int(math.floor(max_fp * len(benign)))
    # Scores strictly above the (allowed+1)-th highest benign score.
    cut = benign[len(benign) - allowed - 1]
    return float(np.nextafter(cut, np.inf))


def main() -> None:
    started = time.perf_counter()
    corpus = build()
    train = [s for s in corpus if split_of(s) == "train"]
    calib = [s for s in corpus if split_of(s) == "calib"]
    print(f"corpus {len(corpus)}: train {len(train)}, calib {len(calib)} (test not read)")
    x_train, y_train = matrix(train), np.array([s.label for s in train])
    x_calib, y_calib = matrix(calib), np.array([s.label for s in calib])
    rules = InjectionGuardrail(model=None)
    rule_calib = np.array([rules.rule_score(s.text) for s in calib])
    best: tuple[float, float, LogisticRegression] | None = None
    for c in (1.0, 4.0, 16.0, 64.0):
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=200)
        model.fit(x_train, y_train)
        logits = model.decision_function(x_calib)
        cut = threshold_at(logits, y_calib, 0.01)
        recall = float(np.mean(logits[y_calib == 1] >= cut))
        print(f"C={c:<5} calib recall at 1% FP: {recall:.4f}")
        if best is None or recall > best[1]:
            best = (c, recall, model)
    assert best is not None
    c, _, model = best
    weights = model.coef_[0].astype(np.float16)
    bias = float(model.intercept_[0])
    # Logits recomputed with the float16 weights actually shipped.
    w32 = weights.astype(np.float64)
    logit_calib = np.asarray(x_calib @ w32).ravel() + bias
    stack = LogisticRegression(C=100.0, solver="lbfgs")
    stack.fit(np.column_stack([logit_calib, rule_calib]), y_calib)
    intercept = float(stack.intercept_[0])
    a_model, a_rules = (float(v) for v in stack.coef_[0])
    z = intercept + a_model * logit_calib + a_rules * rule_calib
    roles = np.array([s.role for s in calib])
    direct = roles == "user"
    z_direct = threshold_at(z[direct], y_calib[direct], 0.005)
    z_indirect = threshold_at(z[~direct], y_calib[~direct], 0.01)
    # Shift so that the direct operating point is probability 0.5.
    intercept -= z_direct
    indirect = 1.0 / (1.0 + math.exp(-(z_indirect - z_direct)))
    for name, mask, cut in (("direct", direct, 0.0), ("indirect", ~direct, z_indirect - z_direct)):
        zz = z[mask] - z_direct
        yy = y_calib[mask]
        print(
            f"calib {name}: recall {np.mean(zz[yy == 1] >= cut):.4f}"
            f" fp {np.mean(zz[yy == 0] >= cut):.4f} (n+ {int(yy.sum())}, n- {int((yy == 0).sum())})"
        )
    meta = np.array([bias, intercept, a_model, a_rules, 0.5, indirect], dtype=np.float64)
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODEL_PATH, weights=weights, meta=meta, version=np.array(VERSION))
    info = {
        "version": VERSION,
        "bits": BITS,
        "C": c,
        "bias": bias,
        "stacking": {"intercept": intercept, "a_model": a_model, "a_rules": a_rules},
        "indirect_threshold": indirect,
        "train": len(train),
        "calib": len(calib),
        "train_positives": int(y_train.sum()),
        "sources": {k: {"repo": r, "commit": h} for k, (r, h) in REPOS.items()},
        "nonzero_weights": int(np.count_nonzero(weights)),
        "file_bytes": MODEL_PATH.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (MODEL_PATH.parent / "training.json").write_text(json.dumps(info, indent=1))
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
