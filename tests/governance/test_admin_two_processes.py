"""Admin writes are atomic in the database, not just in one process.

Two gateways on one key database (each its own connection, as two processes
have) doing read-modify-writes of the same record at once: every
``/team/member_add`` and every ``/key/update`` of a different field is kept, and
two ``/team/new`` of one id leave one winner, and two ``/key/regenerate`` of one
key give one new secret (the other a 404), on SQLite and on PostgreSQL. The
in-process lock of ``governance_admin`` cannot order two gateways; before the
writes went through ``Database.modify`` the second write of a pair erased the
first. The database level is pinned too: two ``Database`` objects (two
connections) interleaving ``modify`` calls lose nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from routeiq.db import open_database
from routeiq.testing import Stack, running_stack
from tests.governance.test_admin_concurrency import concurrently


@asynccontextmanager
async def two_gateways(db_url: str, tmp_path: Path) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two gateways (own mock, own database connection) on one key database."""

    def shared(data: dict[str, Any]) -> None:
        if db_url.startswith("postgres"):
            data["general_settings"]["database_url"] = db_url
        data["routeiq"]["governance"] = {"data_dir": str(tmp_path / "shared")}

    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            s: Stack = await stack.enter_async_context(running_stack(edit=shared))
            c = httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=60)
            clients.append(await stack.enter_async_context(c))
        yield clients


async def test_two_gateways_lose_no_admin_write(db_url: str, tmp_path: Path) -> None:
    async with two_gateways(db_url, tmp_path) as (a, b):
        assert (await a.post("/team/new", json={"team_id": "t"})).status_code == 200
        adds = [
            lambda i=i: (a, b)[i % 2].post(
                "/team/member_add", json={"team_id": "t", "member": {"user_id": f"u{i}"}}
            )
            for i in range(12)
        ]
        assert {r.status_code for r in await concurrently(adds)} == {200}
        info = (await b.get("/team/info", params={"team_id": "t"})).json()["team_info"]
        members = sorted(m["user_id"] for m in info["members_with_roles"])
        assert members == sorted(f"u{i}" for i in range(12))

        key = (await a.post("/key/generate", json={})).json()["key"]
        changes: list[dict[str, Any]] = [
            {"rpm_limit": 5},
            {"tpm_limit": 500},
            {"max_budget": 3.0},
            {"models": ["gpt-test"]},
            {"key_alias": "both"},
            {"max_parallel_requests": 2},
        ]
        updates = [
            lambda i=i, ch=ch: (a, b)[i % 2].post("/key/update", json={"key": key, **ch})
            for i, ch in enumerate(changes)
        ]
        assert {r.status_code for r in await concurrently(updates)} == {200}
        stored = (await a.get("/key/info", params={"key": key})).json()["info"]
        for ch in changes:
            for name, value in ch.items():
                assert stored[name] == value, (name, stored)

        old = (await a.post("/key/generate", json={"rpm_limit": 7})).json()["key"]
        regens = [lambda c=c: c.post("/key/regenerate", json={"key": old}) for c in (a, b)]
        answers = await concurrently(regens)
        assert sorted(r.status_code for r in answers) == [200, 404]  # one takes over the key
        new = next(r for r in answers if r.status_code == 200).json()["key"]
        assert (await b.get("/key/info", params={"key": new})).json()["info"]["rpm_limit"] == 7
        assert (await b.get("/key/info", params={"key": old})).status_code == 404

        creates = [lambda c=c: c.post("/team/new", json={"team_id": "once"}) for c in (a, b)] * 2
        statuses = sorted(r.status_code for r in await concurrently(creates))
        assert statuses == [200, 400, 400, 400]


async def test_modify_on_two_connections_is_atomic(db_url: str, tmp_path: Path) -> None:
    one, two = open_database(db_url, tmp_path), open_database(db_url, tmp_path)
    await one.open()
    await two.open()
    try:
        await one.put("team", "t", {"members": []})

        def add(name: str) -> Any:
            def edit(current: dict[str, Any] | None, spend: float) -> dict[str, Any]:
                assert current is not None
                return {"members": [*current["members"], name]}

            return edit

        async with trio.open_nursery() as nursery:
            for i in range(20):
                db = (one, two)[i % 2]
                nursery.start_soon(db.modify, "team", "t", add(f"m{i}"))
        row = await two.get("team", "t")
        assert row is not None
        assert sorted(row.data["members"]) == sorted(f"m{i}" for i in range(20))  # type: ignore[index]

        def refuse(current: dict[str, Any] | None, spend: float) -> dict[str, Any]:
            raise ValueError("no")

        with pytest.raises(ValueError):
            await one.modify("team", "t", refuse)
        after = await one.get("team", "t")
        assert after is not None and after.data == row.data and after.seq == row.seq
    finally:
        await one.close()
        await two.close()
