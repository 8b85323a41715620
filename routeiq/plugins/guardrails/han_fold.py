"""Traditional Chinese characters folded to their Simplified forms (issue #14).

Almost all the injection corpus's Chinese is Simplified. A Traditional character
is a different UTF-8 sequence, so a Traditional sentence's hashed n-grams are
features the model never learnt: n-gram v13 scored "請忽略之前的所有指示" 0.16
where its Simplified twin is caught. ``normalize`` folds the one into the other
before anything reads the text, in training as in serving.

The table (``han_fold.txt``, 2,948 characters, one to one) is generated from
OpenCC's ``TSCharacters.txt`` (Apache-2.0) by ``bench/han_fold_table.py``;
characters OpenCC also lists as Simplified forms (乾, 於, 覆) are left out, so a
Simplified text folds to itself. One character to one: the fold keeps every
offset, and the table maps Basic Multilingual Plane ideographs only.

``str.translate`` with a dict costs ~0.15 us a character outside Latin-1 (57 us on
a 376-character Traditional text); a 64 K-entry ``uint16`` lookup through numpy
costs ~6 us whatever the length up to a few hundred characters, and ~4 us more on
a short text than ``translate`` (``bench/han_fold_cost.py``). Short texts take
``translate``, longer ones the lookup; both give the same string.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["HAN_FOLD_PATH", "fold_han", "has_han", "load_pairs"]

HAN_FOLD_PATH = Path(__file__).resolve().with_name("han_fold.txt")
#: CJK ideographs of the BMP (Extension A, the unified block, compatibility
#: forms): the texts without one (every non-CJK text) skip the fold.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
_TRANSLATE = str.maketrans(_PAIRS)
#: UTF-16 code unit -> folded code unit. Surrogates map to themselves, so
#: characters beyond the BMP pass through whole.
_LOOKUP = _lookup_table(_PAIRS)


def has_han(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph (a C scan; ~4 us on 600 Cyrillic
    characters, under 1 us when a Chinese text's first characters are ideographs)."""
    return _HAN.search(text) is not None


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
