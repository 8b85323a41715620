"""Text normalisation for the phrase matchers (injection, content).

Attackers write "ignore" with Cyrillic look-alike letters, with zero-width
spaces inside it, in leetspeak ("1gn0r3") or in fullwidth forms.
``normalize`` folds all of these to plain lowercase ASCII-ish text and returns
an offset map so that a match in the normalised text points back at the
original characters (needed for spans and redaction).

The common case (ASCII text) is one ``str.translate`` call with no offset map:
the fold is one character to one character there.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict

# Leetspeak digits and symbols read as letters, but only in a run that touches
# a letter ("1gn0r3", "h4ck"): a plain number ("419", "2024") stays a number,
# or "4 1" would read "a i". "!" and "|" stay: far more often punctuation.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# A run that starts right after a letter, or ends right before one. One
# leading character class lets the engine skip everything else in C.
_LEET_RUN = re.compile(r"[013457@$](?:(?<=[a-z].)[013457@$]*|[013457@$]*(?=[a-z]))")

# Letters from other scripts that render like Latin ones (a subset of Unicode's
# confusables, the ones seen in obfuscated prompts), mapped to lowercase Latin.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "Α": "a", "Β": "b", "Ε": "e",
    "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t",
    "Υ": "y", "Χ": "x", "Ζ": "z",
    # Typographic quotes, so patterns need only ASCII apostrophes
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    # Latin look-alikes outside ASCII
    "ı": "i", "ɑ": "a", "ℓ": "l", "ß": "s",
}  # fmt: skip

# Invisible characters that split words without showing: zero-width
# spaces/joiners, bidi marks, the BOM, soft hyphens, Unicode tag characters.
_INVISIBLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}\U000e0000-\U000e007f]")

_ASCII_TABLE = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})
_UNICODE_TABLE = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, **_CONFUSABLES})


def _fold_leet(text: str) -> str:
    """Leetspeak runs that touch a letter become letters; same length out."""
    return _LEET_RUN.sub(_leet_letters, text)


def _leet_letters(run: re.Match[str]) -> str:
    return run.group().translate(_LEET)


_MEMO: OrderedDict[str, tuple[str, list[int] | None]] = OrderedDict()
_MEMO_SIZE = 128


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text`` for matching (memoised: the injection and content
    guardrails fold the same message one after the other)."""
    folded = _MEMO.get(text)
    if folded is None:
        folded = _normalize(text)
        _MEMO[text] = folded
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return folded


def clear_memo() -> None:
    """Forget memoised foldings (benchmarks use it to measure cold scans)."""
    _MEMO.clear()


def _normalize(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text`` for matching. Returns ``(folded, offsets)``.

    ``offsets`` is None when folded[i] corresponds to text[i] (same length);
    otherwise ``offsets[i]`` is the index in ``text`` of folded[i], with one
    extra entry ``len(text)`` at the end so that end offsets map too.
    """
    if text.isascii():
        return _fold_leet(text.translate(_ASCII_TABLE)), None
    if _INVISIBLE_RE.search(text) is None and unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            return _fold_leet(lowered.translate(_UNICODE_TABLE)), None
    # Slow path (rare): fold character by character and keep the offset map.
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if _INVISIBLE_RE.match(char):
            continue
        folded = unicodedata.normalize("NFKC", char).lower().translate(_UNICODE_TABLE)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return _fold_leet("".join(pieces)), offsets


def original_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of the folded text back to the original text."""
    if offsets is None:
        return start, end
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1
