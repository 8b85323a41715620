"""How much phase-1 scanning a text costs, in characters of prose.

The pipeline scans new text inline up to ``inline_max_chars`` and in a worker
thread past it. Characters alone under-count digits: a phone-number candidate
is judged against the numbering plans (``guardrails/phones.py``), measured at
25 ms for 8,000 characters of new phone numbers (about 5 us a digit) against
~0.5 us a character of chat text through the three built-in guardrails
(``bench/guardrails.py``: 3.8 ms for 50 messages of 156 characters). So a digit
counts as ``DIGIT_WEIGHT`` characters: 8 KB of phone numbers goes to a thread,
a message with two numbers in it stays inline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Characters of prose one digit costs as much as to scan (see the module docstring).
DIGIT_WEIGHT = 10
_DIGITS = b"0123456789"


def _digits(text: str) -> int:
    """The ASCII digits in ``text``: the bytes ``translate`` drops from its UTF-8
    (a digit is one byte there, and no byte of another character is one)."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _DIGITS))


def scan_cost(text: str) -> int:
    """``len(text)`` plus ``DIGIT_WEIGHT - 1`` per digit."""
    return len(text) + (DIGIT_WEIGHT - 1) * _digits(text)


def total_cost(texts: Iterable[str]) -> int:
    """The scan cost of several texts: one pass over them joined (a first turn's
    six texts cost 9 us as ten ``str.count`` calls each, ~1 us so)."""
    joined = "".join(texts)
    return len(joined) + (DIGIT_WEIGHT - 1) * _digits(joined)


def over_cost(texts: Sequence[str], limit: int) -> bool:
    """``total_cost(texts) > limit``, without counting digits when the answer
    follows from the length alone (a cost is between ``len`` and ``DIGIT_WEIGHT``
    times it): a chat turn's few hundred characters never count them."""
    chars = sum(map(len, texts))
    if chars * DIGIT_WEIGHT <= limit:
        return False
    return chars > limit or total_cost(texts) > limit
