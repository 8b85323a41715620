"""Learned harmful-request detector of the content guard (pure numpy, I/O-free).

A logistic regression over the injection model's hashed n-gram features
(``ngrams.features`` / ``ngram_sums.batch_sums``, through their public
functions: character 3-5-grams of the folded text and word uni- and bigrams;
no word-shape grams, which exist for adversarial suffixes), into its own,
smaller table of ``2**bits`` float16 weights. It scores the harmful *request*
("how do I make a pipe bomb", "track my wife's phone without her knowing")
whatever wraps it (role-play, fiction, a game): long texts are cut into the
injection model's windows and the highest window wins, so a goal planted in a
long persona prompt is judged on its own.

Its logit (scaled by ``length_factor`` for short texts, and down under a
defensive framing, ``ContentGuardrail.stack_inputs``) is stacked with the
content rules' score by Platt scaling fitted on the calibration split:
``p = sigmoid(c + a_model * f * logit + a_rules * rules)``, ``c`` shifted so that
p = 0.5 is the operating point chosen there (<= 1% false positives on benign
user texts, <= 3% on XSTest's safe look-alikes). Trained by
``bench/train_content_model.py``; see ``model/CONTENT_MODEL_CARD.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails.learned import (
    Stacking,
    batch_sums,
    features,
    table_bits,
    window_pairs,
)

MODEL_PATH = Path(__file__).resolve().parent / "model" / "content_model.npz"


class ContentModel:
    """The harmful-request model (immutable; safe to share across threads)."""

    def __init__(
        self,
        weights: npt.NDArray[np.float16] | npt.NDArray[np.float32],
        bias: float,
        stacking: Stacking,
        version: str,
    ) -> None:
        self.bits = table_bits(weights)
        self.weights = weights
        self.bias = bias
        self.stacking = stacking
        self.version = version

    def logits(self, texts: Sequence[str]) -> list[float]:
        """Raw logits (highest window of each text), all texts in one vectorised pass."""
        pieces: list[str] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            cut = window_pairs(text)
            pieces += [folded for folded, _ in cut]
            owner += [index] * len(cut)
        if len(pieces) == 1:  # one short text: one array of buckets, one sum
            buckets = features(pieces[0], self.bits)
            found = len(buckets)
            total = float(self.weights.take(buckets).sum(dtype=np.float64)) if found else 0.0
            return [self.bias + total / math.sqrt(max(found, 1))]
        sums, counts = batch_sums(self.weights, self.bits, pieces)
        best = [-math.inf] * len(texts)
        bias = self.bias
        for index, total, count in zip(owner, sums, counts, strict=True):
            value = bias + total / math.sqrt(max(count, 1))
            if value > best[index]:
                best[index] = value
        return best

    def logit(self, text: str) -> float:
        return self.logits([text])[0]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ContentModel:
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"]
            if weights.dtype != np.float16:
                weights = weights.astype(np.float32)
            bias, intercept, a_model, a_rules = (float(x) for x in data["meta"])
            version = str(data["version"])
        return cls(weights, bias, Stacking(intercept, a_model, a_rules), version)


@lru_cache(maxsize=1)
def default_content_model() -> ContentModel:
    """The shipped model, loaded once per process."""
    return ContentModel.load()
