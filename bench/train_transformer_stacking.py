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
transformer logits are cached per text under ``$GUARD_TF_CACHE`` by the adapter
weights (``tf_logit_cache``), so refitting the stacking alone costs seconds, and a
grown corpus scores only its new texts.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import Sample, build, split_of
from guard_corpus_discussion import DISCUSSION_PREFIX
from tf_logit_cache import LogitCache
from train_injection_model import DIRECT_FP, EVAL_ONLY, INDIRECT_FP, REAL_USER_FP, threshold_at

from routeiq.cache.embedder import default_model_path
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.learned import length_factor
from routeiq.plugins.guardrails.tf_scorer import TransformerScorer, default_graph_dir, ensure_graph


def scorer_for(adapter: Path, *, int8: bool) -> TransformerScorer:
    model_dir = default_model_path()
    graph = ensure_graph(adapter, model_dir, default_graph_dir(), int8=int8)
    return TransformerScorer(model_dir, graph, threads=int(os.environ.get("GUARD_TF_THREADS", "1")))


def features(adapter: Path, samples: list[Sample], *, int8: bool) -> np.ndarray:
    """Rows of (transformer logit, n-gram logit as stacked, rules' score). Only the
    transformer logits are cached (``tf_logit_cache``: per text, by the adapter's
    weights); the n-gram logit and the rules follow the shipped n-gram model."""
    guard = InjectionGuardrail()
    texts = [s.text for s in samples]
    scorer: list[TransformerScorer] = []

    def score(batch: Sequence[str]) -> np.ndarray:
        if not scorer:
            scorer.append(scorer_for(adapter, int8=int8))
        return scorer[0].logits(batch)

    tf = LogitCache(adapter, score, int8=int8).logits(texts)
    ngram = np.array([guard.model_logit(t) for t in texts])
    rules = np.array([guard.rule_score(t) for t in texts])
    return np.column_stack([tf, ngram, rules])


#: The band's high edge: an n-gram verdict at or above it stands (on calib the
#: stacking cleared almost no benign text the n-gram model scored this high, and
#: kept attacks it would have let through).
HIGH = 0.9
#: Low edges tried, highest first: the first whose cascade keeps recall within
#: ``RECALL_SLACK`` of the stacking on every text, at no more false positives, wins.
LOWS = (0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.025, 0.02, 0.015, 0.01, 0.007,
        0.005, 0.003, 0.002, 0.001, 0.0)  # fmt: skip
RECALL_SLACK = 0.01


def fit_band(
    ngram_score: np.ndarray,
    full: np.ndarray,
    alone_ngram: np.ndarray,
    y: np.ndarray,
    mask: np.ndarray,
    ceiling: float,
) -> tuple[float, dict[str, float]]:
    """The band's low edge for the texts of ``mask``: the highest of ``LOWS`` (at most
    ``ceiling``, the lowest threshold in play, so a verdict kept below the band is
    not flagged under either model's threshold) whose cascade -- the stacking's flag
    inside ``[low, HIGH)``, the n-gram verdict's outside -- keeps recall within
    ``RECALL_SLACK`` of the stacking's on every text, with no more false positives."""
    pos, neg = mask & (y == 1), mask & (y == 0)
    target_recall, target_fp = float(full[pos].mean()), float(full[neg].mean())
    for low in (v for v in LOWS if v <= ceiling):
        routed = (ngram_score >= low) & (ngram_score < HIGH)
        cascade = np.where(routed, full, alone_ngram)
        recall, fp = float(cascade[pos].mean()), float(cascade[neg].mean())
        if recall >= target_recall - RECALL_SLACK and fp <= target_fp:
            break
    return low, {
        "recall": round(recall, 4),
        "fp": round(fp, 4),
        "stacking on every text: recall": round(target_recall, 4),
        "stacking on every text: fp": round(target_fp, 4),
        "routed, benign": round(float(routed[neg].mean()), 4),
        "routed, attacks": round(float(routed[pos].mean()), 4),
    }


def stack(adapter: Path, *, int8: bool = True, length_scaled: bool = True) -> None:
    started = time.perf_counter()
    calib = [s for s in build(semantic=True) if split_of(s) == "calib" and s.role != "system"]
    x = features(adapter, calib, int8=int8)
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
    # The bands (``transformer_scope: uncertain``): which n-gram verdicts go to the
    # transformer at all.
    guard = InjectionGuardrail()
    ngram_score = np.array([guard.check(s.text).score for s in calib])
    bands: list[float] = []
    for name, mask, cut, ngram_cut in (
        ("direct", direct, z_direct, guard.settings.threshold),
        ("indirect", tool, z_indirect, guard.indirect_threshold),
    ):
        full = z >= cut
        alone_ngram = ngram_score >= ngram_cut
        ceiling = min(0.5, indirect, guard.settings.threshold, guard.indirect_threshold)
        low, stats = fit_band(ngram_score, full, alone_ngram, y, mask, ceiling)
        bands += [low, HIGH]
        report[f"band {name}"] = {"low": low, "high": HIGH, **stats}
    with np.load(adapter, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "stacking"}
    stacking = np.array(
        [intercept, a_tf, a_ngram, a_rules, indirect, float(length_scaled), *bands],
        dtype=np.float64,
    )
    np.savez_compressed(adapter, stacking=stacking, **arrays)
    out = adapter.with_name(adapter.stem + "_stacking.json")
    out.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
