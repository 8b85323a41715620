"""Cost of the Traditional -> Simplified fold in ``normalize`` (issue #14).

``normalize._normalize`` with the fold against the same function without it (the
code before the fold, kept below), timed on the same texts, interleaved, in one
run (the machine is shared: the ratio of the fastest rounds is the result). ASCII
texts take the same path as before; Simplified Chinese and Russian keep their
output and pay one regex scan; Traditional Chinese and Japanese (its kanji are
mostly Traditional forms) pay the fold. A second table times the fold alone,
``str.translate`` against the ``uint16`` lookup (``han_fold.LOOKUP_MIN`` chooses
between them by length).

Run: ``PYTHONPATH=. python bench/han_fold_cost.py``; writes
``bench/results/han_fold_cost.json``.
"""

# ruff: noqa: RUF001  (the texts are Chinese, Japanese and Russian)

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import save, table
from normalize_scripts import per_call_us

from routeiq.plugins.guardrails import han_fold
from routeiq.plugins.guardrails import normalize as current


def old_normalize(text: str) -> tuple[str, list[int] | None]:
    """``normalize._normalize`` as it was before the fold."""
    if text.isascii():
        return current._fold_leet(text.translate(current._ASCII_TABLE)), None
    if current._INVISIBLE_RE.search(text) is None and unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            if current._ALWAYS_RE.search(lowered) is not None:
                lowered = lowered.translate(current._ALWAYS_TABLE)
            return current._fold_leet(current._fold_scripts(lowered)), None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if current._INVISIBLE_RE.match(char):
            continue
        folded = unicodedata.normalize("NFKC", char).lower().translate(current._ALWAYS_TABLE)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return current._fold_leet(current._fold_scripts("".join(pieces))), offsets


EN = (
    "How do I write a Python function that sorts a list of dictionaries by a key? "
    "I have a list of users and want them ordered by sign-up date, then by name. "
)
RU = (
    "Привет! Как мне написать функцию на Python, которая сортирует список словарей "
    "по ключу? У меня есть список пользователей, и я хочу упорядочить их по дате "
    "регистрации, а при равенстве дат по имени. "
)
ZH = "如何在 Python 中对字典列表按键排序？如果两个值相等，我还想按名字排序。请给出示例。"
TW = "如何在 Python 中對字典列表按鍵排序？如果兩個值相等，我還想按名字排序。請給出範例。"
# Without fullwidth punctuation (ASCII ", ?"): the fast path, NFKC-clean.
ZH_PLAIN = "如何在 Python 中对字典列表按键排序, 如果两个值相等, 我还想按名字排序. "
TW_PLAIN = "如何在 Python 中對字典列表按鍵排序, 如果兩個值相等, 我還想按名字排序. "
JA = "東京から京都まで新幹線で行く場合、いちばん安い切符の買い方を教えてください。"
TEXTS = {
    "ascii english": EN * 4,
    "ascii english (long)": EN * 40,
    "russian": RU * 2,
    "russian (long)": RU * 20,
    "simplified, short": ZH,
    "simplified": ZH * 5,
    "traditional, short": TW,
    "traditional": TW * 5,
    "simplified, no fullwidth": ZH_PLAIN * 5,
    "traditional, no fullwidth": TW_PLAIN * 5,
    "japanese": JA * 5,
}
ROUNDS = 9


def medians(fns: list[Callable[[str], object]], text: str) -> list[float]:
    loops = max(200, 100_000 // len(text))
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(ROUNDS):  # interleaved: drift hits all alike
        for fn, got in zip(fns, times, strict=True):
            got.append(per_call_us(fn, text, loops))
    # The fastest round: the machine is shared, and other engineers' jobs only add.
    return [min(t) for t in times]


def main() -> None:
    rows = []
    for name, text in TEXTS.items():
        old_us, new_us = medians([old_normalize, current._normalize], text)
        rows.append(
            {
                "text": name,
                "chars": len(text),
                "old_us": round(old_us, 2),
                "new_us": round(new_us, 2),
                "ratio": round(new_us / old_us, 3),
                "same_output": old_normalize(text)[0] == current._normalize(text)[0],
            }
        )
    print(table(rows, ["text", "chars", "old_us", "new_us", "ratio", "same_output"]))
    folds = []
    for chars in (8, 16, 32, 64, 128, 400, 2000):
        text = (TW * (chars // len(TW) + 1))[:chars]
        translate_us, lookup_us = medians(
            [lambda t: t.translate(han_fold._TRANSLATE), han_fold.fold_han], text
        )
        folds.append(
            {
                "chars": chars,
                "translate_us": round(translate_us, 2),
                "fold_han_us": round(lookup_us, 2),
            }
        )
    print(table(folds, ["chars", "translate_us", "fold_han_us"]))
    print(f"(fold_han: translate below {han_fold.LOOKUP_MIN} characters, the lookup above;")
    print(f" fastest of {ROUNDS} interleaved rounds; machine shared with other engineers)")
    save("han_fold_cost", {"rows": rows, "fold": folds, "rounds": ROUNDS})


if __name__ == "__main__":
    main()
