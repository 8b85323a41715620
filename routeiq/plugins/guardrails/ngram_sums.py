"""Fast sums of the learned model's bucket weights (the serving path).

``features`` lists a text's buckets in a documented order; scoring only needs
their weights' sum and count, and with the shipped float16 weights any order
gives the same float64 sum. So the serving path reads each text and its shape
as one grid (``GramGrid``, one new message) or all of a turn's texts side by
side (``batch_sums``), with as few numpy calls as it can: on a next turn the
caches are cold and every numpy call costs microseconds whatever its size.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails import ngram_native
from routeiq.plugins.guardrails.ngram_native import NativeSum
from routeiq.plugins.guardrails.ngrams import (
    _GAP,
    _GRAM_MASKS,
    _GRAM_TAGS,
    _MIX,
    _MIX_INT,
    _PAD,
    _PRIME,
    _SHAPE_BIT,
    _SHAPE_TAGS,
    _U64,
    _WORDS_AND_NUL,
    Buckets,
    _add,
    _word_hashes,
    hash_words,
    shape,
    vector_shape,
)

#: From this many characters (a first turn's texts joined) ``vector_shape`` is
#: faster than ``shape``; both give the same bytes.
VECTOR_SHAPE_MIN = 400


def _batch_word_hashes(folded: Sequence[str], datas: Sequence[bytes]) -> list[list[int]]:
    """``_word_hashes`` of each text: for ASCII texts (the common case) one split
    and one hashing pass over all of them (NUL-joined; a first turn paid ~7 us a
    text with the caches cold, most of it per-call overhead). Every text is
    padded with spaces, so each NUL between two is a word of its own."""
    joined = b"\0".join(datas)
    if joined.count(b"\0") != len(datas) - 1 or not all(text.isascii() for text in folded):
        return [_word_hashes(text, data) for text, data in zip(folded, datas, strict=True)]
    tokens = joined.translate(_WORDS_AND_NUL).split()
    hashes = hash_words(tokens)
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
    shaped = shape(joined) if len(joined) < VECTOR_SHAPE_MIN else vector_shape(joined)
    return shaped.split(b"\0")


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
    # Word bigrams in numpy over all the texts' words at once (two calls against
    # ~3 us a text of Python ints); the pair that straddles two texts goes to the
    # spare bin.
    unigrams: list[int] = []
    pair_ids: list[int] = []
    pair_lengths: list[int] = []
    for owner, words in enumerate(_batch_word_hashes(folded, datas)):
        if words:
            if unigrams:
                pair_ids.append(n)
                pair_lengths.append(1)
            unigrams += words
            ids.append(owner)
            lengths.append(len(words))
            pair_ids.append(owner)
            pair_lengths.append(len(words) - 1)
            counts[owner] += 2 * len(words) - 1
    if unigrams:
        hashed = np.array(unigrams, dtype=np.uint64)
        parts.append(hashed)
        if len(unigrams) > 1:
            pairs = hashed[:-1] * _PRIME
            pairs += hashed[1:]
            parts.append(pairs)
        ids += pair_ids
        lengths += pair_lengths
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
    """One text's feature sum in a dozen small numpy calls (a next turn's one new message).

    ``features`` keeps its documented order; the sum does not need it (float16
    sums are exact, ``batch_sums``), so here the text and its shape are read as
    one (3, positions) grid, masked and tagged by two precomputed tables viewed
    at an offset: the four junction columns between text and shape get mask 0
    and a tag whose bucket weighs exactly 0.0, so they add nothing and are not
    counted. With the caches cold a numpy call costs microseconds whatever its
    size; this drops the shape tag pass and the six row slices of ``features``.
    The grid, the words and their bigrams are written into one key array in
    place (no list of bigrams in Python ints, no concatenate).
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
        #: The same sum in one C call (``ngram_native.py``) for a float16 table,
        #: None when it cannot be built (then numpy, as below).
        self.native: NativeSum | None = None
        self.address = 0
        if weights.dtype == np.float16 and weights.flags.c_contiguous:
            self.native = ngram_native.load()
            self.address = weights.ctypes.data

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
        words = _word_hashes(folded, data)
        count = len(words)
        native = self.native
        if native is not None:
            total = native(
                joined + _PAD,
                positions,
                text_count,
                array("Q", words).tobytes(),
                count,
                self.address,
                64 - self.bits,
            )
            return total, 3 * positions + (2 * count - 1 if count else 0) - 12
        # One key array, filled in place: the grid's rows, the words, their
        # bigrams (``a * _PRIME + b`` in numpy's wrapping uint64, as ``_bigrams``
        # computes them in Python ints). Measured against the list of bigrams
        # and one concatenate, interleaved in the bench's next turn of 50 (caches
        # cold): 0.95-0.99 of the phase-1 time over four runs.
        start = _JUNCTION - text_count
        packed: Buckets = np.ndarray((positions,), dtype="<u8", buffer=joined + _PAD, strides=(1,))
        size = 3 * positions
        keys: Buckets = np.empty(size + 2 * count - 1 if count else size, dtype=np.uint64)
        grams = keys[:size].reshape(3, positions)
        np.bitwise_and(packed, self.masks[:, start : start + positions], out=grams)
        grams |= self.tags[:, start : start + positions]
        if count:
            keys[size : size + count] = words
            if count > 1:
                pairs = keys[size + count :]
                np.multiply(keys[size : size + count - 1], _PRIME, out=pairs)
                pairs += keys[size + 1 : size + count]
        keys *= _MIX
        keys >>= self.shift
        total = float(_add(self.weights.take(keys), dtype=np.float64))
        return total, len(keys) - 12
