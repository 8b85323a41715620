"""Text normalisation for the phrase matchers (injection, content).

Attackers write "ignore" with Cyrillic look-alike letters, with zero-width
spaces inside it, in leetspeak ("1gn0r3") or in fullwidth forms.
``normalize`` folds all of these to plain lowercase ASCII-ish text and returns
an offset map so that a match in the normalised text points back at the
original characters (needed for spans and redaction).

Look-alike letters are folded only where they smuggle (``_fold_scripts``): in a
word that mixes Latin letters with Cyrillic or Greek ones ("ignore" with a
Cyrillic "o" and "e"), or in a text whose letters are mostly Latin (an English
sentence with "exec" spelled in Cyrillic look-alikes). A Russian, Ukrainian,
Serbian or Greek text keeps its own script: folded letter by letter it read as
Latin gibberish ("пpиbet") that the n-gram model scored as an attack (0.77 for a
Russian coding question).

Traditional Chinese characters are folded to Simplified ones (``han_fold``): the
injection corpus's Chinese is almost all Simplified, and a Traditional character's
n-grams are features the model never saw. Only texts that hold a Traditional
character are folded; every other non-ASCII text pays one regex scan.

The common case (ASCII text) is one ``str.translate`` call with no offset map:
the fold is one character to one character there.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from functools import lru_cache

from routeiq.plugins.guardrails.han_fold import fold_han, has_traditional

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
# Folded only where they smuggle (``_fold_scripts``).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "Α": "a", "Β": "b", "Ε": "e",
    "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t",
    "Υ": "y", "Χ": "x", "Ζ": "z",
}  # fmt: skip
# Folded everywhere: no script of its own to protect.
_ALWAYS = {
    # Typographic quotes, so patterns need only ASCII apostrophes
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    # Latin look-alikes outside ASCII
    "ı": "i", "ɑ": "a", "ℓ": "l", "ß": "s", "ɡ": "g",
}  # fmt: skip

# Invisible characters that split words without showing: zero-width
# spaces/joiners, bidi marks, the BOM, soft hyphens, Unicode tag characters.
_INVISIBLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}\U000e0000-\U000e007f]")

_ASCII_TABLE = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})
_ALWAYS_TABLE = str.maketrans(_ALWAYS)
# ``str.translate`` with a dict costs ~0.1 us a character outside Latin-1 (55 us on
# a 600-character Russian text): translate only the texts that need it.
_ALWAYS_RE = re.compile("[" + "".join(_ALWAYS) + "]")
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)

# Cyrillic (with its supplement) and Greek (with extended Greek) letters, and the
# Latin ones (ASCII and Latin-1/Extended-A/B lowercase: the text is lowered first).
_FOREIGN = "\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff"
_LATIN = "a-z\u00e0-\u00f6\u00f8-\u024f"
_FOREIGN_LETTER = re.compile(f"[{_FOREIGN}]")
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
# Whole words (from a word start; the lookaheads keep the scan linear) that hold a
# Cyrillic/Greek letter, and those that hold one beside a Latin letter.
_FOREIGN_WORD = re.compile(f"(?<!\\w)(?=\\w*[{_FOREIGN}])\\w+")
# A Latin letter touching a Cyrillic/Greek one: every mixed word has one (or its
# scripts meet only across a digit, which smuggles nothing the n-grams would read).
_SCRIPT_SEAM = re.compile(f"[{_LATIN}][{_FOREIGN}]|[{_FOREIGN}][{_LATIN}]")
# UTF-8 lead bytes of Cyrillic (U+0400-U+052F) and Greek (U+0380-U+03FF) letters;
# bytes of ASCII a-z and lead bytes of Latin-1 to Latin Extended-B letters.
_FOREIGN_LEADS = bytes([0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4])
_LATIN_BYTES = bytes(range(0x61, 0x7B)) + bytes(range(0xC3, 0xCA))
_MIXED_WORD = re.compile(f"(?<!\\w)(?=\\w*[{_LATIN}])(?=\\w*[{_FOREIGN}])\\w+")


def _fold_scripts(text: str) -> str:
    """Fold Cyrillic/Greek look-alikes where they smuggle; same length out.

    ``text`` is already lowered. Mixed words are always folded; when the text's
    letters are mostly Latin, so is every word made only of look-alikes. Other
    Cyrillic/Greek words (the text of a Russian or Greek user) stay as written.
    """
    if _FOREIGN_LETTER.search(text) is None:
        return text
    # Letter counts from the UTF-8 lead bytes (one C pass each; counting with
    # ``findall`` cost 56 us on a 600-character Russian text, this 2 us).
    raw = text.encode("utf-8", "surrogatepass")
    foreign = len(raw) - len(raw.translate(None, _FOREIGN_LEADS))
    latin = len(raw) - len(raw.translate(None, _LATIN_BYTES))
    if latin > foreign:
        return _FOREIGN_WORD.sub(_fold_lookalike_word, text)
    if _SCRIPT_SEAM.search(text) is None:
        return text  # no word mixes the scripts
    return _MIXED_WORD.sub(_fold_word, text)


def _fold_word(word: re.Match[str]) -> str:
    return word.group().translate(_CONFUSABLE_TABLE)


def _fold_lookalike_word(word: re.Match[str]) -> str:
    """In mostly-Latin text: fold a word that mixes scripts or is all look-alikes."""
    text = word.group()
    folded = text.translate(_CONFUSABLE_TABLE)
    if _FOREIGN_LETTER.search(folded) is None or _LATIN_LETTER.search(text) is not None:
        return folded
    return text


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
            if _ALWAYS_RE.search(lowered) is not None:
                lowered = lowered.translate(_ALWAYS_TABLE)
            if has_traditional(lowered):
                lowered = fold_han(lowered)
            return _fold_leet(_fold_scripts(lowered)), None
    # Slow path: fold character by character (each character's folding memoised:
    # Chinese and Japanese prose with full-width punctuation comes this way on every
    # message) and keep the offset map.
    pieces = list(map(_fold_char, text))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(len(piece) == 1 for piece in pieces):
        offsets = list(range(len(text) + 1))
    else:
        offsets = []
        for index, piece in enumerate(pieces):
            offsets.extend([index] * len(piece))
        offsets.append(len(text))
    if has_traditional(folded):
        folded = fold_han(folded)
    return _fold_leet(_fold_scripts(folded)), offsets


@lru_cache(maxsize=16384)
def _fold_char(char: str) -> str:
    """One character folded as the slow path folds it ("" for an invisible one)."""
    if _INVISIBLE_RE.match(char):
        return ""
    return unicodedata.normalize("NFKC", char).lower().translate(_ALWAYS_TABLE)


def original_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of the folded text back to the original text."""
    if offsets is None:
        return start, end
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1
