"""Readiness waits for the embedding model; requests meanwhile skip the semantic tier.
Size and pending-store bounds."""

from __future__ import annotations

import httpx
import trio

from routeiq.asgi.types import RequestContext
from routeiq.cache.embedder import SentenceEncoder
from tests.cache.stack import MASTER, cache_config, cache_stack, chat, post_chat

LIMIT = 60


async def test_ready_waits_for_the_model_while_requests_are_served(
    minilm: SentenceEncoder,  # loaded first only so torch is imported: this load is fast
) -> None:
    with trio.fail_after(LIMIT):
        torch = cache_config(semantic={"runtime": "torch"})
        async with cache_stack(None, torch) as s, httpx.AsyncClient(base_url=s.url) as c:
            r = await c.get("/health/ready")
            assert r.status_code == 503
            assert r.json()["status"] == "starting"
            assert r.json()["cache"] == {"enabled": True, "semantic": "loading"}
            # Served at once, without the semantic tier.
            answer = await post_chat(c, chat("How do I reset my router?"))
            assert answer.status_code == 200
            assert answer.headers["x-routeiq-cache"] == "miss"
            assert s.gw.cache.stats.semantic_skipped["not-ready"] >= 1
            while (r := await c.get("/health/ready")).status_code != 200:
                await trio.sleep(0.05)
            assert r.json()["cache"] == {"enabled": True, "semantic": "ready"}


async def test_a_model_that_fails_to_load_turns_the_tier_off() -> None:
    cache = cache_config(semantic={"model_path": "/nonexistent/model"})
    with trio.fail_after(LIMIT):
        async with cache_stack(None, cache) as s, httpx.AsyncClient(base_url=s.url) as c:
            while (r := await c.get("/health/ready")).status_code != 200:
                await trio.sleep(0.05)
            assert r.json()["cache"] == {"enabled": True, "semantic": "failed"}
            first = await post_chat(c, chat("q"))
            assert first.headers["x-routeiq-cache"] == "miss"
            with trio.fail_after(5):
                while s.gw.cache.stats.stores < 1:
                    await trio.sleep(0.005)
            # The exact tiers still work.
            assert (await post_chat(c, chat("q"))).headers["x-routeiq-cache"] == "hit-exact"


async def test_answers_over_the_size_limit_are_not_stored() -> None:
    cache = cache_config(semantic={"enabled": False}, max_entry_bytes=64)
    with trio.fail_after(LIMIT):
        async with cache_stack(None, cache) as s, httpx.AsyncClient(base_url=s.url) as c:
            for _ in range(2):
                r = await post_chat(c, chat("a question with a long enough answer"))
                assert r.headers["x-routeiq-cache"] == "miss"
                assert len(r.content) > 64
            assert s.gw.cache.stats.store_skipped["too-large"] == 2
            assert s.gw.cache.stats.stores == 0
            ready = await c.get("/health/ready")
            assert ready.json()["cache"] == {"enabled": True, "semantic": "off"}


async def test_pending_stores_are_bounded() -> None:
    cache = cache_config(semantic={"enabled": False}, max_pending_stores=1)
    with trio.fail_after(LIMIT):
        async with cache_stack(None, cache) as s:
            svc = s.gw.cache
            q = svc.query(_ctx(), chat("x"), [])
            body = b'{"object":"chat.completion","choices":[]}'
            svc.spawn_store(q, body, stream=False)  # queued, not run yet (no checkpoint)
            svc.spawn_store(q, body, stream=False)
            assert svc.stats.store_skipped["dropped"] == 1
            with trio.fail_after(5):
                while svc.sizes()["pending_stores"]:
                    await trio.sleep(0.005)
            assert svc.stats.store_skipped["incomplete"] == 1  # empty choices: not stored
            async with httpx.AsyncClient(base_url=s.url) as c:
                stats = (await c.get("/routeiq/cache/stats", headers=MASTER)).json()
            assert stats["store_skipped"] == {"dropped": 1, "incomplete": 1}


def _ctx() -> RequestContext:
    ctx = RequestContext("rid", 0.0)
    ctx.key_name = "master"
    ctx.model = "gpt-test"
    return ctx
