"""The semantic lookup's time budget: a backed-up encoder never holds a request.

Past ``semantic.lookup_budget_ms`` the lookup gives up on the semantic tier (the
request goes to the upstream as a miss); the encode goes on, and the store after
the response uses that same encode instead of queueing a second one.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
import trio
import trio.testing

from routeiq.asgi.types import RequestContext
from routeiq.cache.service import CacheService
from routeiq.cache.settings import CacheSettings
from routeiq.state.memory import MemoryStore

BODY = (
    b'{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test",'
    b'"choices":[{"index":0,"message":{"role":"assistant","content":"Unplug it."},'
    b'"finish_reason":"stop"}]}'
)


class GatedEncoder:
    """A stand-in model whose encode blocks (in its worker thread) until released."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str], **_: Any) -> Any:
        self.calls.append(list(texts))
        assert self.gate.wait(30), "never released"
        out = np.zeros((len(texts), 384), dtype=np.float32)
        out[:, 0] = 1.0
        return out


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Autojump only after 50 ms of real idleness: the encoder's worker thread
    finishes its (trivial) work within that, so it never lets virtual time run on
    while a batch is being encoded, as a threshold of 0 would."""
    return trio.testing.MockClock(autojump_threshold=0.05)


def service(budget_ms: float | None, encoder: GatedEncoder) -> CacheService:
    settings = CacheSettings.model_validate(
        {"enabled": True, "semantic": {"lookup_budget_ms": budget_ms}}
    )
    return CacheService(settings, MemoryStore(), model=encoder)


def query(svc: CacheService, text: str) -> Any:
    ctx = RequestContext("req-1", 0.0)
    ctx.key_name, ctx.model = "alice", "gpt-test"
    messages = [{"role": "user", "content": text}]
    request = {"model": "gpt-test", "temperature": 0, "messages": messages}
    return svc.query(ctx, request, {})


async def test_budget_ends_the_wait_and_the_store_reuses_the_encode(
    clock: trio.testing.MockClock,
) -> None:
    encoder = GatedEncoder()
    svc = service(100, encoder)
    async with trio.open_nursery() as nursery:
        await nursery.start(svc.run)
        q = query(svc, "How do I reset my router?")
        t0 = trio.current_time()
        assert await svc.lookup(q) is None
        assert trio.current_time() - t0 == pytest.approx(0.100)  # the budget, exactly
        assert svc.stats.semantic_skipped["budget"] == 1
        assert q.vector is None and q.pending is not None

        encoder.gate.set()  # the encode finishes after the response was sent
        await svc.store_answer(q, BODY)
        assert encoder.calls == [["How do I reset my router?"]]  # one encode, not two
        assert svc.semantic is not None and len(svc.semantic) == 1

        # Another wording (a new exact key) now finds that vector in the semantic tier.
        q2 = query(svc, "How do I reset my router?!")
        t1 = trio.current_time()
        hit = await svc.lookup(q2)
        assert hit is not None and hit.tier == "semantic"
        assert trio.current_time() - t1 < 0.100
        nursery.cancel_scope.cancel()


async def test_no_budget_waits_for_the_encode(clock: trio.testing.MockClock) -> None:
    encoder = GatedEncoder()
    svc = service(None, encoder)
    async with trio.open_nursery() as nursery:
        await nursery.start(svc.run)
        q = query(svc, "How do I reset my router?")

        async def release_later() -> None:
            await trio.sleep(5)
            encoder.gate.set()

        nursery.start_soon(release_later)
        t0 = trio.current_time()
        assert await svc.lookup(q) is None  # nothing stored yet: a miss, but a waited one
        assert trio.current_time() - t0 == pytest.approx(5.0)
        assert q.vector is not None and q.pending is None
        assert svc.stats.semantic_skipped["budget"] == 0
        nursery.cancel_scope.cancel()


def test_budget_setting_is_validated() -> None:
    with pytest.raises(ValueError):
        CacheSettings.model_validate({"semantic": {"lookup_budget_ms": 0}})
    assert CacheSettings().semantic.lookup_budget_ms == 500.0
