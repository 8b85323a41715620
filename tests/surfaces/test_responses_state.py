"""Stored responses: tenant binding over the real server, TTL on the virtual clock."""

from __future__ import annotations

from typing import Any

import httpx
import trio
import trio.testing

from routeiq.asgi.types import RequestContext
from routeiq.state import MemoryStore
from routeiq.surfaces.responses_store import Conversations, tenant_of
from tests.conftest import running_stack

KEYS = [
    {"key": "sk-team-a", "name": "a", "team": "alpha"},
    {"key": "sk-team-a2", "name": "a2", "team": "alpha"},
    {"key": "sk-team-b", "name": "b", "team": "beta"},
]


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def test_another_tenant_gets_404_on_every_route() -> None:
    async with running_stack(auth={"keys": KEYS}) as s:
        async with httpx.AsyncClient(base_url=s.url, timeout=30) as c:
            body = {"model": "gpt-test", "input": "mine"}
            r = await c.post("/v1/responses", json=body, headers=auth("sk-team-a"))
            assert r.status_code == 200, r.text
            rid = r.json()["id"]
            # the same team (another key) continues and reads it
            again = {**body, "previous_response_id": rid}
            ok = await c.post("/v1/responses", json=again, headers=auth("sk-team-a2"))
            assert ok.status_code == 200
            assert (
                await c.get(f"/v1/responses/{rid}", headers=auth("sk-team-a2"))
            ).status_code == 200
            other = auth("sk-team-b")
            for method, path in [
                ("GET", f"/v1/responses/{rid}"),
                ("GET", f"/v1/responses/{rid}/input_items"),
                ("DELETE", f"/v1/responses/{rid}"),
            ]:
                r = await c.request(method, path, headers=other)
                assert r.status_code == 404, (method, path)
                assert r.json()["error"]["type"] == "not_found_error"
            r = await c.post("/v1/responses", json=again, headers=other)
            assert r.status_code == 404
            assert r.json()["error"]["param"] == "previous_response_id"
            # still there for its owner
            assert (
                await c.get(f"/v1/responses/{rid}", headers=auth("sk-team-a"))
            ).status_code == 200


async def test_stored_response_expires_after_its_ttl(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore()
    convo = Conversations(store, ttl=60.0)
    ctx = RequestContext("r", 0.0)
    ctx.team = "alpha"
    tenant = tenant_of(ctx)
    async with trio.open_nursery() as nursery:
        await nursery.start(store.run)
        t0 = trio.current_time()
        await convo.save(tenant, {"id": "resp_1"}, [], [{"role": "user", "content": "x"}])
        await trio.sleep_until(t0 + 59.9)
        assert (await convo.load(tenant, "resp_1")) is not None
        assert (await convo.load("team:beta", "resp_1")) is None
        await trio.sleep_until(t0 + 60.1)
        assert (await convo.load(tenant, "resp_1")) is None
        nursery.cancel_scope.cancel()


def _two_deployments(cfg: dict[str, Any]) -> None:
    first = cfg["model_list"][0]
    twin = {**first, "model_info": {"id": "dep-b"}}
    cfg["model_list"].append(twin)


async def test_a_chain_keeps_its_deployment() -> None:
    async with running_stack(edit=_two_deployments) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            starts = set()
            for chain in range(12):
                r = await c.post("/v1/responses", json={"model": "gpt-test", "input": f"c{chain}"})
                assert r.status_code == 200
                dep = r.headers["x-routeiq-deployment"]
                starts.add(dep)
                prev = r.json()["id"]
                for turn in range(3):
                    body = {"model": "gpt-test", "input": f"t{turn}", "previous_response_id": prev}
                    r = await c.post("/v1/responses", json=body)
                    assert r.headers["x-routeiq-deployment"] == dep, (chain, turn)
                    prev = r.json()["id"]
            assert starts == {"dep-a", "dep-b"}  # new chains do spread over both
