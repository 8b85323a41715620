"""Big JSON bodies in bounded pieces (I/O-free).

``orjson.loads`` holds the GIL for the whole call: a 1.8 MB chat body with 50,000
content parts took 28 ms here, a 0.6 MB body of 250,000 small arrays 35-64 ms,
and walking the parsed objects for the depth limit another 30-160 ms. A worker
thread alone does not help the trio loop, since one long C call never lets the
GIL go. So a big body is first *scanned* with numpy (vectorised over its bytes,
no Python object per token): where its strings are, where its structural
characters are, and how deep each one nests. That gives the depth check without
building a single object, and the split points to parse the body in pieces of at
most ``piece`` bytes, each a separate ``orjson.loads`` call: :func:`pieces` is a
generator that yields after each one, so a caller on the trio loop checkpoints
between them (``asgi/offload.py``); :func:`load` does it all in one call. The
result equals ``orjson.loads(body)`` (same values, same key order, the last
of duplicate keys); a malformed body raises ``orjson.JSONDecodeError``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

_QUOTE, _BACKSLASH = 0x22, 0x5C
_COMMA, _COLON = 0x2C, 0x3A
_OPENS = frozenset(b"[{")
_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b"[]{},:")] = True
_WHITESPACE = b" \t\r\n"
# One orjson call per piece of about this size: ~1-2 ms for the costliest shapes
# measured (many tiny arrays: 0.6 MB in 35-64 ms), far less for text.
PIECE_BYTES = 16 * 1024


def _malformed(msg: str) -> orjson.JSONDecodeError:
    return orjson.JSONDecodeError(msg, "", 0)


@dataclass(frozen=True, slots=True)
class Scan:
    """The structural characters outside strings, in order: their byte offsets,
    the characters, and the nesting level after each (an opening bracket of the
    top-level value has level 1; its commas and colons too)."""

    pos: np.ndarray[Any, np.dtype[np.int64]]
    chars: np.ndarray[Any, np.dtype[np.uint8]]
    level: np.ndarray[Any, np.dtype[np.int32]]

    @property
    def max_depth(self) -> int:
        return int(self.level.max()) if self.level.size else 0


def _string_quotes(a: np.ndarray[Any, np.dtype[np.uint8]], body: bytes) -> np.ndarray[Any, Any]:
    """Offsets of the quotes that open or close a string (not escaped ones)."""
    quotes = np.flatnonzero(a == _QUOTE)
    if not quotes.size or body.find(b"\\") < 0:
        return quotes
    backslash = a == _BACKSLASH
    after_bs = np.flatnonzero((quotes > 0) & backslash[np.maximum(quotes - 1, 0)])
    if not after_bs.size:
        return quotes
    # A quote is escaped when the run of backslashes before it is odd.
    bs = np.flatnonzero(backslash)
    run_starts = bs[np.concatenate(([True], np.diff(bs) > 1))]
    cand = quotes[after_bs]
    start = run_starts[np.searchsorted(run_starts, cand - 1, "right") - 1]
    escaped = np.zeros(quotes.size, dtype=bool)
    escaped[after_bs] = ((cand - start) & 1) == 1
    return quotes[~escaped]


def scan(body: bytes) -> Scan:
    """Index ``body``'s structure; raises on unbalanced brackets."""
    a = np.frombuffer(body, dtype=np.uint8)
    quotes = _string_quotes(a, body)
    pos = np.flatnonzero(_STRUCTURAL[a])
    if quotes.size:
        if quotes.size & 1:
            raise _malformed("unterminated string")
        pos = pos[(np.searchsorted(quotes, pos) & 1) == 0]
    chars = a[pos]
    brackets = chars >= 0x5B  # [ ] { } are 0x5B 0x5D 0x7B 0x7D; ',' and ':' are below
    delta = np.where(brackets, np.where((chars & 2) != 0, 1, -1), 0).astype(np.int32)
    level = np.cumsum(delta, dtype=np.int32)
    # One top-level value: the level never drops to 0 before the last character.
    if level.size and (int(level[:-1].min(initial=1)) < 1 or int(level[-1]) != 0):
        raise _malformed("unbalanced brackets")
    level[delta < 0] += 1  # a closing bracket belongs to the level it closes
    return Scan(pos.astype(np.int64), chars, level)


# The pieces are made by generators that yield after each ``orjson`` call: a
# caller on the trio loop checkpoints there (``pieces``), a thread just drains them.
Pieces = Generator[None, None, Any]


