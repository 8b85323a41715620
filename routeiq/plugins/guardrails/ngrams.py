"""Hashed n-gram features of the learned injection model (pure numpy, I/O-free).

Character 3-, 4- and 5-grams of the folded UTF-8 bytes, word unigrams and
bigrams, and 3-, 4- and 5-grams of the text's word shape, each hashed with
multiply-shift into ``2**bits`` buckets (see ``features``). ``learned.py``
holds the model that sums their weights; ``ngram_sums.py`` the fast sums.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from zlib import crc32

import numpy as np
import numpy.typing as npt

_PRIME = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: odd, so the hash mixes every byte
_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: multiply-shift hashing
_CHAR_SIZES = (3, 4, 5)

Buckets = npt.NDArray[np.uint64]

#: Seven zero bytes after the text, so that a uint64 can be read at every byte
#: offset of it (``_packed``).
_PAD = bytes(7)
#: A character n-gram of n <= 5 bytes is its own 40-bit number: the little-endian
#: uint64 read at its first byte, masked to n bytes. The size goes in the top byte
#: so that a 3-gram and the 4-gram starting with it differ. Rows: 3, 4, 5.
_GRAM_MASKS = np.array([[(1 << (8 * n)) - 1] for n in _CHAR_SIZES], dtype=np.uint64)
_GRAM_TAGS = np.array([[n << 56] for n in _CHAR_SIZES], dtype=np.uint64)
#: Characters of scripts written without spaces between words (Thai, Lao,
#: Myanmar, Khmer, kana, CJK ideographs).
_UNSPACED_CHARS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
#: Words: runs of letters, digits and apostrophes, of other non-ASCII letters, or
#: of unspaced-script characters (the last become character bigrams: ``_split``).
_WORD = re.compile(rf"[a-z0-9']+|[{_UNSPACED_CHARS}]+|[^\x00-\x7f\W{_UNSPACED_CHARS}]+")
_UNSPACED_RUN = re.compile(rf"[{_UNSPACED_CHARS}]{{2,}}")
_WORD_SALT = 0x2545F4914F6CDD1D


def _word_table(keep: bytes) -> bytes:
    """A ``bytes.translate`` table that turns every byte but ``[a-z0-9']`` and
    ``keep`` into a space."""
    word = b"abcdefghijklmnopqrstuvwxyz0123456789'" + keep
    return bytes(byte if byte in word else 0x20 for byte in range(256))


#: Folded ASCII text split into its words (the runs of ``[a-z0-9']``) as
#: ``data.translate(_WORDS_ONLY).split()``: the same words as ``findall`` of
#: that class, 0.35 us a chat message against 2.7 (measured hot). The batch
#: path keeps the NUL bytes that separate its texts (``_WORDS_AND_NUL``).
_WORDS_ONLY = _word_table(b"")
_WORDS_AND_NUL = _word_table(b"\0")

#: Recently hashed words -> their salted crc32: a chat message's words are mostly
#: common ones, and a dict hit costs a third of a ``crc32`` call and the xor
#: (3.9 us against 12.2 for a first turn's 124 words, hot). Bounded: cleared
#: when full; long tokens (ids, base64) are not kept.
_WORD_MEMO: dict[bytes, int] = {}
_WORD_MEMO_MAX = 1 << 14  # ~2.5 MB at most
_WORD_MEMO_LONGEST = 24


def _hash_new_word(word: bytes) -> int:
    value = crc32(word) ^ _WORD_SALT
    if len(word) <= _WORD_MEMO_LONGEST:
        if len(_WORD_MEMO) >= _WORD_MEMO_MAX:
            _WORD_MEMO.clear()
        _WORD_MEMO[word] = value
    return value


def hash_words(words: Sequence[bytes]) -> list[int]:
    """``crc32(word) ^ _WORD_SALT`` of each word (never 0: the salt has bits
    above the crc's 32, so ``or`` tells a memo miss)."""
    get = _WORD_MEMO.get
    return [get(word) or _hash_new_word(word) for word in words]


def _word_hashes(folded: str, data: bytes) -> list[int]:
    """crc32 of each word of ``folded`` (``data`` is its UTF-8 encoding, padded).
    ASCII text (the common case) is split as bytes: the same words, without an
    ``encode`` per word (half the cost of a message's words)."""
    if folded.isascii():
        return hash_words(data.translate(_WORDS_ONLY).split())
    words = _WORD.findall(folded)
    if _UNSPACED_RUN.search(folded) is not None:
        words = _split(words)
    return [crc32(w.encode("utf-8", "surrogatepass")) ^ _WORD_SALT for w in words]


def _split(words: list[str]) -> list[str]:
    """Each run of two or more unspaced-script characters as its overlapping
    character bigrams: a Chinese or Japanese sentence has no spaces, so as one
    "word" it gave the model nothing to learn beyond its 3-5-byte grams (one or
    one and a half characters); "忽略之前" is "忽略", "略之", "之前" (issue #14:
    the written Chinese attacks of the calib split were caught at 0.05)."""
    out: list[str] = []
    for word in words:
        if len(word) > 1 and _UNSPACED_RUN.fullmatch(word) is not None:
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.append(word)
    return out


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


#: ``vector_shape``'s tables: the shape of each byte, and whether a run of it
#: collapses to one.
_SHAPE_LUT = np.frombuffer(_SHAPE_TABLE, dtype=np.uint8)
_SINGLES = np.ones(256, dtype=bool)
_SINGLES[list(b"aA0 ")] = False


def vector_shape(raw: str) -> bytes:
    """``shape(raw)`` in four numpy calls instead of four regex substitutions:
    a byte is kept unless it repeats the one before it in a collapsing class.
    The same bytes (runs of different classes never touch, so collapsing them
    one class at a time or all at once is the same); faster past a few hundred
    characters (a first turn's texts joined: 15 us against 37, hot), slower on
    one short message."""
    mapped = _SHAPE_LUT.take(np.frombuffer(raw.encode("ascii", "replace"), dtype=np.uint8))
    if len(mapped) < 2:
        return mapped.tobytes()
    keep = np.empty(len(mapped), dtype=bool)
    keep[0] = True
    np.not_equal(mapped[1:], mapped[:-1], out=keep[1:])
    keep[1:] |= _SINGLES.take(mapped[1:])
    return mapped[keep].tobytes()


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
