"""LiteLLM's ``include:``: other YAML files merged into the config (I/O-free merge).

Each listed file is read relative to the file that lists it (includes may nest) and
merged key by key into the including document: a list extends the list it meets
(``model_list`` gathered from several files), any other value replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

KEY = "include"
MAX_DEPTH = 8


def merge(base: Mapping[str, Any], included: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in included.items():
        current = out.get(key)
        out[key] = (
            [*current, *value] if isinstance(current, list) and isinstance(value, list) else value
        )
    return out


def resolve_includes(
    data: Mapping[str, Any],
    declared_in: Path,
    read: Callable[[Path], Any],
    *,
    depth: int = 0,
    where: str = KEY,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``data`` with its includes merged (recursively) and the problems found."""
    problems: list[tuple[str, str]] = []
    entries = data.get(KEY)
    out = {k: v for k, v in data.items() if k != KEY}
    if entries is None:
        return out, problems
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return out, [(where, "must be a list of file names")]
    if depth >= MAX_DEPTH:
        return out, [(where, f"includes nest deeper than {MAX_DEPTH} levels (a cycle?)")]
    for i, name in enumerate(entries):
        path = (declared_in.parent / name).resolve()
        try:
            included = read(path)
        except OSError as exc:
            problems.append((f"{where}[{i}]", f"cannot read {path}: {exc.strerror or exc}"))
            continue
        if included is None:
            continue
        if not isinstance(included, Mapping):
            problems.append((f"{where}[{i}]", f"{path} is not a YAML mapping"))
            continue
        nested, found = resolve_includes(
            included, path, read, depth=depth + 1, where=f"{where}[{i}].{KEY}"
        )
        problems.extend(found)
        out = merge(out, nested)
    return out, problems