class _Builder:
    def __init__(self, body: bytes, s: Scan, piece: int) -> None:
        self.body = body
        self.s = s
        self.piece = piece

    def value(self, start: int, end: int, first: int, last: int) -> Pieces:
        """The value in ``body[start:end]``; ``first``/``last`` are its structural
        indexes when it is a container (``first > last`` otherwise)."""
        body, pos = self.body, self.s.pos
        if end - start <= self.piece or first > last:
            out = orjson.loads(body[start:end])
            yield
            return out
        if body[start : int(pos[first])].strip(_WHITESPACE) or body[int(pos[last]) + 1 : end].strip(
            _WHITESPACE
        ):
            raise _malformed("unexpected character")
        return (yield from self.container(first, last))

    def container(self, open_i: int, close_i: int) -> Pieces:
        s, piece = self.s, self.piece
        lvl = s.level[open_i]
        if s.chars[open_i] not in _OPENS or s.chars[close_i] != s.chars[open_i] + 2:
            raise _malformed("mismatched brackets")
        inner = slice(open_i + 1, close_i)
        seps = open_i + 1 + np.flatnonzero((s.level[inner] == lvl) & (s.chars[inner] == _COMMA))
        # Structural indexes around each element, and their byte offsets: element k
        # lies between bounds[k] and bounds[k + 1]. Vectorised, so a container of
        # 50,000 elements costs a few numpy passes here, not a Python loop.
        bounds = np.concatenate(([open_i], seps, [close_i]))
        offsets = s.pos[bounds]
        n = len(bounds) - 1
        is_object = s.chars[open_i] == ord("{")
        out: Any = {} if is_object else []
        if n == 1 and not self._text(open_i, close_i):
            return out  # an empty container padded with whitespace
        k = 0
        for big in [*np.flatnonzero(np.diff(offsets) > piece).tolist(), n]:
            while k < big:  # small elements k..big-1: as many per orjson call as fit
                j = int(np.searchsorted(offsets, offsets[k] + piece, "right")) - 1
                j = min(max(j, k + 1), big)
                self._flush(out, int(bounds[k]), int(bounds[j]), is_object)
                yield
                k = j
            if big < n:
                yield from self._big_element(out, int(bounds[big]), int(bounds[big + 1]), is_object)
                k = big + 1
        return out

    def _text(self, lo: int, hi: int) -> bytes:
        return self.body[int(self.s.pos[lo]) + 1 : int(self.s.pos[hi])].strip(_WHITESPACE)

    def _flush(self, out: Any, lo: int, hi: int, is_object: bool) -> None:
        text = self._text(lo, hi)
        if not text:  # "[1, ]" or "[ , 1]": an empty element is no element
            raise _malformed("expected a value")
        if is_object:
            out.update(orjson.loads(b"{" + text + b"}"))
        else:
            out.extend(orjson.loads(b"[" + text + b"]"))

    def _big_element(self, out: Any, lo: int, hi: int, is_object: bool) -> Pieces:
        s = self.s
        start, end = int(s.pos[lo]) + 1, int(s.pos[hi])
        if not is_object:
            out.append((yield from self.value(start, end, lo + 1, hi - 1)))
            return
        colon = lo + 1
        if colon >= hi or s.chars[colon] != _COLON:
            raise _malformed("expected ':' after an object key")
        key = orjson.loads(self.body[start : int(s.pos[colon])])
        if not isinstance(key, str):
            raise _malformed("object keys must be strings")
        out[key] = yield from self.value(int(s.pos[colon]) + 1, end, colon + 1, hi - 1)


def pieces(body: bytes, s: Scan, piece: int = PIECE_BYTES) -> Pieces:
    """``orjson.loads(body)`` as a generator that yields after each call of at most
    about ``piece`` bytes; its return value is the parsed body."""
    if len(body) <= piece or not s.pos.size:
        return orjson.loads(body)
    first, last = 0, int(s.pos.size) - 1
    start, end = int(s.pos[first]), int(s.pos[last]) + 1
    if body[:start].strip(_WHITESPACE) or body[end:].strip(_WHITESPACE):
        raise _malformed("unexpected character outside the top-level value")
    return (yield from _Builder(body, s, piece).container(first, last))


def loads(body: bytes, s: Scan, piece: int = PIECE_BYTES) -> Any:
    """``orjson.loads(body)`` in calls of at most about ``piece`` bytes each."""
    gen = pieces(body, s, piece)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


class TooDeep(ValueError):
    """The body nests deeper than the limit (found by the scan, before parsing)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nests deeper than {limit} levels")
        self.limit = limit


def depth_exceeds(obj: Any, limit: int) -> bool:
    """True when the parsed ``obj`` nests deeper than ``limit`` (iterative). For
    small bodies only: it visits every container, ~1 us each."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return False


def load(body: bytes, max_depth: int, piece: int = PIECE_BYTES) -> Any:
    """Parse a big ``body`` in pieces after checking its depth on the bytes.

    Raises ``TooDeep`` or ``orjson.JSONDecodeError``. Meant for a worker thread:
    the scan is a handful of numpy passes, each piece one short ``orjson`` call.
    """
    structure = scan(body)
    if structure.max_depth > max_depth:
        raise TooDeep(max_depth)
    return loads(body, structure, piece)
