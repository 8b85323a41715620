"""Concurrent runtime model edits: each is applied, none is lost, none is a 500.

Every edit first takes in the stored edits (``shared.sync()``), which replaced the
process's runtime models with the stored ones: an edit made meanwhile by another
request vanished (its ``/model/new`` then failed looking itself up: a 500), and a
delete answered 200 while its deployment came back."""

from __future__ import annotations

from typing import Any

import httpx

from routeiq.testing import running_stack
from tests.governance.test_admin_concurrency import concurrently


async def _names(c: httpx.AsyncClient) -> list[str]:
    data = (await c.get("/model/info")).json()["data"]
    return sorted(m["model_name"] for m in data if m["model_name"].startswith("m"))


async def test_eight_concurrent_adds_then_deletes_all_apply() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        base = s.gw.config.deployments[0].api_base

        def add(i: int) -> Any:
            params = {"model": "openai/x", "api_base": base, "api_key": "k"}
            return lambda: c.post(
                "/model/new", json={"model_name": f"m{i}", "litellm_params": params}
            )

        added = await concurrently([add(i) for i in range(8)])
        assert [r.status_code for r in added] == [200] * 8, [r.text[:200] for r in added]
        assert await _names(c) == [f"m{i}" for i in range(8)]
        chat = {"model": "m5", "messages": [{"role": "user", "content": "hi"}]}
        assert (await c.post("/v1/chat/completions", json=chat)).status_code == 200

        ids = [r.json()["model_info"]["id"] for r in added]
        deleted = await concurrently(
            [lambda i=i: c.post("/model/delete", json={"id": i}) for i in ids]
        )
        assert [r.status_code for r in deleted] == [200] * 8
        assert await _names(c) == []
