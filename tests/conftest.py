"""Shared fixtures: an in-process stack (mock upstream + gateway on port 0)."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import trio

from routeiq.app import Gateway, create_app
from routeiq.config import load_config
from routeiq.lifecycle import Lifecycle
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import bind_socket, serve_app, start_mock, url_of

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


MASTER_KEY = "sk-test-master-key"


def config_dict(base: str, **routeiq: Any) -> dict[str, Any]:
    return {
        "model_list": [
            {
                "model_name": "gpt-test",
                "litellm_params": {"model": "openai/gpt-test", "api_base": base, "api_key": "k"},
                "model_info": {"id": "dep-a"},
            },
            {
                "model_name": "embed-test",
                "litellm_params": {"model": "openai/embed-x", "api_base": base, "api_key": "k"},
                "model_info": {"id": "dep-e"},
            },
        ],
        "general_settings": {"master_key": MASTER_KEY},
        "routeiq": routeiq,
    }


@dataclass
class Stack:
    url: str
    mock: MockUpstream
    gw: Gateway
    headers: dict[str, str]


@asynccontextmanager
async def running_stack(
    mock_settings: MockSettings | None = None,
    edit: Callable[[dict[str, Any]], None] | None = None,
    **routeiq: Any,
) -> AsyncIterator[Stack]:
    """Mock upstream + gateway served over real sockets on 127.0.0.1 port 0
    (``edit`` may change the config dict, e.g. a deployment's prices)."""
    async with trio.open_nursery() as nursery:
        mock, base = await start_mock(nursery, mock_settings)
        data = config_dict(base, **routeiq)
        if edit is not None:
            edit(data)
        config = load_config(data)
        app, gw = create_app(config, Lifecycle(config.routeiq.server.max_in_flight))
        sock = bind_socket("127.0.0.1", 0)
        await nursery.start(serve_app, app, sock)
        try:
            yield Stack(url_of(sock), mock, gw, {"authorization": f"Bearer {MASTER_KEY}"})
        finally:
            nursery.cancel_scope.cancel()


CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello gateway"}]}
CHAT_STREAM = {**CHAT, "stream": True}
