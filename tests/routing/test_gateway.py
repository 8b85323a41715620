"""The routing layer inside the real gateway, over real sockets, against mock
upstreams on 127.0.0.1 port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import trio

from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.routing.router import Router
from routeiq.routing.settings import BreakerSettings, RoutingSettings
from routeiq.server import start_mock
from routeiq.state import RedisStore
from routeiq.testing import serve_gateway
from tests.redis_fixture import RedisServer

KEY = "sk-routing-test-key"
HEADERS = {"authorization": f"Bearer {KEY}"}
CHAT = {"model": "chat", "messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Stack:
    url: str
    gw: Gateway
    mocks: dict[str, MockUpstream]


@asynccontextmanager
async def stack(
    upstreams: dict[str, MockSettings],
    routing: RoutingSettings,
    *,
    num_retries: int = 1,
    redis_url: str | None = None,
) -> AsyncIterator[Stack]:
    """One model group ``chat`` with a deployment per mock upstream."""
    async with trio.open_nursery() as nursery:
        mocks: dict[str, MockUpstream] = {}
        model_list: list[dict[str, Any]] = []
        for dep_id, settings in upstreams.items():
            mocks[dep_id], base = await start_mock(nursery, settings)
            model_list.append(
                {
                    "model_name": "chat",
                    "litellm_params": {"model": "openai/up", "api_base": base, "api_key": "k"},
                    "model_info": {"id": dep_id},
                }
            )
        state = {"backend": "redis", "redis_url": redis_url, "key_prefix": "rt:"}
        config = load_config(
            {
                "model_list": model_list,
                "router_settings": {"num_retries": num_retries},
                "general_settings": {"master_key": KEY},
                "routeiq": {"state": state} if redis_url else {},
            }
        )

        def prepare(gw: Gateway) -> None:
            # Until the config mounts routeiq.routing, set it here (before serving:
            # startup starts whatever router is set).
            gw.router = Router(
                config.groups, router_settings=config.router, settings=routing, store=gw.store
            )

        url, gw = await serve_gateway(nursery, config, prepare=prepare)
        try:
            yield Stack(url, gw, mocks)
        finally:
            nursery.cancel_scope.cancel()


async def test_failing_deployment_is_cut_off_and_no_client_sees_an_error() -> None:
    routing = RoutingSettings(
        breaker=BreakerSettings(min_requests=3, failure_rate=0.5, cooldown=600.0)
    )
    ups = {"bad": MockSettings(error_rate=1.0), "good": MockSettings()}
    with trio.fail_after(30):
        async with (
            stack(ups, routing) as s,
            httpx.AsyncClient(base_url=s.url, headers=HEADERS) as c,
        ):
            attempts: list[str] = []
            for i in range(40):
                if i % 4 == 3:
                    async with c.stream(
                        "POST", "/v1/chat/completions", json={**CHAT, "stream": True}
                    ) as r:
                        assert r.status_code == 200
                        lines = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
                        assert lines[-1] == "data: [DONE]"
                else:
                    r = await c.post("/v1/chat/completions", json=CHAT)
                    assert r.status_code == 200, r.text
                    assert r.json()["choices"][0]["message"]["content"].endswith("hi")
                assert r.headers["x-routeiq-deployment"] == "good"
                attempts.append(r.headers["x-routeiq-attempts"])
            breakers = s.gw.router.breakers
            assert breakers.state("bad", trio.current_time()) == "open"
            assert breakers.count("closed", "open") == 1
            # Exactly min_requests tries reached the failing upstream, each one
            # retried on its sibling; then the breaker kept traffic away from it.
            assert s.mocks["bad"].stats.requests == 3
            assert attempts.count("2") == 3 and attempts.count("1") == 37
            assert s.mocks["good"].stats.requests == 40


async def test_no_retry_once_streaming_began() -> None:
    ups = {"a": MockSettings(), "b": MockSettings()}
    with trio.fail_after(30):
        async with (
            stack(ups, RoutingSettings()) as s,
            httpx.AsyncClient(base_url=s.url, headers=HEADERS) as c,
        ):
            req = {**CHAT, "stream": True, "metadata": {"mock_mode": "reset", "mock_chunks": 4}}
            async with c.stream("POST", "/v1/chat/completions", json=req) as r:
                assert r.status_code == 200
                assert r.headers["x-routeiq-attempts"] == "1"
                events = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
            assert "error" in orjson.loads(events[-1][6:])
            answered = r.headers["x-routeiq-deployment"]
            assert s.mocks["a"].stats.requests + s.mocks["b"].stats.requests == 1
            # The broken stream counts against the deployment that broke it (the
            # gateway records it just after the client got the last event).
            breaker = s.gw.router.breakers.breakers[answered]
            while breaker.window_counts(trio.current_time()) == (0, 0):
                await trio.sleep(0.01)
            assert breaker.window_counts(trio.current_time()) == (0, 1)  # (ok, failed)


async def test_conversation_keeps_its_deployment_over_http(backend: str | None) -> None:
    ups = {f"d{i}": MockSettings() for i in range(3)}
    with trio.fail_after(30):
        async with (
            stack(ups, RoutingSettings(), redis_url=backend) as s,
            httpx.AsyncClient(base_url=s.url, headers=HEADERS) as c,
        ):
            homes: dict[str, str] = {}
            for n in range(12):
                h = {"x-routeiq-conversation-id": f"conv-{n}"}
                r = await c.post("/v1/chat/completions", json=CHAT, headers=h)
                homes[f"conv-{n}"] = r.headers["x-routeiq-deployment"]
            assert len(set(homes.values())) > 1
            for _ in range(3):
                for conv, home in homes.items():
                    h = {"x-routeiq-conversation-id": conv}
                    r = await c.post("/v1/chat/completions", json=CHAT, headers=h)
                    assert r.headers["x-routeiq-deployment"] == home
            # previous_response_id: each answer's id leads to the same deployment,
            # for plain and streamed answers alike.
            r = await c.post("/v1/chat/completions", json=CHAT)
            home, rid = r.headers["x-routeiq-deployment"], r.json()["id"]
            for turn in range(6):
                body = {**CHAT, "previous_response_id": rid, "stream": turn % 2 == 1}
                async with c.stream("POST", "/v1/chat/completions", json=body) as r:
                    assert r.headers["x-routeiq-deployment"] == home
                    text = (await r.aread()).decode()
                if turn % 2 == 1:
                    rid = orjson.loads(text.split("\n\n")[0][6:])["id"]
                else:
                    rid = orjson.loads(text)["id"]


def health(store: RedisStore) -> str:
    return store.health  # read through a call: mypy would narrow the property


async def test_redis_killed_under_traffic_no_request_fails(
    redis_url: str, redis_server: RedisServer
) -> None:
    ups = {f"d{i}": MockSettings() for i in range(2)}
    statuses: list[int] = []
    with trio.fail_after(60):
        async with (
            stack(ups, RoutingSettings(), redis_url=redis_url) as s,
            httpx.AsyncClient(base_url=s.url, headers=HEADERS) as c,
        ):
            store = s.gw.store
            assert isinstance(store, RedisStore) and store.health == "up"
            stop = trio.Event()

            async def traffic() -> None:
                n = 0
                while not stop.is_set():
                    h = {"x-routeiq-conversation-id": f"conv-{n % 7}"}
                    r = await c.post("/v1/chat/completions", json=CHAT, headers=h)
                    statuses.append(r.status_code)
                    n += 1

            async with trio.open_nursery() as nursery:
                nursery.start_soon(traffic)
                await trio.sleep(0.5)
                await trio.to_thread.run_sync(redis_server.stop)
                while health(store) != "down":
                    await trio.sleep(0.01)
                served_before_down = len(statuses)
                await trio.sleep(2.0)  # keep sending while Redis is gone
                assert len(statuses) > served_before_down  # traffic went on
                await trio.to_thread.run_sync(redis_server.start)
                while health(store) != "up":
                    await trio.sleep(0.01)
                await trio.sleep(0.3)
                stop.set()
            assert statuses and set(statuses) == {200}
            assert store.counters.downs >= 1 and store.counters.ups >= 2
            # Affinity written after recovery is in Redis again.
            h = {"x-routeiq-conversation-id": "after-recovery"}
            r = await c.post("/v1/chat/completions", json=CHAT, headers=h)
            home = r.headers["x-routeiq-deployment"]
            while redis_server.command("EXISTS", "rt:aff:c:after-recovery") != b":1\r\n":
                await trio.sleep(0.01)
            assert home.encode() in redis_server.command("GET", "rt:aff:c:after-recovery")
