"""The cache in the gateway, over HTTP: tiers, headers, tenants, bypass rules, streams."""

from __future__ import annotations

from typing import Any

import orjson
import trio
from openai import OpenAI

from routeiq.cache.embedder import SentenceEncoder
from routeiq.config import load_config
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
from tests.conftest import MASTER_KEY, config_dict


def test_config_section_is_strict_and_off_by_default() -> None:
    cfg = load_config(config_dict("http://127.0.0.1:9/v1"))
    assert cfg.routeiq.cache.enabled is False
    assert cfg.routeiq.cache.temperature_ceiling == 0.1
    assert cfg.routeiq.cache.semantic.threshold == 0.95
    try:
        load_config(config_dict("http://127.0.0.1:9/v1", cache={"enabeld": True}))
    except Exception as exc:
        assert "routeiq.cache.enabeld" in str(exc)
    else:
        raise AssertionError("a misspelt key must be a config error")


async def test_disabled_cache_adds_no_header() -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(None, {"enabled": False}) as s, client(s) as c:
            r = await post_chat(c, chat("hello"))
            assert r.status_code == 200
            assert "x-routeiq-cache" not in r.headers


async def test_same_question_twice_miss_then_hit_exact(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            first = await post_chat(c, chat("What is the boiling point of water?"))
            assert first.status_code == 200
            assert first.headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            # Whitespace and an ignored field (user) do not change the key.
            again = chat("  What is the boiling point of water?\n", user="someone")
            second = await post_chat(c, again)
            assert second.status_code == 200
            assert second.headers["x-routeiq-cache"] == "hit-exact"
            assert "x-routeiq-cache-similarity" not in second.headers
            assert second.content == first.content
            assert upstream_calls(s.mock) == 1
            stats = (await c.get("/routeiq/cache/stats", headers=MASTER)).json()
            assert stats["requests"] == {"hit-exact": 1, "hit-semantic": 0, "miss": 1, "bypass": 0}
            assert stats["tiers"]["l1"] == {"lookups": 2, "hits": 1, "hit_ratio": 0.5}
            assert stats["hit_ratio"] == 0.5


async def test_paraphrase_hits_semantic_and_other_topic_misses(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            first = await post_chat(c, chat("How do I reset my router?"))
            assert first.headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            para = await post_chat(c, chat("How can I reset my router?"))
            assert para.headers["x-routeiq-cache"] == "hit-semantic"
            similarity = float(para.headers["x-routeiq-cache-similarity"])
            assert 0.95 <= similarity < 1.0  # measured 0.9958
            assert content_of(para) == content_of(first)
            other = await post_chat(c, chat("How do I bake sourdough bread?"))
            assert other.headers["x-routeiq-cache"] == "miss"
            assert content_of(other).endswith("How do I bake sourdough bread?")
            assert upstream_calls(s.mock) == 2
            # Same question under another system prompt: another fingerprint, a miss.
            sys_q = await post_chat(c, chat("How can I reset my router?", system="Be terse."))
            assert sys_q.headers["x-routeiq-cache"] == "miss"
            assert upstream_calls(s.mock) == 3


async def test_tenants_never_share_answers(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            q = chat("What is the capital of Peru?")
            a1 = await post_chat(c, q, bearer("sk-alice-0000"))
            assert a1.headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            b1 = await post_chat(c, q, bearer("sk-bob-00000"))
            assert b1.headers["x-routeiq-cache"] == "miss"  # identical question, other tenant
            a2 = await post_chat(c, q, bearer("sk-alice-0000"))
            assert a2.headers["x-routeiq-cache"] == "hit-exact"
            # Per key: carol (same team as alice) has her own namespace too.
            c1 = await post_chat(c, q, bearer("sk-carol-0000"))
            assert c1.headers["x-routeiq-cache"] == "miss"
            assert upstream_calls(s.mock) == 3


async def test_team_namespace_shares_within_a_team_only(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm, cache_config(namespace="team")) as s, client(s) as c:
            q = chat("What is the capital of Chile?")
            assert (await post_chat(c, q, bearer("sk-alice-0000"))).headers[
                "x-routeiq-cache"
            ] == "miss"
            await wait_stores(s, 1)
            carol = await post_chat(c, q, bearer("sk-carol-0000"))
            assert carol.headers["x-routeiq-cache"] == "hit-exact"
            bob = await post_chat(c, q, bearer("sk-bob-00000"))
            assert bob.headers["x-routeiq-cache"] == "miss"
            assert upstream_calls(s.mock) == 2


async def test_bypass_rules_and_cache_control(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            # Default temperature (1.0) is above the ceiling: not cached at all.
            warm = {"model": "gpt-test", "messages": [{"role": "user", "content": "hot take"}]}
            for _ in range(2):
                r = await post_chat(c, warm)
                assert r.headers["x-routeiq-cache"] == "bypass"
            # x-routeiq-cache: off bypasses lookup and store.
            off = {**MASTER, "x-routeiq-cache": "off"}
            assert (await post_chat(c, chat("q-off"), off)).headers["x-routeiq-cache"] == "bypass"
            assert (await post_chat(c, chat("q-off"))).headers["x-routeiq-cache"] == "miss"
            await wait_stores(s, 1)
            # no-cache skips the lookup (a fresh answer) but stores it.
            nc = {**MASTER, "cache-control": "no-cache"}
            assert (await post_chat(c, chat("q-nc"), nc)).headers["x-routeiq-cache"] == "bypass"
            await wait_stores(s, 2)
            assert (await post_chat(c, chat("q-nc"))).headers["x-routeiq-cache"] == "hit-exact"
            # no-store: looked up, never stored.
            ns = {**MASTER, "cache-control": "no-store"}
            assert (await post_chat(c, chat("q-ns"), ns)).headers["x-routeiq-cache"] == "miss"
            assert (await post_chat(c, chat("q-ns"), ns)).headers["x-routeiq-cache"] == "miss"
            # n > 1 is never cached.
            r = await post_chat(c, chat("q-n", n=2))
            assert r.headers["x-routeiq-cache"] == "bypass"
            assert upstream_calls(s.mock) == 8
            assert s.gw.cache.stats.stores == 2


async def test_errors_are_never_cached(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            failing = chat("fragile question", metadata={"mock_mode": "error", "mock_status": 400})
            r = await post_chat(c, failing)
            assert r.status_code == 400
            # metadata is not part of the key: the same question, now answered, is a miss.
            ok = await post_chat(c, chat("fragile question"))
            assert ok.status_code == 200 and ok.headers["x-routeiq-cache"] == "miss"
            # A stream that breaks off half-way is not stored either.
            reset = chat("broken stream", stream=True, metadata={"mock_mode": "reset"})
            async with c.stream("POST", "/v1/chat/completions", json=reset, headers=MASTER) as rs:
                assert rs.headers["x-routeiq-cache"] == "miss"
                await rs.aread()
            await trio.sleep(0.2)
            again = await post_chat(c, chat("broken stream"))
            assert again.headers["x-routeiq-cache"] == "miss"
            assert s.gw.cache.stats.outcomes["hit-exact"] == 0


def _sse_events(raw: bytes) -> list[Any]:
    out: list[Any] = []
    for block in raw.split(b"\n\n"):
        if block.startswith(b"data: "):
            data = block[6:]
            out.append("[DONE]" if data == b"[DONE]" else orjson.loads(data))
    return out


async def test_streamed_answer_is_stored_then_replayed(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            q = chat("Tell me about trio nurseries", stream=True)
            async with c.stream("POST", "/v1/chat/completions", json=q, headers=MASTER) as r:
                assert r.headers["x-routeiq-cache"] == "miss"
                raw = await r.aread()
            streamed = "".join(
                e["choices"][0]["delta"].get("content") or ""
                for e in _sse_events(raw)
                if e != "[DONE]" and e["choices"]
            )
            assert streamed.endswith("Tell me about trio nurseries")
            await wait_stores(s, 1)
            # Stored once assembled: a non-streaming request gets the whole answer.
            whole = await post_chat(c, chat("Tell me about trio nurseries"))
            assert whole.headers["x-routeiq-cache"] == "hit-exact"
            assert whole.json()["object"] == "chat.completion"
            assert content_of(whole) == streamed
            assert whole.json()["choices"][0]["finish_reason"] == "stop"
            # And a streaming request gets valid SSE ending with [DONE].
            async with c.stream("POST", "/v1/chat/completions", json=q, headers=MASTER) as r:
                assert r.headers["x-routeiq-cache"] == "hit-exact"
                assert r.headers["content-type"].startswith("text/event-stream")
                events = _sse_events(await r.aread())
            assert events[-1] == "[DONE]"
            assert events[0]["object"] == "chat.completion.chunk"
            assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": streamed}
            assert events[1]["choices"][0]["finish_reason"] == "stop"
            assert len(events) == 3  # no usage chunk: not asked for
            assert upstream_calls(s.mock) == 1


async def test_openai_client_reads_a_streamed_hit(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            first = await post_chat(c, chat("Explain structured concurrency"))
            await wait_stores(s, 1)
            expected = content_of(first)
            usage = first.json()["usage"]

            def read_with_sdk(text: str) -> tuple[str, Any, str]:
                sdk = OpenAI(base_url=f"{s.url}/v1", api_key=MASTER_KEY, max_retries=0)
                raw = sdk.chat.completions.with_raw_response.create(
                    model="gpt-test",
                    temperature=0,
                    messages=[{"role": "user", "content": text}],
                    stream=True,
                    stream_options={"include_usage": True},
                )
                got, seen_usage = "", None
                for chunk in raw.parse():
                    if chunk.choices:
                        got += chunk.choices[0].delta.content or ""
                    if chunk.usage is not None:
                        seen_usage = chunk.usage
                return got, seen_usage, raw.headers["x-routeiq-cache"]

            exact = await trio.to_thread.run_sync(read_with_sdk, "Explain structured concurrency")
            assert exact[0] == expected and exact[2] == "hit-exact"
            assert exact[1] is not None and exact[1].total_tokens == usage["total_tokens"]
            para = await trio.to_thread.run_sync(read_with_sdk, "Explain structured concurrency.")
            assert para[0] == expected and para[2] in ("hit-exact", "hit-semantic")
            assert upstream_calls(s.mock) == 1


async def test_admin_flush_and_auth(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        async with cache_stack(minilm) as s, client(s) as c:
            alice, bob = bearer("sk-alice-0000"), bearer("sk-bob-00000")
            for h in (alice, bob):
                await post_chat(c, chat("How do I reset my router?"), h)
            await wait_stores(s, 2)
            forbidden = await c.post("/routeiq/cache/flush", json={}, headers=alice)
            assert forbidden.status_code == 403
            bad = await c.post(
                "/routeiq/cache/flush", json={"key": "a", "team": "b"}, headers=MASTER
            )
            assert bad.status_code == 400
            r = await c.post("/routeiq/cache/flush", json={"key": "alice"}, headers=MASTER)
            assert r.status_code == 200
            assert r.json() == {"flushed": {"l1": 1, "semantic": 1}}
            # Alice's answer is gone from every tier (its L2 entry is hidden by the
            # flush rule), Bob's is not.
            a = await post_chat(c, chat("How do I reset my router?"), alice)
            assert a.headers["x-routeiq-cache"] == "miss"
            b = await post_chat(c, chat("How do I reset my router?"), bob)
            assert b.headers["x-routeiq-cache"] == "hit-exact"
            assert upstream_calls(s.mock) == 3
            stats = await c.get("/routeiq/cache/stats", headers=MASTER)
            body = stats.json()
            assert body["flush_rules"] == 1
            assert body["semantic"] == "ready"
            assert body["embedder"]["queue_depth"] == 0
            assert body["index"]["entries"] >= 1
            metrics = (await c.get("/metrics")).text
            assert 'routeiq_cache_requests_total{outcome="hit-exact"} 1' in metrics
            assert 'routeiq_cache_lookups_total{tier="semantic",result="hit"}' in metrics
            assert "routeiq_cache_embedding_batches_total" in metrics
