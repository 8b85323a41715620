"""The verification step and the tenant namespaces in the running gateway, over HTTP."""

from __future__ import annotations

import trio

from routeiq.cache.embedder import SentenceEncoder
from tests.cache.stack import (
    LIMIT,
    MASTER,
    bearer,
    cache_config,
    cache_stack,
    chat,
    client,
    content_of,
    post_chat,
    upstream_calls,
    wait_stores,
)


async def test_near_neighbour_asking_another_question_is_a_miss(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            q37 = "Is it safe to drink castor oil at 37 weeks pregnant?"
            first = await post_chat(c, chat(q37))
            assert first.headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            # 0.977 to the cached question, above the 0.95 threshold: refused.
            q35 = await post_chat(c, chat(q37.replace("37", "35")))
            assert q35.headers["x-routeiq-cache"] == "miss"
            assert content_of(q35).endswith(q37.replace("37", "35"))
            para = await post_chat(
                c, chat("Is it safe to drink castor oil when 37 weeks pregnant?")
            )
            assert para.headers["x-routeiq-cache"] == "hit-semantic"
            assert content_of(para) == content_of(first)
            emoji = await post_chat(c, chat("What does 💀 mean?"))
            await wait_stores(s, 3)
            other_emoji = await post_chat(c, chat("What does 😀 mean?"))  # similarity 1.0
            assert other_emoji.headers["x-routeiq-cache"] == "miss"
            assert emoji.headers["x-routeiq-cache"] == "miss"
            assert upstream_calls(s.mock) == 4
            stats = (await c.get("/routeiq/cache/stats", headers=MASTER)).json()
            assert stats["semantic_rejected"] == {"numbers": 1, "unknown": 1}


async def test_mostly_unknown_text_skips_the_semantic_tier(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            assert (await post_chat(c, chat("我恨你"))).headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            # Same [UNK] count, similarity 1.0; not even offered to the index.
            other = await post_chat(c, chat("我爱你"))
            assert other.headers["x-routeiq-cache"] == "miss"
            stats = (await c.get("/routeiq/cache/stats", headers=MASTER)).json()
            assert stats["semantic_skipped"]["unreadable"] == 2  # both lookups
            assert stats["sizes"]["semantic_entries"] == 0  # nor stored
            # The exact tier still serves the identical text.
            again = await post_chat(c, chat("我恨你"))
            assert again.headers["x-routeiq-cache"] == "hit-exact"


async def test_verification_off_serves_the_near_neighbour(minilm: SentenceEncoder) -> None:
    # What the check is for: without it the 35-weeks question gets the 37-weeks answer.
    config = cache_config(semantic={"verify": False})
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm, config) as s, client(s) as c:
            q37 = "Is it safe to drink castor oil at 37 weeks pregnant?"
            await post_chat(c, chat(q37))
            await wait_stores(s, 1)
            q35 = await post_chat(c, chat(q37.replace("37", "35")))
            assert q35.headers["x-routeiq-cache"] == "hit-semantic"


async def test_semantic_tier_never_crosses_a_key_or_team(minilm: SentenceEncoder) -> None:
    cached, para = "How do I reset my router?", "How can I reset my router?"
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            await post_chat(c, chat(cached), bearer("sk-alice-0000"))
            await wait_stores(s, 1)
            for key in ("sk-bob-00000", "sk-carol-0000"):  # other team; same team, other key
                r = await post_chat(c, chat(para), bearer(key))
                assert r.headers["x-routeiq-cache"] == "miss"
            r = await post_chat(c, chat(para), bearer("sk-alice-0000"))
            assert r.headers["x-routeiq-cache"] == "hit-semantic"
        async with cache_stack(minilm, cache_config(namespace="team")) as s, client(s) as c:
            await post_chat(c, chat(cached), bearer("sk-alice-0000"))
            await wait_stores(s, 1)
            bob = await post_chat(c, chat(para), bearer("sk-bob-00000"))
            assert bob.headers["x-routeiq-cache"] == "miss"
            carol = await post_chat(c, chat(para), bearer("sk-carol-0000"))
            assert carol.headers["x-routeiq-cache"] == "hit-semantic"


async def test_shared_namespace_is_opt_in(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm, cache_config(namespace="shared")) as s, client(s) as c:
            await post_chat(c, chat("How do I reset my router?"), bearer("sk-alice-0000"))
            await wait_stores(s, 1)
            bob = await post_chat(c, chat("How can I reset my router?"), bearer("sk-bob-00000"))
            assert bob.headers["x-routeiq-cache"] == "hit-semantic"
