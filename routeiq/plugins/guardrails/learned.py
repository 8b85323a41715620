"""Learned injection detector: a linear model over hashed character and word n-grams.

Serving is pure numpy and I/O-free: the text is folded with ``normalize`` (the
same fold the phrase rules see: homoglyphs, zero-width characters, leetspeak,
case), then

- character 3-, 4- and 5-grams of the folded UTF-8 bytes, hashed with a rolling
  polynomial hash and multiply-shift into ``2**bits`` buckets, all in vectorised
  numpy (no Python loop per n-gram);
- word unigrams and bigrams (``crc32`` per word, bigrams combined in numpy);

and the logit is ``bias + sum(weights[buckets]) / sqrt(n_features)`` (each
feature's count scaled by one over the square root of the text's feature
count, the same scaling the training script uses). Long texts are scored in
overlapping windows and the highest logit wins, so an instruction planted in
the middle of a long tool result is not diluted by the document around it.

The features live in ``ngrams.py`` and the serving path's fast sums of their
weights in ``ngram_sums.py`` (re-exported here).

The weights, the rule-stacking coefficients and the thresholds chosen on the
calibration split ship in ``model/injection_model.npz`` (trained by
``bench/train_injection_model.py``; see ``model/MODEL_CARD.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails.ngram_sums import GramGrid, batch_sums
from routeiq.plugins.guardrails.ngrams import _add, batch_features, features, shape
from routeiq.plugins.guardrails.normalize import normalize

__all__ = [
    "LINE_MIN",
    "MODEL_PATH",
    "SHORT_TEXT_WORDS",
    "STEP",
    "WINDOW",
    "GramGrid",
    "InjectionModel",
    "Stacking",
    "batch_features",
    "batch_sums",
    "default_model",
    "features",
    "length_factor",
    "shape",
    "table_bits",
    "window_pairs",
    "window_starts",
    "windows",
]

MODEL_PATH = Path(__file__).resolve().parent / "model" / "injection_model.npz"

#: Window of folded characters scored at once, and the step between windows.
#: An instruction planted in a document is a sentence or two: in a short window
#: it is most of what the model sees. Chosen on the calib split (model v6's
#: weights, recall at 1% FP, logit alone): windows of 1200 chars: tool texts
#: 0.28, user texts 0.934; 600: 0.43, 0.938; 400: 0.47, 0.931; 250: 0.60, 0.931;
#: 150: 0.70, 0.902.
WINDOW = 250
STEP = 125
#: Lines of at least this many characters are scored as windows of their own.
LINE_MIN = 40
#: Up to this many windows, a batch is scored one C call per window when the
#: native sum is there (``ngram_native.py``), else in one numpy pass.
NATIVE_BATCH_MAX = 16


def window_pairs(text: str) -> list[tuple[str, str]]:
    """``text`` folded and cut into ``windows``, each with its raw characters (the
    shape features' input: the original text where folding kept every position,
    as it does for ASCII, else the folded text)."""
    folded, _ = normalize(text)
    raw = text if len(text) == len(folded) else folded
    if len(folded) <= WINDOW:
        return [(folded, raw)]
    pairs = [(folded[i : i + WINDOW], raw[i : i + WINDOW]) for i in window_starts(len(folded))]
    # Each line of a document is a window of its own too: an instruction planted
    # as a paragraph longer than half a window is cut in two by the fixed windows
    # and diluted by the text around it in both.
    start = 0
    for line in folded.split("\n"):
        end = start + len(line)
        if LINE_MIN <= len(line) <= WINDOW:
            pairs.append((line, raw[start:end]))
        start = end + 1
    return pairs


def window_starts(length: int) -> range:
    return range(0, length - WINDOW + STEP, STEP)


def windows(folded: str) -> list[str]:
    """The folded text cut into overlapping windows (one window if short)."""
    if len(folded) <= WINDOW:
        return [folded]
    return [folded[i : i + WINDOW] for i in window_starts(len(folded))]


#: A text of fewer words than this carries that fraction of the model's logit
#: (one word: 1/8). A few words are too little evidence for the n-grams: version
#: 5 put "sure" at 0.93, its few n-grams being ones attacks use ("Sure, here
#: is"). Short attacks ("ignore previous instructions") are the rules' job.
#: Chosen on the calib split: direct recall at 0.75% FP 0.919 with 1 (no
#: scaling), 0.921 with 3, 0.919 with 8, 0.912 with 12.
SHORT_TEXT_WORDS = 8


#: Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana,
#: Han): their characters count as words, two to a word. Counted by spaces alone a
#: Chinese or Japanese sentence was one word, its logit scaled by 1/8 (issue #14:
#: the n-gram model's own training attacks in Chinese scored 0.21 as served).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


def length_factor(text: str) -> float:
    """The share of the logit a text of this length carries (reads at most 9 words,
    or the first 32 characters of a text in an unspaced script)."""
    words = len(text.split(None, SHORT_TEXT_WORDS))
    if words < SHORT_TEXT_WORDS and not text.isascii():
        words += len(_UNSPACED.findall(text, 0, 4 * SHORT_TEXT_WORDS)) // 2
    return min(1.0, words / SHORT_TEXT_WORDS)


@dataclass(frozen=True, slots=True)
class Stacking:
    """How the model's logit and the rules' score combine into one probability.

    ``p = sigmoid(intercept + a_model * logit + a_rules * rules)``, the logit
    scaled by ``length_factor`` first (Platt scaling
    fitted on the calibration split, which the model never trained on).
    """

    intercept: float
    a_model: float
    a_rules: float

    def combine(self, logit: float, rules: float) -> float:
        return sigmoid(self.intercept + self.a_model * logit + self.a_rules * rules)


def table_bits(weights: npt.NDArray[np.float16] | npt.NDArray[np.float32]) -> int:
    """log2 of a hashed weight table's length (a power of two, or ValueError)."""
    bits = round(math.log2(len(weights)))
    if 1 << bits != len(weights):
        raise ValueError("weights must have a power-of-two length")
    return bits


