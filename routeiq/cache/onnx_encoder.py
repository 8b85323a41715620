"""The sentence model on ONNX Runtime: no torch in the serving process.

Measured on this 2-core machine under load (one short question, one thread,
100 calls, same run): sentence-transformers on torch p50 47 ms, ONNX Runtime fp32
p50 21 ms, ONNX Runtime int8 (per-channel) p50 6 ms; fp32 vectors equal torch's
(cosine 1.0000), int8 ones are at cosine ~0.995 of them. See
``bench/semantic_cache.py`` for the gateway-level miss cost and
``bench/semantic_cache_quality.py`` for recall with each runtime.

The graph (``routeiq.cache.onnx_export``) includes mean pooling and L2
normalisation, so ``encode`` returns unit rows directly. Tokenisation uses the
``tokenizers`` library with the package's own ``tokenizer.json`` (the same
WordPiece vocabulary the torch path uses), truncated at the model's 256 word
pieces and padded to the longest text of the batch.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from routeiq.cache.onnx_export import onnx_file_name
from routeiq.cache.verify import TokenInfo

__all__ = ["OnnxEncoder", "default_onnx_dir", "ensure_onnx"]

log = logging.getLogger("routeiq.cache")


def default_onnx_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routeiq" / "onnx"


def ensure_onnx(model_dir: Path, out_dir: Path, *, int8: bool) -> Path:
    """The exported graph for ``model_dir``, exporting it first if missing.

    The export runs in a subprocess so that torch never loads in this process.
    Blocking (tens of seconds the first time): call in a worker thread.
    """
    path = out_dir / onnx_file_name(model_dir, "int8" if int8 else "fp32")
    if path.exists():
        return path
    log.info("exporting %s to ONNX at %s (first start)", model_dir, path)
    cmd = [sys.executable, "-m", "routeiq.cache.onnx_export", str(model_dir), str(path)]
    if int8:
        cmd.append("--int8")
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)
    return path


class OnnxEncoder:
    """``SentenceEncoder`` on ONNX Runtime (see the module docstring)."""

    def __init__(self, model_dir: Path, onnx_path: Path, *, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        max_tokens = 256
        cfg = model_dir / "sentence_bert_config.json"
        if cfg.exists():
            max_tokens = int(json.loads(cfg.read_text()).get("max_seq_length", max_tokens))
        self._batch_tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._batch_tok.enable_truncation(max_tokens)
        self._batch_tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest
        self._plain_tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._plain_tok.no_truncation()
        self._plain_tok.no_padding()
        self._unk = self._plain_tok.token_to_id("[UNK]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # ONNX Runtime's CPU arena keeps the peak of every input shape it has seen:
        # eight batches of 256 texts took RSS from 136 to 797 MiB with it, to 184 MiB
        # without (and a single text did not get slower).
        opts.enable_cpu_mem_arena = False
        self._session = ort.InferenceSession(
            str(onnx_path), opts, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], *args: Any, **kwargs: Any) -> np.ndarray:
        """Unit-length float32 rows, one per text (sentence-transformers' call shape)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        enc = self._batch_tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        out = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        rows: np.ndarray = np.ascontiguousarray(out, dtype=np.float32)
        return rows

    def token_infos(self, texts: list[str]) -> list[TokenInfo]:
        """Each text's ``[UNK]`` spans and word-piece count (for ``routeiq.cache.verify``)."""
        out = []
        for text, e in zip(
            texts, self._plain_tok.encode_batch(list(texts), add_special_tokens=False), strict=True
        ):
            spans = tuple(
                text[a:b] for i, (a, b) in zip(e.ids, e.offsets, strict=True) if i == self._unk
            )
            out.append(TokenInfo(spans, len(e.ids)))
        return out
