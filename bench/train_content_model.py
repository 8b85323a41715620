"""Train the content guard's learned harmful-request model (``model/content_model.npz``).

1. The corpus of ``bench/content_corpus.py`` (harmful requests, XSTest, the
   injection corpus' benign texts), split by group: train / calib / test. The
   test split is not read here; AlpacaEval is never trained on; harmful texts
   found inside the injection corpus' test attacks are not trained on.
2. Logistic regression (scikit-learn, liblinear, class-balanced, each source
   weighted by one over the square root of its size) over the injection model's
   hashed n-gram features (``ngrams.batch_features``, no shape grams) in
   ``2**BITS`` buckets; C chosen on calib (recall at the operating point).
3. Platt stacking on calib: ``sigmoid(c + a * x + b * rules)`` with ``x`` the
   logit as ``ContentGuardrail.stack_inputs`` scales it (``length_factor``, a
   defensive framing) and ``rules`` the content rules' score (the highest
   category score); texts on which a rule category already acts are left to
   the rules (the model is not asked).
4. Operating point on calib: the lowest threshold at which the content guard
   (rules OR model) stays within <= 1% false positives on benign texts, <= 1%
   on real users' prompts (AlpacaEval) and <= 3% on XSTest's safe prompts;
   ``c`` is shifted so that it is p = 0.5.

Run (dev only; needs scikit-learn and scipy):
``PYTHONPATH=.:bench nice -n 5 .venv/bin/python bench/train_content_model.py``
(``CONTENT_MODEL_OUT`` writes elsewhere, ``CONTENT_TRAIN_C`` sets the C grid,
``CONTENT_BITS`` the table size).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_corpus import (
    CONTENT_REPOS,
    EVAL_ONLY_PREFIX,
    LICENCES,
    XSTEST_SAFE,
    Sample,
    build,
    leaked,
)
from guard_corpus import build as build_injection
from train_injection_model import feature_matrix, sample_weights

from routeiq.plugins.guardrails.content import ContentGuardrail
from routeiq.plugins.guardrails.content_model import MODEL_PATH, ContentModel
from routeiq.plugins.guardrails.learned import Stacking, window_pairs
from routeiq.plugins.guardrails.settings import ContentSettings

BITS = int(os.environ.get("CONTENT_BITS", "18"))
VERSION = "1"
TRAIN_CHARS = 6000
C_GRID = tuple(float(c) for c in os.environ.get("CONTENT_TRAIN_C", "16,64,256").split(","))
OUT = Path(os.environ.get("CONTENT_MODEL_OUT", str(MODEL_PATH)))
BENIGN_FP = 0.01
#: Real users' prompts (AlpacaEval: OASST, Koala, Vicuna...) are the traffic that
#: matters most and the hardest benign source: <= 1% of them too. Measured on
#: calib (model trained as shipped): at the benign budget alone the guard
#: flagged 6 of 116 of them ("Can you help me figure out how to sew a button on
#: a shirt?" 0.87: the model leans on request framings), recall 0.73; with this
#: budget 1 of 116, recall 0.54 (rules alone 0.38).
REAL_USER_FP = 0.01
#: Benign sources whose requests get a harmful framing (``reframed``).
REFRAMED = frozenset(
    {
        "gpteacher toolformer questions",
        "self-instruct user-oriented",
        "gpteacher codegen",
        "mt-bench questions",
        "xstest safe",
    }
)
XSTEST_FP = 0.03


_LEAD = re.compile(r"^[A-Za-z][a-z]+\b")
_FRAMING_MIN = 4
#: Framings given to each benign request (``reframed``).
REFRAMINGS = int(os.environ.get("CONTENT_REFRAMINGS", "3"))


def framings(harmful: list[Sample]) -> list[str]:
    """The request framings harmful training texts open with ("How can I",
    "Write a tutorial on how to", "Can you help me"): each opening of two to six
    words that ends in a function word and starts at least ``_FRAMING_MIN`` texts."""
    counts: dict[str, int] = {}
    ends = {"i", "to", "me", "a", "an", "on", "for", "how", "someone", "that"}
    for sample in harmful:
        words = sample.text.split()
        for k in range(2, 7):
            if len(words) > k and words[k - 1].lower() in ends:
                head = " ".join(words[:k])
                counts[head] = counts.get(head, 0) + 1
    return sorted(h for h, n in counts.items() if n >= _FRAMING_MIN)


def reframed(benign: list[Sample], heads: list[str], seed: int = 14) -> list[Sample]:
    """Benign training requests that open with an imperative verb ("Find the
    opening hours of the Louvre"), each given one harmful framing ("How can I
    find the opening hours of the Louvre"): benign too. Without them the model
    learns the framing instead of the goal: version 0 put "Can you help me
    figure out how to sew a button on a shirt?" at 0.91 (calib)."""
    rng = random.Random(seed)
    out = []
    for sample in benign:
        text = sample.text.strip()
        if len(text) > 300 or "\n" in text or not _LEAD.match(text):
            continue
        body = text[0].lower() + text[1:]
        for head in rng.sample(heads, REFRAMINGS):
            source = "benign requests, harmful framing"
            out.append(Sample(f"{head} {body}", source, 0, sample.group))
    return out


def serving(weights: np.ndarray, bias: float) -> ContentModel:
    return ContentModel(weights.astype(np.float32), bias, Stacking(0, 1, 0), "train")


def matrix(samples: list[Sample]) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Rows = training windows (scaled as ``ContentModel.logits`` scales them)."""
    pieces: list[str] = []
    labels: list[int] = []
    sources: list[str] = []
    for sample in samples:
        cut = [folded for folded, _ in window_pairs(sample.text[:TRAIN_CHARS])]
        pieces += cut
        labels += [sample.label] * len(cut)
        sources += [sample.source] * len(cut)
    m = feature_matrix(pieces, None, BITS)
    return m, np.array(labels), sample_weights(sources)


def operating_point(
    z: np.ndarray, rules_fire: np.ndarray, calib: list[Sample]
) -> tuple[float, dict[str, float]]:
    """The lowest stacked-logit threshold that keeps rules-OR-model within the
    false-positive budgets on calib, and the budgets' own thresholds."""
    labels = np.array([s.label for s in calib])
    benign = labels == 0
    xstest = np.array([s.source == XSTEST_SAFE for s in calib])
    real = np.array([s.source.startswith(EVAL_ONLY_PREFIX) for s in calib])
    ordinary = benign & ~xstest
    cuts: dict[str, float] = {}
    for name, mask, budget in (
        ("benign", ordinary, BENIGN_FP),
        ("real_users", real, REAL_USER_FP),
        ("xstest_safe", xstest, XSTEST_FP),
    ):
        # Texts the rules flag are false positives whatever the model says: they
        # use the budget first, the model gets what is left.
        allowed = math.floor(budget * int(mask.sum())) - int(rules_fire[mask].sum())
        rest = np.sort(z[mask & ~rules_fire])
        if allowed < 0:
            print(f"  {name}: the rules alone exceed the {budget:.0%} budget")
            allowed = 0
        # Just above the highest benign score left over (a margin, so that the
        # float rounding of serving cannot put that text back on the threshold).
        cut = rest[len(rest) - allowed - 1] + 1e-6 if len(rest) > allowed else -1e9
        cuts[name] = float(cut)
    return max(cuts.values()), cuts


def main() -> None:
    started = time.perf_counter()
    injection = build_injection(semantic=True)
    corpus = build(injection)
    held_out = leaked(corpus, injection)
    train = [
        s
        for s in corpus
        if s.split == "train"
        and not s.source.startswith(EVAL_ONLY_PREFIX)
        and s.text not in held_out
    ]
    heads = framings([s for s in train if s.label])
    train += reframed([s for s in train if not s.label and s.source in REFRAMED], heads)
    calib = [s for s in corpus if s.split == "calib"]
    print(f"{len(heads)} harmful framings, e.g. {heads[:8]}")
    print(
        f"corpus {len(corpus)}: train {len(train)} ({sum(s.label for s in train)} harmful),"
        f" calib {len(calib)} ({sum(s.label for s in calib)} harmful); test not read;"
        f" {len(held_out)} harmful texts held out (inside injection test attacks)"
    )
    rules = ContentGuardrail(ContentSettings(learned=False))
    texts = [s.text for s in calib]
    y_calib = np.array([s.label for s in calib])
    findings = [rules.rule_findings(text) for text in texts]
    fire = np.array([rules.decide(f, t).triggered for f, t in zip(findings, texts, strict=True)])
    x_train, y_train, w_train = matrix(train)
    print(f"{x_train.shape[0]} training windows, features in {time.perf_counter() - started:.0f} s")
    best = None
    for c in C_GRID:
        fitted = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=300)
        fitted.fit(x_train, y_train, sample_weight=w_train)
        weights = fitted.coef_[0].astype(np.float16)
        bias = float(fitted.intercept_[0])
        model = serving(weights, bias)
        guard = ContentGuardrail(ContentSettings(), model=model)
        inputs = [
            guard.stack_inputs(text, found, logit) or (0.0, 1.0)  # rules act: model unused
            for text, found, logit in zip(texts, findings, model.logits(texts), strict=True)
        ]
        logits = np.array([x for x, _ in inputs])
        rule_calib = np.array([r for _, r in inputs])
        result = stack(calib, logits, rule_calib, fire, y_calib)
        print(f"C={c:<5} calib recall (rules or model) {result['recall']:.4f} {result['cuts']}")
        if best is None or result["recall"] > best[1]["recall"]:
            best = (c, result, weights, bias)
    assert best is not None
    c, result, weights, bias = best
    write(c, result, weights, bias, len(train), sum(s.label for s in train), calib, started)


