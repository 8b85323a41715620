"""Fixtures for the state suite: one ``store`` per backend (memory, real Redis)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import trio
import trio.testing

from routeiq.state import MemoryStore, RedisStore, StateSettings, StateStore

# Works whether or not tests/conftest.py also loads the plugin with
# ``pytest_plugins = ["tests.redis_fixture"]`` (same fixture functions).
from tests.redis_fixture import redis_server, redis_url  # noqa: F401

MAX_KEYS = 64


@dataclass(frozen=True)
class Backend:
    name: str
    url: str | None = None


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Backend name; for ``redis`` the server is started and flushed."""
    if request.param == "redis":
        return Backend("redis", request.getfixturevalue("redis_url"))
    return Backend("memory")


@pytest.fixture
def clock(backend: Backend) -> trio.testing.MockClock | None:
    """The memory backend runs on the autojump clock (exact virtual times); the
    Redis backend needs real time because Redis expires keys in real time."""
    return trio.testing.MockClock(autojump_threshold=0) if backend.url is None else None


@pytest.fixture
async def store(backend: Backend, nursery: trio.Nursery) -> AsyncIterator[StateStore]:
    """A running store of the parametrised backend."""
    s: MemoryStore | RedisStore
    if backend.url is None:
        s = MemoryStore(max_keys=MAX_KEYS, subscriber_buffer=4)
    else:
        settings = StateSettings(
            backend="redis",
            redis_url=backend.url,
            key_prefix="t:",
            subscriber_buffer=4,
            op_timeout=1.0,
        )
        s = RedisStore(settings, rng=random.Random(0))
    await nursery.start(s.run)
    if isinstance(s, RedisStore):
        assert s.health == "up"
    yield s
