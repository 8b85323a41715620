"""Cheap text features beside the prompt's embedding, and the text a router reads.

Pure functions, microseconds per prompt: they run on the event loop. The features
are scaled to roughly [0, 1] so a trained model needs no per-feature care:

    0 length      log1p(chars) / 10
    1 words       log1p(words) / 8
    2 lines       log1p(newlines) / 6
    3 code        code markers (def/class/import/return/{};/```), capped
    4 math        math markers (digits, operators, solve/calculate/equation), capped
    5 digits      share of digits among characters
    6 choices     multiple-choice options ("A)", "(B)", "C.")
    7 question    ends with or contains a question mark
    8 non_ascii   share of non-ASCII characters (a rough "not English" signal)
    9 cjk         share of CJK characters
   10 cyrillic    share of Cyrillic characters
   11 upper       share of upper-case letters
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FEATURE_NAMES", "prompt_tokens", "route_text", "text_features"]

FEATURE_NAMES = (
    "length",
    "words",
    "lines",
    "code",
    "math",
    "digits",
    "choices",
    "question",
    "non_ascii",
    "cjk",
    "cyrillic",
    "upper",
)
N_FEATURES = len(FEATURE_NAMES)

_CODE = re.compile(
    r"```|\bdef |\bclass |\bimport |\breturn\b|\bfunction\b|[{};]|=>|\bprint\(|\bpython\b",
    re.IGNORECASE,
)
_MATH = re.compile(
    r"[=+*/^]|\d+\s*[-x]\s*\d+|\\frac|\bsolve\b|\bcalculate\b|\bequation\b|\bsum\b|\bhow many\b",
    re.IGNORECASE,
)
_CHOICE = re.compile(r"(?m)(?:^|\s)\(?[A-E][).:]\s")
MAX_SCAN = 8192  # features read the first 8 KiB: enough to tell, bounded cost


def text_features(text: str) -> npt.NDArray[np.float32]:
    s = text[:MAX_SCAN]
    n = max(len(s), 1)
    non_ascii = cjk = cyr = digits = upper = 0
    for ch in s:
        o = ord(ch)
        if o < 128:
            if 48 <= o <= 57:
                digits += 1
            elif 65 <= o <= 90:
                upper += 1
            continue
        non_ascii += 1
        if 0x4E00 <= o <= 0x9FFF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF:
            cjk += 1
        elif 0x0400 <= o <= 0x04FF:
            cyr += 1
    return np.array(
        [
            math.log1p(len(text)) / 10.0,
            math.log1p(len(s.split())) / 8.0,
            math.log1p(s.count("\n")) / 6.0,
            min(len(_CODE.findall(s)), 20) / 20.0,
            min(len(_MATH.findall(s)), 20) / 20.0,
            digits / n,
            min(len(_CHOICE.findall(s)), 5) / 5.0,
            1.0 if "?" in s else 0.0,
            non_ascii / n,
            cjk / n,
            cyr / n,
            upper / n,
        ],
        dtype=np.float32,
    )


def features_matrix(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    if not texts:
        return np.zeros((0, N_FEATURES), np.float32)
    return np.stack([text_features(t) for t in texts])


def prompt_tokens(text: str) -> int:
    """A token estimate without a tokenizer: ceil(chars / 4)."""
    return (len(text) + 3) // 4


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            p.get("text", "")
            for p in content
            if isinstance(p, Mapping) and p.get("type") == "text" and isinstance(p.get("text"), str)
        ]
        return "\n".join(parts)
    return ""


def route_text(request: Mapping[str, Any], max_chars: int = 4000) -> tuple[str, int]:
    """(the text to route on, the whole prompt's token estimate).

    The text is the last user message (what differs between requests, like the
    training data's ``query``), cut to ``max_chars``; the token estimate counts
    every message, since the whole prompt is what a model is paid for.
    """
    messages = request.get("messages")
    if not isinstance(messages, list):
        prompt = request.get("prompt")
        text = prompt if isinstance(prompt, str) else ""
        return text[:max_chars], prompt_tokens(text)
    last = ""
    total = 0
    for m in messages:
        if not isinstance(m, Mapping):
            continue
        t = _content_text(m.get("content"))
        total += len(t)
        if m.get("role") == "user":
            last = t
    return last[:max_chars], (total + 3) // 4
