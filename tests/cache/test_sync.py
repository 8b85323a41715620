"""StreamSync against a real Redis: own entries skipped, others applied in order,
expired and malformed entries counted, catch-up from the beginning, trimming."""

from __future__ import annotations

import time
from collections.abc import Callable

import coredis
import numpy as np
import trio

from routeiq.cache.exact import Vector
from routeiq.cache.rules import FlushRule
from routeiq.cache.sync import StreamSync
from routeiq.cache.verify import Facts, extract

STREAM = "synctest:cache:stream"


class Recorder:
    def __init__(self) -> None:
        self.adds: list[tuple[str, tuple[str, str, str], list[float], float]] = []
        self.facts: list[Facts | None] = []
        self.flushes: list[FlushRule] = []

    def apply_add(
        self,
        key: str,
        scope: tuple[str, str, str],
        vector: Vector,
        expires_at: float,
        facts: Facts | None = None,
    ) -> bool:
        self.adds.append((key, scope, vector.tolist(), expires_at))
        self.facts.append(facts)
        return True

    def apply_flush(self, rule: FlushRule) -> None:
        self.flushes.append(rule)


def sync_for(url: str, target: Recorder, **kw: int) -> StreamSync:
    return StreamSync(url=url, stream_key=STREAM, target=target, ttl=3600, max_len=1000, **kw)


async def wait(cond: Callable[[], bool], within: float = 2.0) -> None:
    with trio.fail_after(within):
        while not cond():
            await trio.sleep(0.005)


async def test_entries_flow_between_followers(redis_url: str) -> None:
    with trio.fail_after(30):
        a_seen, b_seen = Recorder(), Recorder()
        a, b = sync_for(redis_url, a_seen), sync_for(redis_url, b_seen)
        async with trio.open_nursery() as nursery:
            for s in (a, b):
                await nursery.start(s.run)
                await s.caught_up.wait()
            vec = np.arange(4, dtype=np.float32)
            exp = time.time() + 60
            facts = extract("Is 5 km not far from Paris?")
            await a.publish_add("k1", ("key:x", "m", "fp"), vec, exp, facts)
            await a.publish_flush(FlushRule("key:x", None, 12.5))
            await a.publish_add("k0", ("key:x", "m", "fp"), vec, time.time() - 1)  # expired
            await wait(lambda: b.stats.received == 2 and b.stats.expired == 1)
            assert b_seen.adds == [("k1", ("key:x", "m", "fp"), [0.0, 1.0, 2.0, 3.0], exp)]
            assert b_seen.facts == [facts]  # the other process verifies its hits too
            assert b_seen.flushes == [FlushRule("key:x", None, 12.5)]
            assert a_seen.adds == [] and a.stats.received == 0  # its own entries
            assert a.stats.sent == 3 and a.stats.dropped == 0

            # A malformed entry is counted and skipped; the follower goes on.
            async with coredis.Redis.from_url(redis_url) as raw:
                await raw.xadd(STREAM, {"o": "someone", "op": "add", "k": "broken"})
                await raw.xadd(STREAM, {"o": "someone", "op": "what"})
            await b.publish_flush(FlushRule(None, "m", 13.0))
            await wait(lambda: a.stats.received == 1)
            assert a.stats.malformed == 2 and b.stats.malformed == 2
            assert a_seen.flushes == [FlushRule(None, "m", 13.0)]

            # A late starter reads everything from the beginning.
            c_seen = Recorder()
            c = sync_for(redis_url, c_seen, batch=2)  # several pages
            await nursery.start(c.run)
            await wait(lambda: c.caught_up.is_set())
            assert [x[0] for x in c_seen.adds] == ["k1"]
            assert c_seen.flushes == [FlushRule("key:x", None, 12.5), FlushRule(None, "m", 13.0)]
            assert c.stats.expired == 1 and c.stats.malformed == 2
            nursery.cancel_scope.cancel()


async def test_publishing_without_redis_is_dropped_not_raised() -> None:
    seen = Recorder()
    s = StreamSync(
        url="redis://127.0.0.1:1/0",
        stream_key=STREAM,
        target=seen,
        ttl=10,
        max_len=10,
        backoff_initial=0.01,
        backoff_cap=0.02,
    )
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            await nursery.start(s.run)
            assert not s.connected
            await s.publish_add("k", ("a", "b", "c"), np.ones(4, dtype=np.float32), 1e12)
            await wait(lambda: s.stats.errors >= 2)  # it keeps probing
            assert s.stats.dropped == 1 and s.stats.sent == 0
            nursery.cancel_scope.cancel()
