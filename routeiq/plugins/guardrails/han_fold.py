"""Traditional Chinese characters folded to their Simplified forms (issue #14).

Almost all the injection corpus's Chinese is Simplified. A Traditional character
is a different UTF-8 sequence, so a Traditional sentence's hashed n-grams are
features the model never learnt: n-gram v13 caught 12 of the calib split's 86
written Chinese attacks rendered in Traditional characters, against 40 of 86 as
written (44 of 86 Traditional with this fold, v13 not retrained;
``bench/han_fold_calib.py``). ``normalize`` folds the one into the other before
anything reads the text, in training as in serving.

The table (``han_fold.txt``, 2,948 characters, one to one) is generated from
OpenCC's ``TSCharacters.txt`` (Apache-2.0) by ``bench/han_fold_table.py``;
characters OpenCC also lists as Simplified forms (乾, 於, 覆) are left out, so a
Simplified text folds to itself. One character to one: the fold keeps every
offset, and the table maps Basic Multilingual Plane ideographs only.

Japanese is folded too (its kanji are mostly the Traditional forms: 無視 reads
无视, 東京 东京; kana stay). Chosen on calib with two retrains: folding Japanese
caught 49 of 88 written Japanese attacks, leaving texts with kana alone 46, with
0 of 51 Japanese benign texts flagged either way.

Cost: a text without a character of the table (Simplified Chinese, Russian,
Arabic...) pays one regex scan of a 2,948-character class (a bitmap test per
character in C). ``str.translate`` with a dict costs ~0.15 us a character outside
Latin-1 (57 us on 376 Traditional characters); a 64 K-entry ``uint16`` lookup
through numpy ~6-8 us up to a few hundred characters, a few microseconds more
than ``translate`` on a short text (``bench/han_fold_cost.py``). Short texts take
``translate``, longer ones the lookup; both give the same string.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["HAN_FOLD_PATH", "fold_han", "has_traditional", "load_pairs"]

HAN_FOLD_PATH = Path(__file__).resolve().with_name("han_fold.txt")
#: Below this many characters ``str.translate`` is the cheaper fold.
LOOKUP_MIN = 64


def load_pairs(path: Path = HAN_FOLD_PATH) -> dict[str, str]:
    """The table: Traditional character -> Simplified character."""
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for pair in line.split():
            pairs[pair[0]] = pair[1]
    return pairs


def _lookup_table(pairs: dict[str, str]) -> npt.NDArray[np.uint16]:
    table = np.arange(1 << 16, dtype=np.uint16)
    table[[ord(t) for t in pairs]] = [ord(s) for s in pairs.values()]
    return table


_PAIRS = load_pairs()
#: The table's Traditional characters: one class the regex engine tests in O(1) a
#: character (a bitmap per 256-character block), so a text without any (every
#: Simplified, Russian or Arabic text) costs one C scan and skips the fold.
_TRADITIONAL = re.compile("[" + "".join(_PAIRS) + "]")
_TRANSLATE = str.maketrans(_PAIRS)
#: UTF-16 code unit -> folded code unit. Surrogates map to themselves, so
#: characters beyond the BMP pass through whole.
_LOOKUP = _lookup_table(_PAIRS)


def has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character the fold changes (one C scan)."""
    return _TRADITIONAL.search(text) is not None


def fold_han(text: str) -> str:
    """``text`` with every Traditional character of the table made Simplified;
    the same length, every other character unchanged."""
    if len(text) < LOOKUP_MIN:
        return text.translate(_TRANSLATE)
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    folded = _LOOKUP.take(units).tobytes().decode("utf-16-le", "surrogatepass")
    if len(folded) != len(text):
        # Two lone surrogates in a row ("\ud83d\ude00" as two characters) came
        # back as one character: keep the offsets, fold the slow way.
        return text.translate(_TRANSLATE)
    return folded
