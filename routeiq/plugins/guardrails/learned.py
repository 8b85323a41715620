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

The weights, the rule-stacking coefficients and the thresholds chosen on the
calibration split ship in ``model/injection_model.npz`` (trained by
``bench/train_injection_model.py``; see ``model/MODEL_CARD.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails.normalize import normalize

MODEL_PATH = Path(__file__).resolve().parent / "model" / "injection_model.npz"

_PRIME = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: odd, so the hash mixes every byte
_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: multiply-shift hashing
_CHAR_SIZES = (3, 4, 5)
#: Window of folded characters scored at once, and the step between windows.
#: An instruction planted in a document is a sentence or two: in a short window
#: it is most of what the model sees. Chosen on the calib split (model v6's
#: weights, recall at 1% FP, logit alone): windows of 1200 chars: tool texts
#: 0.28, user texts 0.934; 600: 0.43, 0.938; 400: 0.47, 0.931; 250: 0.60, 0.931;
#: 150: 0.70, 0.902.
WINDOW = 250
STEP = 125

Buckets = npt.NDArray[np.uint64]


_WORD_SALT = np.uint64(0x2545F4914F6CDD1D)
_WORD_PRIME = 0x9FB21C651E98DF25  # odd
_WORD_BYTE = np.zeros(256, dtype=bool)
for _byte in b"abcdefghijklmnopqrstuvwxyz0123456789'":
    _WORD_BYTE[_byte] = True
_WORD_BYTE[0x80:] = True  # UTF-8 bytes of non-ASCII letters
_POWERS: list[tuple[Buckets, Buckets]] = []


def _powers(count: int) -> tuple[Buckets, Buckets]:
    """K**j and K**-j (mod 2**64) for j < count, grown by doubling and kept."""
    if _POWERS and len(_POWERS[0][0]) >= count:
        return _POWERS[0]
    size = max(4096, 1 << (count - 1).bit_length())
    with np.errstate(over="ignore"):
        forward = np.full(size, _WORD_PRIME, dtype=np.uint64)
        forward[0] = 1
        backward = np.full(size, pow(_WORD_PRIME, -1, 1 << 64), dtype=np.uint64)
        backward[0] = 1
        table = (np.cumprod(forward, dtype=np.uint64), np.cumprod(backward, dtype=np.uint64))
    _POWERS[:] = [table]
    return table


_EMPTY = np.zeros(0, dtype=np.uint64)
_NO_SEGMENTS = np.zeros(0, dtype=np.intp)


def batch_features(folded: Sequence[str], bits: int) -> tuple[Buckets, npt.NDArray[np.intp]]:
    """Bucket indices of every n-gram of each folded text, and which text each is from.

    All texts are hashed in one pass over their concatenation (an n-gram that
    would span two texts is dropped), so a batch costs about what one text
    costs: ~25 numpy calls at ~1-2 us each here, whatever the count, with no
    Python loop over words or n-grams.
    """
    if not folded:
        return _EMPTY, _NO_SEGMENTS
    encoded = [(" " + text + " ").encode("utf-8", "surrogatepass") for text in folded]
    lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
    data_u8 = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    raw = data_u8.astype(np.uint64)
    # One text (the common case on a turn): nothing to mask, no owners to track
    # (about half the numpy calls; same buckets as in a batch).
    single = len(encoded) == 1
    segment = _NO_SEGMENTS if single else np.repeat(np.arange(len(encoded), dtype=np.intp), lengths)
    hashes: list[Buckets] = []
    owners: list[npt.NDArray[np.intp]] = []
    rolling = raw
    for size in range(2, max(_CHAR_SIZES) + 1):
        if len(raw) < size:
            break
        rolling = rolling[:-1] * _PRIME + raw[size - 1 :]
        if size in _CHAR_SIZES:
            if single:
                hashes.append(rolling)
                continue
            starts = segment[: len(rolling)]
            inside = starts == segment[size - 1 :]
            hashes.append(rolling[inside])
            owners.append(starts[inside])
    # Words (runs of letters, digits, apostrophes and non-ASCII bytes) hashed in
    # numpy too: a polynomial prefix sum C[i] = sum_{j<=i} b[j] * K**j (wrapping
    # mod 2**64) gives the word b[s..e] as (C[e] - C[s-1]) * K**-s. K is odd, so
    # K**-1 exists mod 2**64. (crc32 per word in Python measured ~40% of a batch.)
    is_word = _WORD_BYTE[data_u8]
    # i where is_word changes between i and i + 1; raw starts and ends with a
    # space, so they pair up: (before a word's first byte, its last byte)...
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    if len(edges):
        before, last = edges[0::2], edges[1::2]
        powers, inverse = _powers(len(raw))
        prefix = np.cumsum(raw * powers[: len(raw)])
        words = ((prefix[last] - prefix[before]) * inverse[before + 1]) ^ _WORD_SALT
        if single:
            hashes += (words, words[:-1] * _PRIME + words[1:])
        else:
            word_owner = segment[last]
            pairs = word_owner[:-1] == word_owner[1:]
            hashes += (words, (words[:-1] * _PRIME + words[1:])[pairs])
            owners += (word_owner, word_owner[:-1][pairs])
    if not hashes:
        return _EMPTY, _NO_SEGMENTS
    hashed = np.concatenate(hashes)
    buckets: Buckets = (hashed * _MIX) >> np.uint64(64 - bits)
    if single:
        return buckets, np.zeros(len(buckets), dtype=np.intp)
    return buckets, np.concatenate(owners)


def features(folded: str, bits: int) -> Buckets:
    """Bucket indices of every n-gram of one folded text (duplicates kept)."""
    return batch_features([folded], bits)[0]


def windows(folded: str) -> list[str]:
    """The folded text cut into overlapping windows (one window if short)."""
    if len(folded) <= WINDOW:
        return [folded]
    return [folded[i : i + WINDOW] for i in range(0, len(folded) - WINDOW + STEP, STEP)]


#: A text of fewer words than this carries that fraction of the model's logit
#: (one word: 1/8). A few words are too little evidence for the n-grams: version
#: 5 put "sure" at 0.93, its few n-grams being ones attacks use ("Sure, here
#: is"). Short attacks ("ignore previous instructions") are the rules' job.
#: Chosen on the calib split: direct recall at 0.75% FP 0.919 with 1 (no
#: scaling), 0.921 with 3, 0.919 with 8, 0.912 with 12.
SHORT_TEXT_WORDS = 8


def length_factor(text: str) -> float:
    """The share of the logit a text of this length carries (reads at most 9 words)."""
    return min(1.0, len(text.split(None, SHORT_TEXT_WORDS)) / SHORT_TEXT_WORDS)


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
        z = self.intercept + self.a_model * logit + self.a_rules * rules
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


class InjectionModel:
    """The hashed n-gram linear model (immutable; safe to share across threads)."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        bias: float,
        stacking: Stacking,
        direct_threshold: float,
        indirect_threshold: float,
        version: str,
    ) -> None:
        bits = round(math.log2(len(weights)))
        if 1 << bits != len(weights):
            raise ValueError("weights must have a power-of-two length")
        self.bits = bits
        self.weights = weights
        self.bias = bias
        self.stacking = stacking
        self.direct_threshold = direct_threshold
        self.indirect_threshold = indirect_threshold
        self.version = version

    def logit(self, text: str) -> float:
        """The model's logit for ``text`` (the highest over its windows)."""
        return self.logits([text])[0]

    def logits(self, texts: Sequence[str]) -> list[float]:
        """Logits of several texts in one vectorised pass (see ``batch_features``)."""
        pieces: list[str] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            folded, _ = normalize(text)
            cut = windows(folded)
            pieces += cut
            owner += [index] * len(cut)
        buckets, segments = batch_features(pieces, self.bits)
        if len(pieces) == 1:  # one short text: no per-segment sums needed
            found = len(buckets)
            total = float(self.weights[buckets].sum(dtype=np.float64)) if found else 0.0
            return [self.bias + total / math.sqrt(max(found, 1))]
        sums = np.bincount(segments, weights=self.weights[buckets], minlength=len(pieces))
        counts = np.bincount(segments, minlength=len(pieces))
        scores = self.bias + sums / np.sqrt(np.maximum(counts, 1))
        best = [-math.inf] * len(texts)
        for index, value in zip(owner, scores.tolist(), strict=True):
            if value > best[index]:
                best[index] = value
        return best

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> InjectionModel:
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32)
            meta = data["meta"].astype(np.float64)
            version = str(data["version"])
        bias, intercept, a_model, a_rules, direct, indirect = (float(x) for x in meta)
        return cls(weights, bias, Stacking(intercept, a_model, a_rules), direct, indirect, version)


@lru_cache(maxsize=1)
def default_model() -> InjectionModel:
    """The shipped model, loaded once per process (reading it takes a few ms)."""
    return InjectionModel.load()