def sigmoid(z: float) -> float:
    """The logistic function, without overflow for large ``|z|``."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class InjectionModel:
    """The hashed n-gram linear model (immutable; safe to share across threads)."""

    def __init__(
        self,
        weights: npt.NDArray[np.float16] | npt.NDArray[np.float32],
        bias: float,
        stacking: Stacking,
        direct_threshold: float,
        indirect_threshold: float,
        version: str,
        shapes: bool = True,
    ) -> None:
        self.bits = table_bits(weights)
        self.weights = weights
        self.bias = bias
        self.stacking = stacking
        self.direct_threshold = direct_threshold
        self.indirect_threshold = indirect_threshold
        self.version = version
        #: Whether the model has word-shape features (version 8 on).
        self.shapes = shapes
        self._grid = GramGrid(weights, self.bits)

    def logit(self, text: str) -> float:
        """The model's logit for ``text`` (the highest over its windows)."""
        pieces = window_pairs(text)
        return self._logits(pieces, [0] * len(pieces), 1)[0]

    def logits(self, texts: Sequence[str]) -> list[float]:
        """Logits of several texts in one vectorised pass (see ``batch_features``)."""
        pieces: list[tuple[str, str]] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            cut = window_pairs(text)
            pieces += cut
            owner += [index] * len(cut)
        return self._logits(pieces, owner, len(texts))

    def _logits(self, pieces: list[tuple[str, str]], owner: list[int], count: int) -> list[float]:
        """The highest logit of each of ``count`` texts over its windows
        (``pieces``, ``owner[i]`` the text piece i is from)."""
        raw = self.shapes
        if len(pieces) == 1:  # one short text: no per-segment sums needed
            folded, original = pieces[0]
            if raw and (fast := self._grid.total(folded, original)) is not None:
                total, found = fast
                return [self.bias + total / math.sqrt(max(found, 1))]
            buckets = features(folded, self.bits, original if raw else None)
            found = len(buckets)
            total = float(_add(self.weights.take(buckets), dtype=np.float64)) if found else 0.0
            return [self.bias + total / math.sqrt(max(found, 1))]
        grid = self._grid
        if raw and grid.native is not None and len(pieces) <= NATIVE_BATCH_MAX:
            # A first turn's few texts: one C call each (``ngram_native.py``) instead
            # of the batch's numpy calls; the same sums and counts.
            totals = [grid.total(folded, original) for folded, original in pieces]
            if None not in totals:
                bias = self.bias
                best = [-math.inf] * count
                for index, fast in zip(owner, totals, strict=True):
                    total, found = fast  # type: ignore[misc]
                    value = bias + total / math.sqrt(max(found, 1))
                    if value > best[index]:
                        best[index] = value
                return best
        sums, counts = batch_sums(
            self.weights,
            self.bits,
            [f for f, _ in pieces],
            [r for _, r in pieces] if raw else None,
        )
        bias = self.bias
        scores = [bias + s / math.sqrt(max(c, 1)) for s, c in zip(sums, counts, strict=True)]
        best = [-math.inf] * count
        for index, value in zip(owner, scores, strict=True):
            if value > best[index]:
                best[index] = value
        return best

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> InjectionModel:
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"]
            # Served in the dtype they ship in: float16 (training rounds the
            # weights to it), a 2 MB table instead of float32's 4 MB for the few
            # hundred random lookups of a text. The sums are the same bits:
            # float16 -> float64 is exact (and so is the sum, see ``batch_sums``).
            if weights.dtype != np.float16:
                weights = weights.astype(np.float32)
            meta = data["meta"].astype(np.float64)
            version = str(data["version"])
            shapes = bool(data["shapes"]) if "shapes" in data else False
        bias, intercept, a_model, a_rules, direct, indirect = (float(x) for x in meta)
        stacking = Stacking(intercept, a_model, a_rules)
        return cls(weights, bias, stacking, direct, indirect, version, shapes)


@lru_cache(maxsize=1)
def default_model() -> InjectionModel:
    """The shipped model, loaded once per process (reading it takes a few ms)."""
    return InjectionModel.load()
