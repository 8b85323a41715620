"""Stack the transformer logit with the n-gram logit and the rules (calib split only).

    PYTHONPATH=. python bench/train_injection_transformer.py --stack-only [--out ADAPTER]

The calib texts' transformer logits come from the graph the gateway serves
(``tf_scorer``: merged adapters, ONNX, int8 by default), the n-gram logit and the
rules' score from the shipped guardrail (``InjectionGuardrail.model_logit`` and
``rule_score``, as ``transformer.with_transformer`` computes them). A logistic
regression over the three (user and tool texts; each source weighted equally) is
the stacking; the direct threshold is the stricter of <= 0.75% of benign calib
user texts and <= 1% of calib AlpacaEval prompts, the indirect one <= 1% of
benign calib tool texts; the intercept is shifted so the direct one is p = 0.5.
The result is written into the adapter file's ``stacking`` array.

With ``length_scaled`` (the default since model version 1's refit) the
transformer logit is scaled by ``length_factor`` as the n-gram one is (feature
and serving alike); the sixth ``stacking`` element records it. The calib
features are cached under ``$GUARD_TF_CACHE`` by the adapter weights and the
texts, so refitting the stacking alone costs seconds.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import Sample, build, split_of
from guard_corpus_discussion import DISCUSSION_PREFIX
from train_injection_model import DIRECT_FP, EVAL_ONLY, INDIRECT_FP, REAL_USER_FP, threshold_at

from routeiq.cache.embedder import default_model_path
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.learned import length_factor
from routeiq.plugins.guardrails.tf_scorer import TransformerScorer, default_graph_dir, ensure_graph


def scorer_for(adapter: Path, *, int8: bool) -> TransformerScorer:
    model_dir = default_model_path()
    graph = ensure_graph(adapter, model_dir, default_graph_dir(), int8=int8)
    return TransformerScorer(model_dir, graph, threads=2)


def features(samples: list[Sample], scorer: TransformerScorer) -> np.ndarray:
    """Rows of (transformer logit, n-gram logit as stacked, rules' score)."""
    guard = InjectionGuardrail()
    texts = [s.text for s in samples]
    tf = np.concatenate([scorer.logits(texts[i : i + 32]) for i in range(0, len(texts), 32)])
    ngram = np.array([guard.model_logit(t) for t in texts])
    rules = np.array([guard.rule_score(t) for t in texts])
    return np.column_stack([tf, ngram, rules])


CACHE = Path(os.environ.get("GUARD_TF_CACHE", "/tmp/guard_tf_cache"))


def cached_features(adapter: Path, samples: list[Sample], *, int8: bool) -> np.ndarray:
    """``features`` of ``samples``, cached by the adapter weights (not the stacking),
    the graph's precision and the texts."""
    key = hashlib.blake2b(digest_size=8)
    with np.load(adapter, allow_pickle=False) as data:
        for name in sorted(data.files):
            if name != "stacking":
                key.update(name.encode() + data[name].tobytes())
    key.update(b"int8" if int8 else b"fp32")
    for s in samples:
        key.update(s.text.encode("utf-8", "surrogatepass") + b"\0")
    path = CACHE / f"stack-features-{key.hexdigest()}.pkl"
    if path.exists():
        cached: np.ndarray = pickle.loads(path.read_bytes())
        return cached
    x = features(samples, scorer_for(adapter, int8=int8))
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(x))
    return x


def stack(adapter: Path, *, int8: bool = True, length_scaled: bool = True) -> None:
    started = time.perf_counter()
    calib = [s for s in build(semantic=True) if split_of(s) == "calib" and s.role != "system"]
    x = cached_features(adapter, calib, int8=int8)
    print(f"calib features for {len(calib)} texts in {time.perf_counter() - started:.0f} s")
    alone = x[:, 0].copy()
    if length_scaled:
        x = x.copy()
        x[:, 0] *= np.array([length_factor(s.text) for s in calib])
    y = np.array([s.label for s in calib])
    roles = np.array([s.role for s in calib])
    sources = [s.source for s in calib]
    counts = {src: sources.count(src) for src in set(sources)}
    weight = np.array([1.0 / counts[src] for src in sources])
    model = LogisticRegression(C=100.0, solver="lbfgs")
    model.fit(x, y, sample_weight=weight)
    intercept = float(model.intercept_[0])
    a_tf, a_ngram, a_rules = (float(v) for v in model.coef_[0])
    z = intercept + x @ model.coef_[0]
    direct, tool = roles == "user", roles == "tool"
    real = np.array([s.source in EVAL_ONLY for s in calib])
    z_direct = max(
        threshold_at(z[direct], y[direct], DIRECT_FP), threshold_at(z[real], y[real], REAL_USER_FP)
    )
    # As for the n-gram model since version 12 (train_injection_model.py): the indirect
    # operating point is set on the tool texts of the sources before the discussion
    # corpus, whose documents about attacks are the hardest benign tool texts.
    older_tool = tool & ~np.array([s.source.startswith(DISCUSSION_PREFIX) for s in calib])
    z_indirect = threshold_at(z[older_tool], y[older_tool], INDIRECT_FP)
    intercept -= z_direct
    indirect = 1.0 / (1.0 + math.exp(-(z_indirect - z_direct)))
    report: dict[str, object] = {
        "stacking": {
            "intercept": intercept,
            "a_transformer": a_tf,
            "a_ngram": a_ngram,
            "a_rules": a_rules,
            "indirect_threshold": indirect,
        },
        "graph": "int8" if int8 else "fp32",
        "length_scaled": length_scaled,
    }
    for name, mask, cut in (("direct", direct, z_direct), ("indirect", tool, z_indirect)):
        yy, zz = y[mask], z[mask]
        report[f"calib {name}"] = {
            "recall": round(float(np.mean(zz[yy == 1] >= cut)), 4),
            "fp": round(float(np.mean(zz[yy == 0] >= cut)), 4),
            "n_attacks": int(yy.sum()),
            "n_benign": int((yy == 0).sum()),
        }
    # The transformer alone at the same false-positive rules (for the model card).
    for name, mask, max_fp in (("direct", direct, DIRECT_FP), ("indirect", tool, INDIRECT_FP)):
        cut = threshold_at(alone[mask], y[mask], max_fp)
        report[f"calib {name}, transformer alone"] = round(
            float(np.mean(alone[mask & (y == 1)] >= cut)), 4
        )
    with np.load(adapter, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "stacking"}
    stacking = np.array(
        [intercept, a_tf, a_ngram, a_rules, indirect, float(length_scaled)], dtype=np.float64
    )
    np.savez_compressed(adapter, stacking=stacking, **arrays)
    out = adapter.with_name(adapter.stem + "_stacking.json")
    out.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
