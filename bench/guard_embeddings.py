"""MiniLM vectors of the guard corpus, cached on disk (shared by the training and
quality scripts of the injection detector's embedding head).

Vectors come from ``$GUARD_EMBED_RUNTIME`` (``onnx-int8`` by default: the semantic
cache's default runtime, so the head is trained on the vectors it is served; or
``torch``, ``onnx``). Embedding 15,000 texts with torch takes ~20 minutes on a
loaded 2-core machine, so vectors are kept by text digest in ``$GUARD_EMBED_CACHE``
(default /tmp/guard_embeddings_<runtime>.npz).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np

from routeiq.plugins.guardrails.embedding_head import EMBED_CHARS

RUNTIME = os.environ.get("GUARD_EMBED_RUNTIME", "onnx-int8")
CACHE = Path(os.environ.get("GUARD_EMBED_CACHE", f"/tmp/guard_embeddings_{RUNTIME}.npz"))


def _key(text: str) -> str:
    data = text[:EMBED_CHARS].encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def embeddings(texts: list[str]) -> np.ndarray:
    """Unit MiniLM vectors of ``texts`` (their first ``EMBED_CHARS`` characters)."""
    cached: dict[str, np.ndarray] = {}
    if CACHE.exists():
        with np.load(CACHE) as data:
            cached = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [_key(t) for t in texts]
    todo = sorted(
        {k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items(),
        key=lambda kv: len(kv[1]),
    )
    if todo:
        from routeiq.cache.embedder import load_model

        model = load_model(runtime=RUNTIME)
        started = time.perf_counter()
        for start in range(0, len(todo), 64):
            batch = todo[start : start + 64]
            vectors = model.encode(
                [t[:EMBED_CHARS] for _, t in batch],
                batch_size=64,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            cached.update(zip([k for k, _ in batch], vectors, strict=True))
            done = start + len(batch)
            print(f"embedded {done}/{len(todo)} in {time.perf_counter() - started:.0f} s")
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, keys=np.array(list(cached)), vectors=np.array(list(cached.values())))
    return np.array([cached[k] for k in keys], dtype=np.float32).reshape(len(texts), -1)
