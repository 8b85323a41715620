"""``/user/update``, ``/team/block|unblock``, ``/customer/block|unblock|list``, and a
blocked end customer or user refused on the request path.

Found by the outside-evaluator probe: these LiteLLM routes answered 404, and a
customer set ``"blocked": true`` with /customer/update was still served.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from routeiq.testing import Stack, running_stack
from tests.conftest import CHAT


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_stack(governance={"data_dir": str(tmp_path)}) as s:
        yield s


async def _post(c: httpx.AsyncClient, s: Stack, path: str, **body: Any) -> httpx.Response:
    return await c.post(f"{s.url}{path}", json=body, headers=s.headers)


async def _chat(c: httpx.AsyncClient, s: Stack, key: str | None = None, **extra: Any) -> int:
    auth = {"authorization": f"Bearer {key}"} if key else s.headers
    r = await c.post(f"{s.url}/v1/chat/completions", json={**CHAT, **extra}, headers=auth)
    return r.status_code


async def test_a_blocked_customer_is_refused(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        assert (await _post(c, s, "/customer/new", user_id="acme")).status_code == 200
        assert (await _post(c, s, "/customer/update", user_id="acme", blocked=True)).is_success
        r = await c.post(
            f"{s.url}/v1/chat/completions", json={**CHAT, "user": "acme"}, headers=s.headers
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "customer_blocked"
        assert await _chat(c, s, user="globex") == 200


async def test_customer_block_unblock_and_list(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        assert (await _post(c, s, "/customer/new", user_id="acme", blocked=True)).is_success
        assert await _chat(c, s, user="acme") == 403
        # LiteLLM's block/unblock, also for a customer never created
        r = await _post(c, s, "/customer/block", user_ids=["globex"])
        assert r.status_code == 200 and r.json() == {"blocked_users": ["globex"]}
        assert await _chat(c, s, user="globex") == 403
        r = await _post(c, s, "/customer/unblock", user_ids=["globex", "acme"])
        assert r.json() == {"unblocked_users": ["globex", "acme"]}
        assert await _chat(c, s, user="globex") == 200
        assert await _chat(c, s, user="acme") == 200
        r = await _post(c, s, "/customer/unblock", user_ids=["nobody"])
        assert r.status_code == 404
        listed = (await c.get(f"{s.url}/customer/list", headers=s.headers)).json()
        assert sorted(x["user_id"] for x in listed["customers"]) == ["acme", "globex"]


async def test_team_block_and_unblock(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        assert (await _post(c, s, "/team/new", team_id="t")).status_code == 200
        key = (await _post(c, s, "/key/generate", team_id="t")).json()["key"]
        assert await _chat(c, s, key) == 200
        r = await _post(c, s, "/team/block", team_id="t")
        assert r.status_code == 200 and r.json()["blocked"] is True
        assert await _chat(c, s, key) == 401
        assert (await _post(c, s, "/team/unblock", team_id="t")).status_code == 200
        assert await _chat(c, s, key) == 200
        assert (await _post(c, s, "/team/block", team_id="none")).status_code == 404


async def test_user_update_binds_the_users_keys(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        key = (await _post(c, s, "/user/new", user_id="u")).json()["key"]
        assert await _chat(c, s, key) == 200
        r = await _post(c, s, "/user/update", user_id="u", rpm_limit=1, user_email="u@x.test")
        assert r.status_code == 200, r.text
        assert r.json()["rpm_limit"] == 1 and r.json()["user_email"] == "u@x.test"
        assert await _chat(c, s, key) == 200
        assert await _chat(c, s, key) == 429  # the user's new limit binds its key
        assert (await _post(c, s, "/user/update", user_id="u", blocked=True)).is_success
        r = await c.post(
            f"{s.url}/v1/chat/completions", json=CHAT, headers={"authorization": f"Bearer {key}"}
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "user_blocked"
        assert (await _post(c, s, "/user/update", user_id="nobody")).status_code == 404
        assert (await _post(c, s, "/user/update", user_id="u", bogus=1)).status_code == 400
