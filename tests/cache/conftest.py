"""The real embedding model, loaded once per test session (synchronously: pytest-trio
async fixtures are function-scoped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from routeiq.cache.embedder import SentenceEncoder, default_model_path, load_model


@pytest.fixture(scope="session")
def minilm() -> SentenceEncoder:
    return load_model()


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both exported graphs (fp32 and int8) of the packaged model, once per session."""
    from routeiq.cache.onnx_encoder import ensure_onnx

    out = tmp_path_factory.mktemp("onnx")
    ensure_onnx(default_model_path(), out, int8=False)
    ensure_onnx(default_model_path(), out, int8=True)
    return out


@pytest.fixture(scope="session")
def minilm_int8(onnx_dir: Path) -> SentenceEncoder:
    return load_model(runtime="onnx-int8", onnx_dir=onnx_dir)
