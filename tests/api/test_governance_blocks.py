"""A blocked end customer or user is refused on the request path.

Found by the outside-evaluator probe: a customer set ``"blocked": true`` with
/customer/update was still served.
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
