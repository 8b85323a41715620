"""A stored runtime model that this gateway's config checks refuse (say, an
``api_base`` whose host DNS cannot carry, accepted by older versions) is skipped at
start-up with a warning naming it; the other stored models are still served and
``/model/new`` still works. One such entry used to make the whole stored set fail
to load, and every later ``/model/new`` answered 400 for the other entry's error."""

from __future__ import annotations

import httpx

from routeiq.testing import running_stack

BAD_BASE = "http://" + "a" * 64 + ".example/v1"


async def test_a_refused_stored_entry_is_skipped_not_fatal() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        base = s.gw.config.deployments[0].api_base
        params = {"model": "openai/x", "api_base": base, "api_key": "k"}
        r = await c.post("/model/new", json={"model_name": "keep-me", "litellm_params": params})
        assert r.status_code == 200, r.text
        db = s.gw.shared_models.db
        assert db is not None
        row = await db.get("config", "models")
        assert row is not None and row.data is not None
        stored = dict(row.data)
        bad = {"model_name": "old-bad", "litellm_params": {**params, "api_base": BAD_BASE}}
        bad["model_info"] = {"id": "old-bad-id"}
        stored["runtime"] = {**stored["runtime"], "old-bad-id": bad}
        await db.put("config", "models", stored)  # as an older gateway stored it

    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        names = {m["model_name"] for m in (await c.get("/model/info")).json()["data"]}
        assert "keep-me" in names and "old-bad" not in names, names
        params = {"model": "openai/x", "api_base": "http://127.0.0.1:9/v1", "api_key": "k"}
        r = await c.post("/model/new", json={"model_name": "after", "litellm_params": params})
        assert r.status_code == 200, r.text
