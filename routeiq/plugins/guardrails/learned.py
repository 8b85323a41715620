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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zlib import crc32

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
#: Lines of at least this many characters are scored as windows of their own.
LINE_MIN = 40

Buckets = npt.NDArray[np.uint64]

#: Seven zero bytes after the text, so that a uint64 can be read at every byte
#: offset of it (``_packed``).
_PAD = bytes(7)
#: A character n-gram of n <= 5 bytes is its own 40-bit number: the little-endian
#: uint64 read at its first byte, masked to n bytes. The size goes in the top byte
#: so that a 3-gram and the 4-gram starting with it differ. Rows: 3, 4, 5.
_GRAM_MASKS = np.array([[(1 << (8 * n)) - 1] for n in _CHAR_SIZES], dtype=np.uint64)
_GRAM_TAGS = np.array([[n << 56] for n in _CHAR_SIZES], dtype=np.uint64)
#: Words: runs of letters, digits and apostrophes, or of non-ASCII letters, of the
#: folded text.
_WORD = re.compile(r"[a-z0-9']+|[^\x00-\x7f\W]+")
_WORD_SALT = 0x2545F4914F6CDD1D


_WORD_ASCII = re.compile(rb"[a-z0-9']+")


def _word_hashes(folded: str, data: bytes) -> list[int]:
    """crc32 of each word of ``folded`` (``data`` is its UTF-8 encoding, padded).
    ASCII text (the common case) is split as bytes: the same words, without an
    ``encode`` per word (half the cost of a message's words)."""
    if folded.isascii():
        return [crc32(word) ^ _WORD_SALT for word in _WORD_ASCII.findall(data)]
    return [crc32(w.encode("utf-8", "surrogatepass")) ^ _WORD_SALT for w in _WORD.findall(folded)]


def _shape_table() -> bytes:
    table = bytearray(range(256))
    for byte in range(256):
        char = chr(byte)
        if "a" <= char <= "z":
            table[byte] = ord("a")
        elif "A" <= char <= "Z":
            table[byte] = ord("A")
        elif "0" <= char <= "9":
            table[byte] = ord("0")
        elif char in " \t\x0b\x0c":
            table[byte] = ord(" ")
        elif char in "\r\n":
            table[byte] = ord("\n")
    return bytes(table)


#: Word shapes: every letter run becomes "a" (lower case) or "A" (upper case),
#: every digit run "0", punctuation stays, anything non-ASCII is "?".
_SHAPE_TABLE = _shape_table()
#: A repeat of the class character before it (deleted: runs collapse to one; a
#: literal empty replacement keeps ``sub`` in C, where a ``\1`` template costs a
#: Python call per match: ~13 us a message).
_SHAPE_REPEATS = re.compile(rb"(?<=a)a+|(?<=A)A+|(?<=0)0+|(?<= ) +")
_SHAPE_TAGS = np.array([[(16 + n) << 56] for n in _CHAR_SIZES], dtype=np.uint64)


def shape(raw: str) -> bytes:
    """The shape of ``raw`` (original case): "Write a keylogger !Bit (+ Alternativelyspan)"
    is b"Aa a a !Aa (+ Aa)". Adversarial suffixes (GCG: camel-cased mash-ups and
    punctuation between words) differ from prose and from code in their shape
    n-grams far more than in their exact characters, which never repeat."""
    data = raw.encode("ascii", "replace").translate(_SHAPE_TABLE)
    return _SHAPE_REPEATS.sub(b"", data)


def _grams(data: bytes, tags: npt.NDArray[np.uint64]) -> Buckets:
    """The 3-, 4- and 5-grams of ``data`` as tagged integers, (3, len - 2)."""
    count = len(data) - 2
    if count <= 0:
        return _EMPTY
    packed: Buckets = np.ndarray((count,), dtype="<u8", buffer=data + _PAD, strides=(1,))
    grams: Buckets = ((packed & _GRAM_MASKS) | tags).ravel()
    return grams


_EMPTY = np.zeros(0, dtype=np.uint64)
_NO_SEGMENTS = np.zeros(0, dtype=np.intp)


def features(folded: str, bits: int, raw: str | None = None) -> Buckets:
    """Bucket indices of every n-gram of one folded text (duplicates kept).

    Model version 8: about ten numpy calls per text, whatever its length, so
    that a chat message costs ~15-20 us here (version 7's rolling hash took ~30
    numpy calls, and on a turn the loop pays per call: ~45 us p50 on a 5-message
    turn, ~95 us after a 50-message one had evicted numpy's caches).

    - character 3-, 4- and 5-grams of ``folded`` (UTF-8, one space added on
      each side) read straight out of the bytes as integers: one strided view,
      one mask, one tag (the last 4- and 5-grams reach into the zero padding:
      they are end-of-text features);
    - word unigrams and bigrams, ``crc32`` per word (a message has tens of words);
    - with ``raw`` (the same characters before folding), 3-, 4- and 5-grams of
      its ``shape``.
    """
    data = (" " + folded + " ").encode("utf-8", "surrogatepass")
    parts = [_grams(data, _GRAM_TAGS)]
    if raw is not None:
        parts.append(_grams(b" " + shape(raw) + b" ", _SHAPE_TAGS))
    words = _word_hashes(folded, data)
    if words:
        hashed = np.array(words, dtype=np.uint64)
        parts += (hashed, hashed[:-1] * _PRIME + hashed[1:])
    keys = np.concatenate(parts)
    buckets: Buckets = (keys * _MIX) >> np.uint64(64 - bits)
    return buckets


