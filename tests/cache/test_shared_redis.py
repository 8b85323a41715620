"""Two (then three) gateways on one real Redis: an answer stored through one is an
exact and a semantic hit through the others within a second; a late starter catches
up from the stream; a flush through one reaches every process."""

from __future__ import annotations

from typing import Any

import httpx
import trio

from routeiq.app import Gateway
from routeiq.cache.embedder import SentenceEncoder
from routeiq.server import start_mock
from tests.cache.stack import MASTER, cache_config, chat, start_gateway
from tests.redis_fixture import RedisServer

LIMIT = 60


def redis_state(url: str) -> dict[str, Any]:
    return {"backend": "redis", "redis_url": url, "key_prefix": "cachetest:"}


class Client:
    """One keep-alive client per gateway (a new httpx client costs ~50 ms of CPU)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=30, headers=MASTER)

    async def ask(self, text: str) -> httpx.Response:
        r = await self.http.post("/v1/chat/completions", json=chat(text))
        assert r.status_code == 200
        return r

    async def outcome(self, text: str) -> str:
        return (await self.ask(text)).headers["x-routeiq-cache"]


async def received(
    gw: Gateway, n: int, *, within: float = 1.0, since: float | None = None
) -> float:
    """Wait until ``gw``'s stream follower applied ``n`` entries of other processes;
    the seconds since ``since`` (default: now), asserted under ``within``."""
    sync = gw.cache.sync
    assert sync is not None
    t0 = trio.current_time() if since is None else since
    with trio.fail_after(within - (trio.current_time() - t0)):
        while sync.stats.received < n:
            await trio.sleep(0.002)
    return trio.current_time() - t0


async def stored(gw: Gateway, n: int) -> None:
    with trio.fail_after(5):
        while gw.cache.stats.stores < n:
            await trio.sleep(0.005)


async def test_store_through_one_hits_through_the_other(
    minilm: SentenceEncoder, redis_url: str, redis_server: RedisServer
) -> None:
    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            mock, base = await start_mock(nursery)
            state = redis_state(redis_url)
            one, gw1 = await start_gateway(nursery, base, minilm, cache_config(), state=state)
            two, gw2 = await start_gateway(nursery, base, minilm, cache_config(), state=state)
            for gw in (gw1, gw2):
                assert gw.cache.sync is not None
                with trio.fail_after(5):
                    await gw.cache.sync.caught_up.wait()

            c1, c2 = Client(one), Client(two)
            first = await c1.ask("How do I reset my router?")
            answered = trio.current_time()  # the store starts after the response
            assert first.headers["x-routeiq-cache"] == "miss"
            await stored(gw1, 1)
            # Exact: L2 is Redis, so the other process finds it at once.
            exact = await c2.ask("How do I reset my router?")
            assert exact.headers["x-routeiq-cache"] == "hit-exact"
            assert exact.json()["choices"] == first.json()["choices"]
            # Semantic: the vector travels through the stream, well within a second.
            delays = [await received(gw2, 1, since=answered)]
            assert await c2.outcome("How can I reset my router?") == "hit-semantic"
            assert mock.stats.requests == 1

            # And the other way round; 0.942 is below the threshold: not a hit.
            assert await c2.outcome("What is the capital of France?") == "miss"
            answered = trio.current_time()
            await stored(gw2, 1)
            delays.append(await received(gw1, 1, since=answered))
            assert await c1.outcome("What's the capital of France?") == "hit-semantic"
            assert await c1.outcome("Which city is the capital of France?") == "miss"
            await stored(gw1, 2)

            # A third process started now catches up from the stream (three additions).
            three, gw3 = await start_gateway(nursery, base, minilm, cache_config(), state=state)
            await received(gw3, 3, within=5.0)
            c3 = Client(three)
            assert await c3.outcome("How can I reset my router?") == "hit-semantic"
            assert await c3.outcome("which city is the capital of france?") == "hit-semantic"

            # A flush through one process reaches the others.
            flushed = await c1.http.post("/routeiq/cache/flush", json={"key": "master"})
            assert flushed.status_code == 200
            await received(gw2, 3)
            await received(gw3, 4)
            assert await c3.outcome("How can I reset my router?") == "miss"
            assert await c2.outcome("What is the capital of France?") == "miss"
            print(f"stream propagation delays: {[round(d * 1000, 1) for d in delays]} ms")
            for c in (c1, c2, c3):
                await c.http.aclose()
            nursery.cancel_scope.cancel()


async def test_sync_survives_a_redis_restart(
    minilm: SentenceEncoder, redis_url: str, redis_server: RedisServer
) -> None:
    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            _, base = await start_mock(nursery)
            state = {**redis_state(redis_url), "backoff_initial": 0.05, "backoff_cap": 0.2}
            one, gw1 = await start_gateway(nursery, base, minilm, cache_config(), state=state)
            two, gw2 = await start_gateway(nursery, base, minilm, cache_config(), state=state)
            sync2 = gw2.cache.sync
            assert sync2 is not None
            with trio.fail_after(5):
                await sync2.caught_up.wait()
            c1, c2 = Client(one), Client(two)
            redis_server.stop()
            try:
                # Served while Redis is down (each process on its own).
                assert await c1.outcome("How do I reset my router?") == "miss"
            finally:
                redis_server.start()
            with trio.fail_after(10):
                while not (sync2.connected and gw1.cache.sync and gw1.cache.sync.connected):
                    await trio.sleep(0.02)
            assert await c1.outcome("What is the capital of France?") == "miss"
            await stored(gw1, 2)
            await received(gw2, 1)
            assert await c2.outcome("What's the capital of France?") == "hit-semantic"
            assert sync2.stats.errors >= 1
            for c in (c1, c2):
                await c.http.aclose()
            nursery.cancel_scope.cancel()
