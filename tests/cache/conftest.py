"""The real embedding model, loaded once per test session (synchronously: pytest-trio
async fixtures are function-scoped)."""

from __future__ import annotations

import pytest

from routeiq.cache.embedder import SentenceEncoder, load_model


@pytest.fixture(scope="session")
def minilm() -> SentenceEncoder:
    return load_model()
