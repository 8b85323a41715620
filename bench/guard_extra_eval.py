"""Judge an outside labelled set with the shipped injection detector
(``bench/guardrail_quality.py --extra-jsonl PATH``).

Each line of the file is ``{"text", "role", "label", "source"}`` with ``label``
one of ``attack``, ``benign``, ``hard_negative`` and ``role`` one of ``user``,
``tool``, ``system``, ``developer`` (default ``user``). Every text is judged in
its role as the gateway judges it (user: direct threshold; tool: indirect
threshold; system/developer: trusted, not scanned by default), by the n-gram
model + rules and, when the head ships, with the embedding head for user texts.
The report gives recall (attacks) or false-positive rate (benign, hard
negatives) per label, per label and role, and per label and source.

Nothing here chooses a threshold: the set is only read, so a sealed evaluation
set stays sealed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from routeiq.plugins.guardrails import InjectionGuardrail

LABELS = ("attack", "benign", "hard_negative")
ROLES = ("user", "tool", "system", "developer")


class ExtraSetError(ValueError):
    """A line of the extra set is not ``{"text", "role", "label", "source"}``."""


def load(path: Path) -> list[dict[str, str]]:
    """The rows of a JSONL file, validated (an error names the line)."""
    rows: list[dict[str, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtraSetError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ExtraSetError(f"{path}:{number}: needs a string 'text'")
        label, role = row.get("label"), row.get("role", "user")
        if label not in LABELS:
            raise ExtraSetError(f"{path}:{number}: label must be one of {LABELS}, not {label!r}")
        if role not in ROLES:
            raise ExtraSetError(f"{path}:{number}: role must be one of {ROLES}, not {role!r}")
        source = row.get("source", path.name)
        rows.append({"text": row["text"], "role": role, "label": label, "source": str(source)})
    return rows


def judge(
    rows: list[dict[str, str]],
    guard: InjectionGuardrail,
    embed: Callable[[list[str]], list[bool]] | None = None,
) -> dict[str, list[bool]]:
    """Flags per detector: ``injection`` (n-gram + rules) and, given ``embed``
    (user texts -> flags with the embedding head), ``injection_embedding``."""
    flags = []
    for row in rows:
        verdict = guard.check(row["text"])
        kind = guard.role_kind(row["role"])
        flags.append(guard.for_kind(verdict, kind, row["text"]).triggered)
    out = {"injection": flags}
    if embed is not None:
        users = [i for i, row in enumerate(rows) if row["role"] == "user"]
        user_flags = embed([rows[i]["text"] for i in users])
        merged = list(flags)
        for i, flag in zip(users, user_flags, strict=True):
            merged[i] = flag
        out["injection_embedding"] = merged
    return out


def summarise(rows: list[dict[str, str]], flags: dict[str, list[bool]]) -> list[dict[str, object]]:
    """Rows of ``{detector, label, metric, by, key, n, hits, value}``."""
    out: list[dict[str, object]] = []
    for detector, got in flags.items():
        groups: dict[tuple[str, str, str], list[bool]] = defaultdict(list)
        for row, flag in zip(rows, got, strict=True):
            groups[(row["label"], "all", "")].append(flag)
            groups[(row["label"], "role", row["role"])].append(flag)
            groups[(row["label"], "source", row["source"])].append(flag)
        for (label, by, key), values in sorted(groups.items()):
            metric = "recall" if label == "attack" else "false_positive_rate"
            out.append({"detector": detector, "label": label, "metric": metric, "by": by,
                        "key": key, "n": len(values), "hits": sum(values),
                        "value": sum(values) / len(values)})  # fmt: skip
    return out


def print_rows(rows: list[dict[str, object]]) -> None:
    print("\nextra set (recall for attacks, false-positive rate for benign and hard negatives):")
    for row in rows:
        where = "all" if row["by"] == "all" else f"{row['by']}={row['key']}"
        print(f"  {row['detector']:<20} {row['label']:<14} {row['metric']:<20}"
              f" {row['value']:.4f} ({row['hits']} of {row['n']})  {where}")  # fmt: skip
