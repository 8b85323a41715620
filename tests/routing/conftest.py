"""Fixtures: a running state store per backend (memory, and a real Redis)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
import trio

from routeiq.state import MemoryStore, RedisStore, StateSettings, StateStore

# Same fixture functions as tests/redis_fixture.py; works with or without the
# plugin being loaded by tests/conftest.py.
from tests.redis_fixture import redis_server, redis_url  # noqa: F401


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """``None`` for memory, else the URL of a flushed Redis."""
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")
        return url
    return None


def make_store(url: str | None) -> MemoryStore | RedisStore:
    if url is None:
        return MemoryStore()
    settings = StateSettings(backend="redis", redis_url=url, key_prefix="rt:", op_timeout=2.0)
    return RedisStore(settings, rng=random.Random(0))


@pytest.fixture
async def store(backend: str | None, nursery: trio.Nursery) -> AsyncIterator[StateStore]:
    s = make_store(backend)
    await nursery.start(s.run)
    yield s
