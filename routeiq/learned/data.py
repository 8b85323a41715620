"""Training rows for a learned router, and their embeddings cached on disk.

A row is ``{"prompt" or "query", "quality": {model: score}, "cost_usd": {model: usd}}``
(the schema of the routing data sets; extra keys such as ``id``/``task`` are kept).
The text a router sees is ``query`` when present (RouterBench's few-shot prompts
share five worked examples; the last question is what differs), else ``prompt``.

Embedding a few thousand prompts with MiniLM takes minutes on two shared cores, so
``embed_texts`` keeps every vector it computed in one ``.npz`` per cache directory,
keyed by a hash of the text: re-running a training or a bench encodes only new texts.
Blocking code: the CLI and benches call it directly, the gateway never does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "Row",
    "embed_texts",
    "load_rows",
    "parse_row",
    "split_by_hash",
    "text_key",
]

Matrix = npt.NDArray[np.float32]


class DataError(ValueError):
    """A training file or row that cannot be used (the message names the line)."""


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    quality: dict[str, float]
    cost_usd: dict[str, float]
    extra: dict[str, Any] = field(default_factory=dict)


def parse_row(obj: Any, where: str = "row") -> Row:
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a JSON object")
    text = obj.get("query") or obj.get("prompt")
    if not isinstance(text, str) or not text:
        raise DataError(f"{where}: needs a non-empty 'query' or 'prompt' string")
    quality = obj.get("quality")
    cost = obj.get("cost_usd", {})
    if not isinstance(quality, dict) or not quality:
        raise DataError(f"{where}: needs 'quality': {{model: score}}")
    if not isinstance(cost, dict):
        raise DataError(f"{where}: 'cost_usd' must be {{model: usd}}")
    try:
        q = {str(k): float(v) for k, v in quality.items()}
        c = {str(k): float(v) for k, v in cost.items()}
    except (TypeError, ValueError):
        raise DataError(f"{where}: scores and costs must be numbers") from None
    extra = {k: v for k, v in obj.items() if k not in ("quality", "cost_usd")}
    return Row(text, q, c, extra)


def load_rows(path: str | Path) -> list[Row]:
    rows: list[Row] = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{i}: invalid JSON: {exc.msg}") from None
            rows.append(parse_row(obj, f"{path}:{i}"))
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def split_by_hash(
    rows: Sequence[Row], dev_percent: int = 25, salt: str = "dev"
) -> tuple[list[Row], list[Row]]:
    """(train, dev): a row is dev when a hash of its text (salted) falls in the
    first ``dev_percent`` buckets of 100; identical texts always land together."""
    train: list[Row] = []
    dev: list[Row] = []
    for r in rows:
        h = hashlib.sha256((salt + "\x00" + r.text).encode("utf-8")).hexdigest()
        (dev if int(h[:8], 16) % 100 < dev_percent else train).append(r)
    return train, dev


def embed_texts(
    texts: Sequence[str],
    encode: Callable[[list[str]], Matrix],
    cache_dir: str | Path | None,
    *,
    batch: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> Matrix:
    """Unit embeddings of ``texts`` (one row each), encoding only texts not cached."""
    cached: dict[str, np.ndarray] = {}
    store = Path(cache_dir) / "embeddings.npz" if cache_dir else None
    if store is not None and store.exists():
        with np.load(store) as z:
            cached = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
    keys = [text_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items())
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        vecs = encode([t for _, t in part])
        for (k, _), v in zip(part, vecs, strict=True):
            cached[k] = np.asarray(v, dtype=np.float32)
        if progress is not None:
            progress(min(start + batch, len(todo)), len(todo))
        if store is not None and (start // batch) % 10 == 9:
            _save(store, cached)
    if store is not None and todo:
        _save(store, cached)
    return np.stack([cached[k] for k in keys]).astype(np.float32)


def _save(store: Path, cached: dict[str, np.ndarray]) -> None:
    store.parent.mkdir(parents=True, exist_ok=True)
    tmp = store.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(list(cached)), vectors=np.stack(list(cached.values())))
    tmp.replace(store)


def model_names(rows: Iterable[Row]) -> list[str]:
    """Models scored on every row, in first-seen order."""
    names: list[str] | None = None
    for r in rows:
        names = list(r.quality) if names is None else [n for n in names if n in r.quality]
    return names or []