def _batch_grams(datas: Sequence[bytes], texts: int) -> tuple[Buckets, npt.NDArray[np.intp]]:
    """``_grams`` of several byte strings in one pass, and which text each is from:
    the first ``texts`` strings are texts (``_GRAM_TAGS``), any after them their
    shapes (``_SHAPE_TAGS``; string ``texts + i`` belongs to text i).

    The strings are joined with two zero bytes between them: a string's last 4-
    and 5-grams then read zeros, as ``_grams`` reads its padding; grams that start
    in a separator or run into the next string are dropped.
    """
    joined = b"\0\0".join(datas)
    count = len(joined) - 2
    if count <= 0:
        return _EMPTY, _NO_SEGMENTS
    lengths = np.fromiter(map(len, datas), dtype=np.intp, count=len(datas))
    owner = np.repeat(np.arange(len(datas), dtype=np.intp), lengths + 2)[:count]
    starts = np.cumsum(lengths + 2) - (lengths + 2)
    keep = np.flatnonzero(np.arange(count) - starts[owner] < (lengths - 2)[owner])
    packed: Buckets = np.ndarray((count,), dtype="<u8", buffer=joined + _PAD, strides=(1,))
    owner = owner[keep]
    tags = _GRAM_TAGS
    if len(datas) > texts:
        tags = np.where(owner >= texts, _SHAPE_TAGS, _GRAM_TAGS)
        owner = owner % texts
    grams: Buckets = ((packed[keep] & _GRAM_MASKS) | tags).ravel()
    return grams, np.tile(owner, len(_CHAR_SIZES))


def batch_features(
    folded: Sequence[str], bits: int, raws: Sequence[str] | None = None
) -> tuple[Buckets, npt.NDArray[np.intp]]:
    """Bucket indices of every n-gram of each folded text, and which text each is
    from: the same buckets as ``features`` per text, in one vectorised pass (a
    first turn's five messages cost about what one costs)."""
    if not folded:
        return _EMPTY, _NO_SEGMENTS
    datas = [(" " + text + " ").encode("utf-8", "surrogatepass") for text in folded]
    shapes = [b" " + shape(raw) + b" " for raw in raws] if raws is not None else []
    keys, owners = _batch_grams(datas + shapes, len(datas))
    parts, part_owners = [keys], [owners]
    word_lists = [_word_hashes(text, data) for text, data in zip(folded, datas, strict=True)]
    words = [h for hashes in word_lists for h in hashes]
    if words:
        hashed = np.array(words, dtype=np.uint64)
        word_owner = np.repeat(
            np.arange(len(folded), dtype=np.intp), [len(hashes) for hashes in word_lists]
        )
        same = word_owner[:-1] == word_owner[1:]
        parts += (hashed, (hashed[:-1] * _PRIME + hashed[1:])[same])
        part_owners += (word_owner, word_owner[:-1][same])
    buckets: Buckets = (np.concatenate(parts) * _MIX) >> np.uint64(64 - bits)
    return buckets, np.concatenate(part_owners)


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
        shapes: bool = True,
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
        #: Whether the model has word-shape features (version 8 on).
        self.shapes = shapes

    def logit(self, text: str) -> float:
        """The model's logit for ``text`` (the highest over its windows)."""
        return self.logits([text])[0]

    def logits(self, texts: Sequence[str]) -> list[float]:
        """Logits of several texts in one vectorised pass (see ``batch_features``)."""
        pieces: list[tuple[str, str]] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            cut = window_pairs(text)
            pieces += cut
            owner += [index] * len(cut)
        raw = self.shapes
        if len(pieces) == 1:  # one short text: no per-segment sums needed
            folded, original = pieces[0]
            buckets = features(folded, self.bits, original if raw else None)
            found = len(buckets)
            total = float(self.weights[buckets].sum(dtype=np.float64)) if found else 0.0
            return [self.bias + total / math.sqrt(max(found, 1))]
        buckets, segments = batch_features(
            [f for f, _ in pieces], self.bits, [r for _, r in pieces] if raw else None
        )
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
            shapes = bool(data["shapes"]) if "shapes" in data else False
        bias, intercept, a_model, a_rules, direct, indirect = (float(x) for x in meta)
        stacking = Stacking(intercept, a_model, a_rules)
        return cls(weights, bias, stacking, direct, indirect, version, shapes)


@lru_cache(maxsize=1)
def default_model() -> InjectionModel:
    """The shipped model, loaded once per process (reading it takes a few ms)."""
    return InjectionModel.load()
