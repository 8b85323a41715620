"""A gateway with the cache on, over real sockets, sharing the session's loaded model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import trio

from routeiq.cache.embedder import SentenceEncoder
from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import start_mock
from routeiq.testing import serve_gateway
from tests.conftest import MASTER_KEY, Stack, config_dict

KEYS = [
    {"key": "sk-alice-0000", "name": "alice", "team": "red"},
    {"key": "sk-bob-00000", "name": "bob", "team": "blue"},
    {"key": "sk-carol-0000", "name": "carol", "team": "red"},
]
MASTER = {"authorization": f"Bearer {MASTER_KEY}"}


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def chat(text: str, *, system: str | None = None, **extra: Any) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": text})
    return {"model": "gpt-test", "temperature": 0, "messages": messages, **extra}


def cache_config(**cache: Any) -> dict[str, Any]:
    return {"enabled": True, **cache}


async def start_gateway(
    nursery: trio.Nursery,
    base: str,
    model: SentenceEncoder | None,
    cache: dict[str, Any],
    **routeiq: Any,
) -> tuple[str, Gateway]:
    routeiq.setdefault("auth", {"keys": KEYS})
    config = load_config(config_dict(base, cache=cache, **routeiq))

    def prepare(gw: Gateway) -> None:
        if model is not None and gw.cache.embedder is not None:
            gw.cache.embedder.use_model(model)

    return await serve_gateway(nursery, config, prepare=prepare)


@asynccontextmanager
async def cache_stack(
    model: SentenceEncoder | None,
    cache: dict[str, Any] | None = None,
    mock_settings: MockSettings | None = None,
    **routeiq: Any,
) -> AsyncIterator[Stack]:
    """Mock upstream + a gateway with ``routeiq.cache`` = ``cache`` (enabled)."""
    async with trio.open_nursery() as nursery:
        mock, base = await start_mock(nursery, mock_settings)
        url, gw = await start_gateway(nursery, base, model, cache or cache_config(), **routeiq)
        try:
            yield Stack(url, mock, gw, dict(MASTER))
        finally:
            nursery.cancel_scope.cancel()


async def post_chat(
    c: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await c.post("/v1/chat/completions", json=body, headers=headers or MASTER)


def content_of(r: httpx.Response) -> str:
    text: str = r.json()["choices"][0]["message"]["content"]
    return text


def upstream_calls(mock: MockUpstream) -> int:
    return mock.stats.requests


#: Seconds a cache test waits for what happens in the background (stores, the stream).
LIMIT = 60


async def wait_stores(s: Stack, n: int) -> None:
    """Stores run in the background after the response: wait for the n-th."""
    with trio.fail_after(10):
        while s.gw.cache.stats.stores < n:
            await trio.sleep(0.005)


def client(s: Stack) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=s.url, timeout=30)
