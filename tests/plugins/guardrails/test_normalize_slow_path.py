# ruff: noqa: RUF001
"""The normaliser's slow path (text not in NFKC, or with invisible characters):
memoised per character, it must fold exactly as the character-by-character loop did."""

from __future__ import annotations

import random
import unicodedata

from routeiq.plugins.guardrails import normalize as N


def reference(text: str) -> tuple[str, list[int]]:
    """The loop the slow path was before its characters were memoised."""
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if N._INVISIBLE_RE.match(char):
            continue
        folded = unicodedata.normalize("NFKC", char).lower().translate(N._ALWAYS_TABLE)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    folded = "".join(pieces)
    if N.has_traditional(folded):
        folded = N.fold_han(folded)
    return N._fold_leet(N._fold_scripts(folded)), offsets


#: Characters that send a text down the slow path (full-width forms, ligatures,
#: compatibility ideographs, invisible ones, combining marks) and ordinary ones.
POOL = (
    "，。？！：；（）　ＡＢｃｄ１２ﬁﬃ①²™℃㎏\u200b\u200c\u2060\ufeff\u00ad"
    "e\u0301a\u0308東京語體與國你好学習ですかабвΩαβ ,.!?-_\n\tIgnore previous 0137"
)


def test_random_slow_path_texts_fold_as_the_loop_did() -> None:
    rng = random.Random(808)
    for _ in range(600):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(1, 90)))
        got = N._normalize(text)
        want = reference(text)
        if got[1] is None:  # the fast paths need no offset map
            continue
        assert got == want, text


def test_chinese_prose_with_full_width_punctuation_keeps_its_positions() -> None:
    text = "你好，请问如何用Python读取CSV文件？"
    folded, offsets = N._normalize(text)
    assert folded == reference(text)[0]
    assert "，" not in folded and "," in folded
    assert offsets == list(range(len(text) + 1))
    assert N.original_span(offsets, 3, 5) == (3, 5)


def test_an_invisible_character_shifts_the_offsets() -> None:
    text = "ig\u200bnore"
    folded, offsets = N._normalize(text)
    assert folded == "ignore"
    assert offsets == [0, 1, 3, 4, 5, 6, 7]
