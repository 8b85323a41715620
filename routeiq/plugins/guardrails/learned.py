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
from itertools import pairwise
from pathlib import Path
from typing import Any
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
#: Runs of one class character, each collapsed to one. Four literal
#: replacements, each a plain run pattern that the regex engine scans in C: 3.4
#: us a chat message against 5.3 for one alternation with a lookbehind per
#: branch (``bench``-like Faker messages, hot). Runs of different classes never
#: touch each other, so the order of the four does not matter.
_SHAPE_RUNS = tuple(
    (re.compile(re.escape(char) + b"{2,}"), char) for char in (b"a", b"A", b"0", b" ")
)
_SHAPE_TAGS = np.array([[(16 + n) << 56] for n in _CHAR_SIZES], dtype=np.uint64)


def shape(raw: str) -> bytes:
    """The shape of ``raw`` (original case): "Write a keylogger !Bit (+ Alternativelyspan)"
    is b"Aa a a !Aa (+ Aa)". Adversarial suffixes (GCG: camel-cased mash-ups and
    punctuation between words) differ from prose and from code in their shape
    n-grams far more than in their exact characters, which never repeat."""
    data = raw.encode("ascii", "replace").translate(_SHAPE_TABLE)
    for run, char in _SHAPE_RUNS:
        data = run.sub(char, data)
    return data


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

    - character 3-, 4- and 5-grams of ``folded`` (UTF-8, one space added on
      each side) read straight out of the bytes as integers: one strided view,
      one mask, one tag (the last 4- and 5-grams reach into the zero padding:
      they are end-of-text features);
    - word unigrams and bigrams, ``crc32`` per word (a message has tens of words);
    - with ``raw`` (the same characters before folding), 3-, 4- and 5-grams of
      its ``shape``.

    The order is the text's 3-, 4-, 5-grams, the shape's, the words, the
    bigrams (the logit sums in that order). On a next turn the one new message
    is scored with caches cold (the history's scan ran just before), where every
    numpy call costs a few microseconds whatever its size: the text and its
    shape share one strided view, one mask, one tag pass (``_fused_grams``), the
    word bigrams are combined in Python ints (tens of them: cheaper than three
    numpy calls), and the hashing runs in place. Ten numpy calls where version
    8's layout made eighteen; the same buckets in the same order.
    """
    data = (" " + folded + " ").encode("utf-8", "surrogatepass")
    words = _word_hashes(folded, data)
    words += _bigrams(words)
    parts = _fused_grams(data, b" " + shape(raw) + b" " if raw is not None else None)
    if words:
        parts.append(np.array(words, dtype=np.uint64))
    if not parts:
        return _EMPTY
    keys = np.concatenate(parts) if len(parts) > 1 else parts[0].copy()
    keys *= _MIX
    keys >>= np.uint64(64 - bits)
    return keys


_add = np.add.reduce
_PRIME_INT = int(_PRIME)
_MIX_INT = int(_MIX)
_U64 = (1 << 64) - 1


def _bigrams(words: list[int]) -> list[int]:
    """The word bigram keys, ``a * _PRIME + b`` modulo 2**64 as numpy computes
    them, in Python ints: tens of them cost less than three numpy calls."""
    return [(a * _PRIME_INT + b) & _U64 for a, b in pairwise(words)]


#: The tag bit that tells a shape's n-gram from the text's (``_SHAPE_TAGS`` is
#: ``_GRAM_TAGS`` with it set).
_SHAPE_BIT = np.uint64(16 << 56)
#: Two zero bytes between a text and its shape: the text's last 4- and 5-grams
#: read zeros there, as ``_grams`` reads its padding.
_GAP = b"\0\0"


def _fused_grams(data: bytes, shaped: bytes | None) -> list[Buckets]:
    """``_grams(data, _GRAM_TAGS)`` and ``_grams(shaped, _SHAPE_TAGS)`` as row
    slices (3-, 4-, 5-grams of the text, then of the shape) of one pass over the
    two strings side by side; grams that start in the gap are left out."""
    text_count = len(data) - 2
    joined = data if shaped is None else data + _GAP + shaped
    count = len(joined) - 2
    if count <= 0:
        return []
    packed: Buckets = np.ndarray((count,), dtype="<u8", buffer=joined + _PAD, strides=(1,))
    grams: Buckets = packed & _GRAM_MASKS
    grams |= _GRAM_TAGS
    rows: list[Buckets] = []
    if text_count > 0:
        rows += (grams[0, :text_count], grams[1, :text_count], grams[2, :text_count])
    if shaped is not None and len(shaped) > 2:
        start = len(data) + len(_GAP)
        grams[:, start:] |= _SHAPE_BIT
        rows += (grams[0, start:], grams[1, start:], grams[2, start:])
    return rows


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


#: Words of folded ASCII texts joined by NUL bytes, and the NULs between them.
_WORD_OR_NUL = re.compile(rb"[a-z0-9']+|\x00")


def _batch_word_hashes(folded: Sequence[str], datas: Sequence[bytes]) -> list[list[int]]:
    """``_word_hashes`` of each text: for ASCII texts (the common case) one
    ``findall`` and one hashing pass over all of them (NUL-joined; a first turn
    paid ~7 us a text with the caches cold, most of it per-call overhead)."""
    joined = b"\0".join(datas)
    if joined.count(b"\0") != len(datas) - 1 or not all(text.isascii() for text in folded):
        return [_word_hashes(text, data) for text, data in zip(folded, datas, strict=True)]
    tokens = _WORD_OR_NUL.findall(joined)
    hashes = [crc32(token) ^ _WORD_SALT for token in tokens]
    out: list[list[int]] = []
    start = 0
    for _ in range(len(datas) - 1):
        end = tokens.index(b"\0", start)
        out.append(hashes[start:end])
        start = end + 1
    out.append(hashes[start:])
    return out


def _shapes(raws: Sequence[str]) -> list[bytes]:
    """``shape`` of each text, in one pass over them joined by NULs (shape keeps
    a NUL as it is and never merges it into a run) unless a text holds one."""
    joined = "\0".join(raws)
    if joined.count("\0") != len(raws) - 1:
        return [shape(raw) for raw in raws]
    return shape(joined).split(b"\0")


def batch_sums(
    weights: npt.NDArray[np.floating[Any]],
    bits: int,
    folded: Sequence[str],
    raws: Sequence[str] | None = None,
) -> tuple[list[float], list[int]]:
    """Per folded text: the sum of its features' weights, and their count (the
    buckets of ``features``, scored in one pass for all the texts).

    A first turn's texts are scored together; on that path every numpy call
    costs microseconds with the caches cold, so the pass makes about a dozen,
    whatever the number of texts (``batch_features`` made about thirty): the
    texts and shapes are laid side by side (two zero bytes apart) and read as
    one (3, positions) grid; the grams that start at a junction are not dropped
    but sent to a spare bin of the per-text ``bincount``; which text owns which
    key is one ``np.repeat`` over run lengths known in Python.

    The sums equal ``features``' exactly, in any order: the shipped weights are
    float16, multiples of 2**-24 under 16 in magnitude, so every partial sum of
    fewer than 2**20 of them is exact in float64.
    """
    n = len(folded)
    datas = [(" " + text + " ").encode("utf-8", "surrogatepass") for text in folded]
    shapes = [b" " + s + b" " for s in _shapes(raws)] if raws is not None else []
    strings = datas + shapes
    counts = [0] * n
    ids: list[int] = []
    lengths: list[int] = []
    for index, string in enumerate(strings):
        valid = max(len(string) - 2, 0)
        counts[index % n] += 3 * valid
        # The string's grams, then the junk ones (starting in its last two bytes
        # or in the gap after it) for the spare bin n.
        ids += (index % n, n)
        lengths += (valid, len(string) + len(_GAP) - valid)
    lengths[-1] -= 2 * len(_GAP)  # no gap after the last string, and no grams in its end
    joined = _GAP.join(strings)
    positions = len(joined) - 2
    parts: list[Buckets] = []
    if positions > 0:
        packed: Buckets = np.ndarray((positions,), dtype="<u8", buffer=joined + _PAD, strides=(1,))
        grams: Buckets = packed & _GRAM_MASKS
        grams |= _GRAM_TAGS
        if raws is not None:
            grams[:, sum(len(d) + len(_GAP) for d in datas) :] |= _SHAPE_BIT
        parts.append(grams.ravel())
        ids *= 3
        lengths *= 3
    else:
        ids, lengths = [], []
    word_keys: list[int] = []
    for owner, words in enumerate(_batch_word_hashes(folded, datas)):
        if words:
            words += _bigrams(words)
            word_keys += words
            ids.append(owner)
            lengths.append(len(words))
            counts[owner] += len(words)
    if word_keys:
        parts.append(np.array(word_keys, dtype=np.uint64))
    if not parts:
        return [0.0] * n, counts
    keys = np.concatenate(parts) if len(parts) > 1 else parts[0]
    keys *= _MIX
    keys >>= np.uint64(64 - bits)
    owners = np.repeat(np.array(ids, dtype=np.intp), lengths)
    sums = np.bincount(owners, weights=weights.take(keys), minlength=n + 1)
    return sums[:n].tolist(), counts


#: The grid ``GramGrid`` reads one text and its shape through: text columns end at
#: ``_JUNCTION``, then four junction columns, then the shape's. A text window is
#: at most ``WINDOW`` characters (UTF-8: 4 bytes each), its shape one byte each.
_JUNCTION = 4 * 256 + 8
_GRID_WIDTH = _JUNCTION + 4 + 256 + 8


class GramGrid:
    """One text's feature sum in nine numpy calls (a next turn's one new message).

    ``features`` keeps its documented order; the sum does not need it (float16
    sums are exact, ``batch_sums``), so here the text and its shape are read as
    one (3, positions) grid, masked and tagged by two precomputed tables viewed
    at an offset: the four junction columns between text and shape get mask 0
    and a tag whose bucket weighs exactly 0.0, so they add nothing and are not
    counted. With the caches cold a numpy call costs microseconds whatever its
    size; this drops the shape tag pass and the six row slices of ``features``.
    """

    def __init__(self, weights: npt.NDArray[np.floating[Any]], bits: int) -> None:
        self.weights = weights
        self.bits = bits
        self.shift = np.uint64(64 - bits)
        masks = np.repeat(_GRAM_MASKS, _GRID_WIDTH, axis=1)
        masks[:, _JUNCTION : _JUNCTION + 4] = 0
        tags = np.repeat(_GRAM_TAGS, _GRID_WIDTH, axis=1)
        tags[:, _JUNCTION + 4 :] = _SHAPE_TAGS
        self.usable = False
        for candidate in range(1, 4096):  # a key whose bucket weighs exactly 0.0
            key = candidate << 48
            if weights[((key * _MIX_INT) & _U64) >> (64 - bits)] == 0:
                tags[:, _JUNCTION : _JUNCTION + 4] = key
                self.usable = True
                break
        self.masks = masks
        self.tags = tags

    def total(self, folded: str, raw: str) -> tuple[float, int] | None:
        """(sum of the weights, feature count) of ``features(folded, bits, raw)``,
        or None when the text does not fit the grid (then use ``features``)."""
        data = (" " + folded + " ").encode("utf-8", "surrogatepass")
        shaped = b" " + shape(raw) + b" "
        text_count = len(data) - 2
        if not self.usable or text_count > _JUNCTION or len(shaped) > _GRID_WIDTH - _JUNCTION - 2:
            return None
        joined = data + _GAP + shaped
        positions = len(joined) - 2
        start = _JUNCTION - text_count
        packed: Buckets = np.ndarray((positions,), dtype="<u8", buffer=joined + _PAD, strides=(1,))
        grams: Buckets = packed & self.masks[:, start : start + positions]
        grams |= self.tags[:, start : start + positions]
        words = _word_hashes(folded, data)
        words += _bigrams(words)
        keys = np.concatenate((grams.ravel(), np.array(words, dtype=np.uint64)))
        keys *= _MIX
        keys >>= self.shift
        total = float(_add(self.weights.take(keys), dtype=np.float64))
        return total, len(keys) - 12


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
        weights: npt.NDArray[np.float16] | npt.NDArray[np.float32],
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
        self._grid = GramGrid(weights, bits)

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
            if raw and (fast := self._grid.total(folded, original)) is not None:
                total, found = fast
                return [self.bias + total / math.sqrt(max(found, 1))]
            buckets = features(folded, self.bits, original if raw else None)
            found = len(buckets)
            total = float(_add(self.weights.take(buckets), dtype=np.float64)) if found else 0.0
            return [self.bias + total / math.sqrt(max(found, 1))]
        sums, counts = batch_sums(
            self.weights,
            self.bits,
            [f for f, _ in pieces],
            [r for _, r in pieces] if raw else None,
        )
        bias = self.bias
        scores = [bias + s / math.sqrt(max(c, 1)) for s, c in zip(sums, counts, strict=True)]
        best = [-math.inf] * len(texts)
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
