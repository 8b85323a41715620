"""Fixtures: the sample a2a-sdk agent (a subprocess) and an A2A gateway in front of it."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from routeiq.a2a.gateway import A2AGateway
from routeiq.a2a.settings import A2ASettings, AgentSpec
from routeiq.api.a2a import mount
from routeiq.asgi.auth import AuthMiddleware, KeyInfo, KeyRing
from routeiq.asgi.request_id import RequestIdMiddleware
from routeiq.server import bind_socket, serve_app, url_of
from routeiq.ssrf import SSRFSettings
from routeiq.state.base import StateStore
from tests.mcp.asgi import not_found
from tests.redis_fixture import redis_server, redis_url  # noqa: F401

for name in ("httpx", "httpcore", "a2a"):
    logging.getLogger(name).setLevel(logging.WARNING)

MASTER = "sk-a2a-master-key"
AUTH = {"authorization": f"Bearer {MASTER}"}
LOCAL = SSRFSettings(allow_networks=("127.0.0.1/32",))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def agent_url() -> Iterator[str]:
    """The sample agent, started once per session in its own process."""
    with sample_agent() as url:
        yield url


@pytest.fixture(scope="session")
def agent_v1_url() -> Iterator[str]:
    """The sample agent speaking only A2A v1.0."""
    with sample_agent("--only", "1.0") as url:
        yield url


@pytest.fixture(scope="session")
def agent_v03_url() -> Iterator[str]:
    """The sample agent declaring only A2A v0.3 (and refusing v1.0 methods)."""
    with sample_agent("--only", "0.3") as url:
        yield url


@contextmanager
def sample_agent(*args: str) -> Iterator[str]:
    """``tests/a2a/sample_agent.py`` in its own process (also used by the benches)."""
    port = _free_port()
    script = Path(__file__).with_name("sample_agent.py")
    proc = subprocess.Popen([sys.executable, str(script), str(port), *args])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/.well-known/agent-card.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the sample agent did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def app_for(gateway: A2AGateway) -> Any:
    keys = KeyRing()
    keys.add(MASTER, KeyInfo("master", None, None, True))
    auth = AuthMiddleware(mount(gateway, not_found, keys), keys, frozenset())
    return RequestIdMiddleware(auth, lambda scope, ctx: None)


@dataclass
class Stack:
    url: str
    gateway: A2AGateway

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=AUTH, timeout=20)


@asynccontextmanager
async def a2a_stack(
    agent_url: str, store: StateStore | None = None, **settings: Any
) -> AsyncIterator[Stack]:
    """A gateway with the sample agent registered as ``echo``, on 127.0.0.1 port 0."""
    spec = AgentSpec(name="echo", url=agent_url + "/", **settings.pop("agent", {}))
    gateway = A2AGateway(A2ASettings(agents=[spec], **settings), LOCAL, store)
    async with trio.open_nursery() as nursery:
        await gateway.start(nursery)
        sock = bind_socket("127.0.0.1", 0)
        await nursery.start(serve_app, app_for(gateway), sock)
        try:
            yield Stack(url_of(sock), gateway)
        finally:
            nursery.cancel_scope.cancel()
