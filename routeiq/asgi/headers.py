"""Header hygiene (I/O-free): client text never reaches a response header raw.

``header_text`` turns any string (a model name, an agent name) into a header
value h11 accepts: visible ASCII and spaces pass unchanged, anything else
(CR, LF, NUL, other controls, non-ASCII) is percent-encoded from its UTF-8
bytes, so ``m\\r\\nSet-Cookie: x`` can never split a header. ``bad_header``
finds a header h11 would refuse *before* the server sees it, so the
request-id middleware can still answer with a clean 500 (once h11 refuses a
header, its connection state is broken and nothing more can be sent).

``bad_header`` runs on every response start (~25 headers on a chat answer), so its
usual case is three C-level calls, not two regex matches per header: the names are
checked against the names already found good (a bounded set: a gateway sends a few
dozen distinct names), the values all at once, joined by a space (a value h11 accepts
holds no control character, so neither does the join, and vice versa).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# h11's field-value: visible chars, obs-text, inner spaces/tabs; no CTLs at all.
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SAFE = frozenset(range(0x20, 0x7F)) - {ord("%")}


def header_text(text: str) -> bytes:
    """``text`` as a header value; percent-encodes what is not printable ASCII."""
    if text.isascii() and text.isprintable() and "%" not in text:
        return text.encode("ascii")  # the common case: one C-level check
    return "".join(
        chr(b) if b in _SAFE else f"%{b:02X}" for b in text.encode("utf-8", "surrogatepass")
    ).encode("ascii")


_GOOD_NAMES: set[bytes] = set()
_MAX_GOOD_NAMES = 2048


def bad_header(headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    """The name of the first header h11 would refuse, or None."""
    pairs = headers if isinstance(headers, list) else list(headers)
    if not pairs:
        return None
    names, values = zip(*pairs, strict=True)
    if _GOOD_NAMES.issuperset(names) and _BAD_VALUE.search(b" ".join(values)) is None:
        return None
    for name, value in pairs:
        if _BAD_VALUE.search(value) is not None or _TOKEN.fullmatch(name) is None:
            return bytes(name)
        if len(_GOOD_NAMES) < _MAX_GOOD_NAMES:
            _GOOD_NAMES.add(bytes(name))
    return None
