"""``budget_duration`` / ``duration`` strings (``30s``, ``15m``, ``1h``, ``7d``, ``30d``)
and the budget period a moment falls in.

A budget with a duration resets at ``anchor + k * duration`` (the anchor is the
record's creation time), so every process and host agrees on the period from
the wall clock alone, with no reset job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0, "mo": 30 * 86400.0}
_PATTERN = re.compile(r"\s*(\d{1,9})\s*(s|m|h|d|w|mo)\s*")
MAX_SECONDS = 100 * 365 * 86400.0


def parse_duration(text: str) -> float:
    """Seconds in ``text``; ``ValueError`` naming the accepted forms otherwise."""
    m = _PATTERN.fullmatch(text)
    if m is None:
        raise ValueError(f"invalid duration {text!r}: use a number and s, m, h, d, w or mo (30d)")
    seconds = int(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0 or seconds > MAX_SECONDS:
        raise ValueError(f"duration {text!r} must be between 1s and 100 years")
    return seconds


def period_index(now: float, anchor: float, duration: float | None) -> int:
    """Which budget period ``now`` (wall clock) is in; 0 for budgets that never reset."""
    if duration is None:
        return 0
    return max(0, math.floor((now - anchor) / duration))


def period_end(index: int, anchor: float, duration: float | None) -> float | None:
    """When period ``index`` ends (``None``: never)."""
    if duration is None:
        return None
    return anchor + (index + 1) * duration


def budget_now(
    data: Mapping[str, Any], spend: float, spend_period: int, now: float
) -> tuple[float, float | None]:
    """``(spend in the current budget period, when that period ends)`` of a stored record
    (``None``: its budget never resets). The stored spend is its last period's until a
    request of the new period adds to it; LiteLLM's reset job sets it to 0 instead."""
    text = data.get("budget_duration")
    anchor = data.get("created_at")
    if not isinstance(text, str) or not isinstance(anchor, int | float):
        return spend, None
    duration = parse_duration(text)
    period = period_index(now, float(anchor), duration)
    return (spend if spend_period == period else 0.0), period_end(period, float(anchor), duration)
