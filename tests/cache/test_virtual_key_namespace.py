"""The cache's per-key namespace of a virtual key is its id, not its alias.

Found by the outside-evaluator probe: a new key given a deleted key's alias was served
the deleted key's cached answers (the namespace was ``key:<alias>``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from routeiq.testing import Stack, running_stack
from tests.conftest import CHAT

QUESTION = {**CHAT, "temperature": 0}


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    """Keys in a database, the exact cache on (no embedding model needed)."""
    cache = {"enabled": True, "semantic": {"enabled": False}}
    async with running_stack(governance={"data_dir": str(tmp_path)}, cache=cache) as s:
        yield s


async def test_a_reused_alias_does_not_inherit_cached_answers(stack: Stack) -> None:
    s, question = stack, QUESTION
    async with httpx.AsyncClient(timeout=10) as c:
        url, gen = f"{s.url}/v1/chat/completions", f"{s.url}/key/generate"
        old = (await c.post(gen, json={"key_alias": "svc"}, headers=s.headers)).json()["key"]
        auth = {"authorization": f"Bearer {old}"}
        first = await c.post(url, json=question, headers=auth)
        again = await c.post(url, json=question, headers=auth)
        assert (first.headers["x-routeiq-cache"], again.headers["x-routeiq-cache"]) == (
            "miss",
            "hit-exact",
        )
        r = await c.post(f"{s.url}/key/delete", json={"keys": [old]}, headers=s.headers)
        assert r.status_code == 200
        new = (await c.post(gen, json={"key_alias": "svc"}, headers=s.headers)).json()["key"]
        r = await c.post(url, json=question, headers={"authorization": f"Bearer {new}"})
        assert r.status_code == 200
        assert r.headers["x-routeiq-cache"] == "miss"


async def test_the_flush_route_names_a_virtual_key_by_its_value_or_hash(stack: Stack) -> None:
    s, question = stack, QUESTION
    async with httpx.AsyncClient(timeout=10) as c:
        url, flush = f"{s.url}/v1/chat/completions", f"{s.url}/routeiq/cache/flush"
        made = (await c.post(f"{s.url}/key/generate", json={}, headers=s.headers)).json()
        auth = {"authorization": f"Bearer {made['key']}"}
        for ref in (made["key"], made["token"]):
            await c.post(url, json=question, headers=auth)
            hit = await c.post(url, json=question, headers=auth)
            assert hit.headers["x-routeiq-cache"] == "hit-exact"
            r = await c.post(flush, json={"key": ref}, headers=s.headers)
            assert r.status_code == 200, r.text
            after = await c.post(url, json=question, headers=auth)
            assert after.headers["x-routeiq-cache"] == "miss", ref
