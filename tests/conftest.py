"""Shared fixtures; the gateway stacks come from ``routeiq.testing``."""

from __future__ import annotations

import logging
import os
import tempfile

import pytest

# The harness lives in routeiq.testing; these names stay importable from here.
from routeiq.testing import MASTER_KEY, Stack, config_dict, running_stack

__all__ = ["CHAT", "CHAT_STREAM", "MASTER_KEY", "Stack", "config_dict", "running_stack"]

logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

pytest_plugins = ["tests.redis_fixture", "tests.pg_fixture"]

# Governance keeps keys, spend and runtime model edits in SQLite under a data
# directory, never ~/.local: one per test (inherited by the gateway processes the
# e2e tests start), so no test's keys or runtime models reach another test's gateway
# (a session-wide directory let one test's /model/delete apply in the next one).
os.environ.setdefault("ROUTEIQ_DATA_DIR", tempfile.mkdtemp(prefix="routeiq-data-"))


@pytest.fixture(autouse=True)
def _own_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv("ROUTEIQ_DATA_DIR", str(tmp_path_factory.mktemp("routeiq-data")))


CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello gateway"}]}
CHAT_STREAM = {**CHAT, "stream": True}
