"""Concurrent admin writes lose nothing.

Each admin change reads a record, edits it and writes it back, with database
awaits in between; two at once used to both read the old record and the second
write erased the first (10 concurrent ``/team/member_add`` left 3 members, 4
concurrent ``/key/update`` of different fields kept one), and a create's "exists?"
check let two creates of one id both succeed."""

from __future__ import annotations

from typing import Any

import httpx
import trio

from routeiq.testing import running_stack


async def concurrently(calls: list[Any]) -> list[httpx.Response]:
    """Run the calls at once; their responses in the order they finished."""
    out: list[httpx.Response] = []

    async def one(call: Any) -> None:
        out.append(await call())

    async with trio.open_nursery() as nursery:
        for call in calls:
            nursery.start_soon(one, call)
    return out


async def test_concurrent_member_adds_and_key_updates_are_all_kept() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        assert (await c.post("/team/new", json={"team_id": "t"})).status_code == 200
        adds = [
            lambda i=i: c.post(
                "/team/member_add", json={"team_id": "t", "member": {"user_id": f"u{i}"}}
            )
            for i in range(10)
        ]
        assert {r.status_code for r in await concurrently(adds)} == {200}
        info = (await c.get("/team/info", params={"team_id": "t"})).json()["team_info"]
        assert sorted(m["user_id"] for m in info["members_with_roles"]) == sorted(
            f"u{i}" for i in range(10)
        )

        key = (await c.post("/key/generate", json={})).json()["key"]
        changes: list[dict[str, Any]] = [
            {"rpm_limit": 5},
            {"tpm_limit": 500},
            {"max_budget": 3.0},
            {"models": ["gpt-test"]},
        ]
        updates = [lambda ch=ch: c.post("/key/update", json={"key": key, **ch}) for ch in changes]
        assert {r.status_code for r in await concurrently(updates)} == {200}
        stored = (await c.get("/key/info", params={"key": key})).json()["info"]
        for ch in changes:
            for field, value in ch.items():
                assert stored[field] == value, (field, stored)


async def test_concurrent_creates_of_one_id_and_regenerates_of_one_key_succeed_once() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        teams = [
            lambda i=i: c.post("/team/new", json={"team_id": "same", "metadata": {"n": i}})
            for i in range(6)
        ]
        codes = sorted(r.status_code for r in await concurrently(teams))
        assert codes == [200] + [400] * 5, codes

        key = (await c.post("/key/generate", json={})).json()["key"]
        regens = [lambda: c.post("/key/regenerate", json={"key": key}) for _ in range(6)]
        answers = await concurrently(regens)
        fresh = [r.json()["key"] for r in answers if r.status_code == 200]
        assert len(fresh) == 1, [r.status_code for r in answers]  # one old key, one new key