def stack(
    calib: list[Sample],
    logits: np.ndarray,
    rule_calib: np.ndarray,
    fire: np.ndarray,
    y: np.ndarray,
) -> dict:
    """Platt stacking (each source weighted equally) and the operating point."""
    sources = [s.source for s in calib]
    per_source = {src: sources.count(src) for src in set(sources)}
    weight = np.array([1.0 / per_source[src] for src in sources])
    features = np.column_stack([logits, rule_calib])
    stacker = LogisticRegression(C=100.0, solver="lbfgs")
    asked = ~fire  # the model is asked only where no rule category acts
    stacker.fit(features[asked], y[asked], sample_weight=weight[asked])
    intercept = float(stacker.intercept_[0])
    a_model, a_rules = (float(v) for v in stacker.coef_[0])
    z = intercept + a_model * logits + a_rules * rule_calib
    cut, cuts = operating_point(z, fire, calib)
    flagged = fire | (z >= cut)
    harmful = y == 1
    per_source_recall = {
        src: round(float(np.mean(flagged[np.array(sources) == src])), 4)
        for src in sorted(per_source)
        if y[sources.index(src)] == 1 or src == XSTEST_SAFE or src.startswith(EVAL_ONLY_PREFIX)
    }
    return {
        "recall": float(np.mean(flagged[harmful])),
        "recall_rules_only": float(np.mean(fire[harmful])),
        "benign_fp": float(np.mean(flagged[~harmful & (np.array(sources) != XSTEST_SAFE)])),
        "cut": cut,
        "cuts": {k: round(v, 3) for k, v in cuts.items()},
        "intercept": intercept - cut,
        "a_model": a_model,
        "a_rules": a_rules,
        "per_source": per_source_recall,
    }


def write(
    c: float,
    result: dict,
    weights: np.ndarray,
    bias: float,
    n_train: int,
    n_harmful: int,
    calib: list[Sample],
    started: float,
) -> None:
    meta = np.array([bias, result["intercept"], result["a_model"], result["a_rules"]])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, weights=weights, meta=meta, version=np.array(VERSION))
    info = {
        "version": VERSION,
        "bits": BITS,
        "C": c,
        "bias": bias,
        "stacking": {k: result[k] for k in ("intercept", "a_model", "a_rules")},
        "train": n_train,
        "train_harmful": n_harmful,
        "calib": len(calib),
        "calib_harmful": sum(s.label for s in calib),
        "calib_recall_rules_or_model": round(result["recall"], 4),
        "calib_recall_rules_only": round(result["recall_rules_only"], 4),
        "calib_benign_fp": round(result["benign_fp"], 4),
        "calib_per_source_flagged": result["per_source"],
        "sources": {k: {"repo": r, "commit": h} for k, (r, h) in CONTENT_REPOS.items()},
        "licences": LICENCES,
        "nonzero_weights": int(np.count_nonzero(weights)),
        "file_bytes": OUT.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (OUT.parent / "content_training.json").write_text(json.dumps(info, indent=1) + "\n")
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
