"""The transformer injection model on ONNX Runtime: windows in, one logit per text.

``ensure_graph`` exports the merged graph once (``tf_export``, in a subprocess so
torch never loads in the gateway) into a cache directory keyed by a hash of the
adapter and the base weights; ``TransformerScorer.logits`` tokenises a batch of
texts, cuts their windows (``tf_windows``), runs each window in its own ONNX call
(``MAX_BATCH_WINDOWS``) and returns each text's highest window logit. Blocking: the gateway
calls both in a worker thread (``routeiq/plugins/transformer_pass.py``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails.tf_export import graph_file_name
from routeiq.plugins.guardrails.tf_windows import MAX_CHARS, max_per_text, pad_batch, windows

__all__ = ["TransformerScorer", "default_graph_dir", "ensure_graph"]

log = logging.getLogger("routeiq.guardrails")

#: Windows per ONNX call. One: the int8 graph quantises its activations per call, so
#: a batch made a text's score depend on the other texts padded beside it (up to 1.5
#: logits apart), and padding short windows to the longest cost more than the calls
#: (5 chat messages: 30 ms batched, 19 ms one window a call, same run). On calib one
#: window a call also scored no worse (direct recall 0.944 -> 0.946 at 14 -> 13 of
#: 1,864 false positives; indirect 0.958 -> 0.964, 2 -> 1 of 272; dev hard
#: negatives 2 of 50 both).
MAX_BATCH_WINDOWS = 1


def default_graph_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routeiq" / "onnx"


def ensure_graph(adapter: Path, model_dir: Path, out_dir: Path, *, int8: bool = True) -> Path:
    """The merged graph for ``adapter`` on ``model_dir``, exported first if missing.

    Blocking (~20-60 s on a loaded 2-core machine the first time): a worker thread."""
    path = out_dir / graph_file_name(adapter, model_dir, "int8" if int8 else "fp32")
    if path.exists():
        return path
    log.info("exporting the injection transformer to ONNX at %s (first start)", path)
    cmd = [sys.executable, "-m", "routeiq.plugins.guardrails.tf_export",
           str(adapter), str(model_dir), str(path)]  # fmt: skip
    if int8:
        cmd.append("--int8")
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)
    return path


class TransformerScorer:
    """One ONNX Runtime session of the merged graph and the package's tokenizer."""

    def __init__(self, model_dir: Path, graph: Path, *, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.no_truncation()
        self._tok.no_padding()
        cls_id, sep_id = self._tok.token_to_id("[CLS]"), self._tok.token_to_id("[SEP]")
        if cls_id is None or sep_id is None:
            raise ValueError(f"{model_dir}: the tokenizer lacks [CLS] or [SEP]")
        self._cls: int = cls_id
        self._sep: int = sep_id
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.enable_cpu_mem_arena = False  # see routeiq.cache.onnx_encoder
        self._session = ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])

    def window_rows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Every window of ``texts`` and the index of the text each belongs to."""
        encoded = self._tok.encode_batch([t[:MAX_CHARS] for t in texts], add_special_tokens=False)
        rows: list[list[int]] = []
        owners: list[int] = []
        for index, e in enumerate(encoded):
            for window in windows(e.ids, self._cls, self._sep):
                rows.append(window)
                owners.append(index)
        return rows, owners

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each text's logit: the highest over its windows."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        rows, owners = self.window_rows(texts)
        # Shortest first, so a long text's windows do not pad the short ones.
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(order), MAX_BATCH_WINDOWS):
            chunk = order[start : start + MAX_BATCH_WINDOWS]
            ids, mask = pad_batch([rows[i] for i in chunk])
            result = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[chunk] = np.asarray(result, dtype=np.float32).reshape(-1)
        return max_per_text(out, owners, len(texts))
