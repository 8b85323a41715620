"""Transformer logits of bench texts, cached per text (``$GUARD_TF_CACHE``).

Scoring the calib split with the served graph takes minutes (tens of minutes on a
loaded machine); the stacking fit (``train_transformer_stacking.py``) and the
evaluations (``guard_transformer_eval.transformer_judge(cache=True)``) read the same
texts again and again, and a grown corpus adds only a few. The cache is one file per
adapter (its weights, not its stacking, and the graph's precision), holding each
text's logit by a hash of the text, so only texts never scored are scored.

Only the n-gram-independent transformer logit is cached: the n-gram logit and the
rules' score change with the n-gram model and are always recomputed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("GUARD_TF_CACHE", "/tmp/guard_tf_cache"))
#: Texts scored between two saves (a long run that is stopped keeps its work).
SAVE_EVERY = 512


def adapter_key(adapter: Path, *, int8: bool) -> str:
    """A hash of the adapter's weights (not its stacking) and the graph precision."""
    key = hashlib.blake2b(digest_size=8)
    with np.load(adapter, allow_pickle=False) as data:
        for name in sorted(data.files):
            if name != "stacking":
                key.update(name.encode() + data[name].tobytes())
    key.update(b"int8" if int8 else b"fp32")
    return key.hexdigest()


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest()


class LogitCache:
    """``logits(texts)`` through a per-text cache of ``score`` (the ONNX scorer's
    ``logits``), for one adapter and precision."""

    def __init__(
        self,
        adapter: Path,
        score: Callable[[Sequence[str]], np.ndarray],
        *,
        int8: bool = True,
        batch: int = 32,
    ) -> None:
        self.path = CACHE / f"logits-{adapter_key(adapter, int8=int8)}.pkl"
        self.score = score
        self.batch = batch
        self.known: dict[bytes, float] = {}
        if self.path.exists():
            self.known = pickle.loads(self.path.read_bytes())

    def save(self) -> None:
        """Write the cache, merged with what another process may have written since."""
        CACHE.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.known = {**pickle.loads(self.path.read_bytes()), **self.known}
        part = self.path.with_suffix(f".part{os.getpid()}")
        part.write_bytes(pickle.dumps(self.known))
        part.replace(self.path)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = sorted({k: i for i, k in enumerate(keys) if k not in self.known}.values())
        done = 0
        for start in range(0, len(missing), self.batch):
            chunk = missing[start : start + self.batch]
            for i, logit in zip(chunk, self.score([texts[i] for i in chunk]), strict=True):
                self.known[keys[i]] = float(logit)
            done += len(chunk)
            if done >= SAVE_EVERY:
                self.save()
                done = 0
        if missing:
            self.save()
        return np.array([self.known[k] for k in keys], dtype=np.float32)
