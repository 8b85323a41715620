"""The ONNX Runtime encoder: exported from the packaged weights, same vectors and
[UNK] spans as the torch path, and no torch in the process that serves with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from routeiq.cache.embedder import SentenceEncoder, default_model_path, load_model, token_infos
from routeiq.cache.onnx_encoder import OnnxEncoder, ensure_onnx

TEXTS = [
    "How do I reset my router?",
    "Is it safe to drink castor oil at 37 weeks pregnant?",
    "Translate 我恨你 to English",
    "What does 💀 mean?",
    "word " * 400,  # past the 256 word pieces the model reads
]


def _torch_rows(model: SentenceEncoder) -> np.ndarray:
    out: np.ndarray = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    return out


def test_fp32_graph_gives_torchs_vectors(minilm: SentenceEncoder, onnx_dir: Path) -> None:
    enc = OnnxEncoder(default_model_path(), ensure_onnx(default_model_path(), onnx_dir, int8=False))
    rows = enc.encode(TEXTS)
    assert rows.shape == (len(TEXTS), 384) and rows.dtype == np.float32
    cos = (rows * _torch_rows(minilm)).sum(axis=1)
    assert cos.min() > 0.9999, cos
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_int8_graph_stays_close(minilm: SentenceEncoder, onnx_dir: Path) -> None:
    enc = OnnxEncoder(default_model_path(), ensure_onnx(default_model_path(), onnx_dir, int8=True))
    cos = (enc.encode(TEXTS) * _torch_rows(minilm)).sum(axis=1)
    assert cos.min() > 0.95, cos
    # Median 0.99+ with the packages of 2026-12-07; onnxruntime 1.32's dynamic
    # quantiser gives a median of 0.9898 (these five texts: 0.979-0.993) while the fp32 graph still
    # matches torch to 0.9999 (above). A broken int8 graph falls far below either bound.
    assert np.median(cos) > 0.985, cos


def test_unknown_spans_match_the_torch_tokenizer(minilm: SentenceEncoder, onnx_dir: Path) -> None:
    enc = OnnxEncoder(default_model_path(), ensure_onnx(default_model_path(), onnx_dir, int8=False))
    assert token_infos(enc, TEXTS) == token_infos(minilm, TEXTS)
    assert enc.token_infos(["What does 💀 mean?"])[0].unknown == ("💀",)


def test_export_is_reused_not_repeated(onnx_dir: Path) -> None:
    path = ensure_onnx(default_model_path(), onnx_dir, int8=False)
    before = path.stat().st_mtime_ns
    assert ensure_onnx(default_model_path(), onnx_dir, int8=False) == path
    assert path.stat().st_mtime_ns == before


def test_serving_with_onnx_never_imports_torch(onnx_dir: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from routeiq.cache.embedder import Embedder\n"
        f"e = Embedder(runtime='onnx', onnx_dir=Path({str(onnx_dir)!r}))\n"
        "e.load()\n"
        "assert e.encode_sync(['hello']).shape == (1, 384)\n"
        "assert e.facts_sync(['What does 💀 mean?'])[0].unknown == ('💀',)\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_load_model_onnx_runtime(onnx_dir: Path) -> None:
    model = load_model(runtime="onnx-int8", onnx_dir=onnx_dir)
    assert isinstance(model, OnnxEncoder)
