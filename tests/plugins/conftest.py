"""The injection transformer's graph, exported once per test session into a tmp dir."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routeiq.plugins import transformer_pass
from routeiq.plugins.guardrails.transformer import TRANSFORMER_PATH
from routeiq.plugins.transformer_pass import TransformerRuntime


@pytest.fixture(scope="session")
def tf_runtime(tmp_path_factory: pytest.TempPathFactory) -> TransformerRuntime:
    """A ready runtime of the shipped adapter (export: tens of seconds, once)."""
    assert TRANSFORMER_PATH.exists(), "the shipped adapter file is missing"
    runtime = TransformerRuntime(graph_dir=tmp_path_factory.mktemp("tf-graph"))
    runtime.scorer = runtime._load()
    return runtime


@pytest.fixture
def shared_tf(tf_runtime: TransformerRuntime) -> Iterator[TransformerRuntime]:
    """The session's runtime as the process's shared one (what ``Pipeline.run`` uses)."""
    key = (TRANSFORMER_PATH, None, True)
    saved = transformer_pass._RUNTIMES.get(key)
    transformer_pass._RUNTIMES[key] = tf_runtime
    yield tf_runtime
    if saved is None:
        transformer_pass._RUNTIMES.pop(key, None)
    else:
        transformer_pass._RUNTIMES[key] = saved
