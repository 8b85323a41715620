"""Item 6: /routeiq/info is admin-only, and duplicate slashes never route around a check.

Full URLs: httpx reads a relative ``//x/y`` as a network path (host ``x``)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import CHAT, MASTER_KEY, running_stack

USER_KEY = "sk-plain-user"
AUTH = {"keys": [{"key": USER_KEY, "name": "alice"}]}


@pytest.mark.parametrize(
    "path", ["/routeiq/info", "//routeiq/info", "/routeiq//info", "///routeiq/info"]
)
async def test_info_refuses_a_non_admin_key(path: str) -> None:
    async with running_stack(auth=AUTH) as s, httpx.AsyncClient() as c:
        r = await c.get(s.url + path, headers={"authorization": f"Bearer {USER_KEY}"})
        assert r.status_code == 403, r.text
        body = r.json()
        assert body["error"]["type"]
        assert "dep-a" not in r.text and "in_flight" not in r.text
        r = await c.get(s.url + path)
        assert r.status_code == 401
        r = await c.get(s.url + path, headers={"authorization": f"Bearer {MASTER_KEY}"})
        assert r.status_code == 200, r.text
        assert r.json()["models"]["gpt-test"] == ["dep-a"]


async def test_duplicate_slashes_route_like_single_ones() -> None:
    async with running_stack(auth=AUTH) as s, httpx.AsyncClient() as c:
        h = {"authorization": f"Bearer {USER_KEY}"}
        r = await c.post(s.url + "//v1//chat/completions", json=CHAT, headers=h)
        assert r.status_code == 200, r.text
        r = await c.get(s.url + "//health//live")  # exempt from auth, like /health/live
        assert r.status_code == 200
        r = await c.get(s.url + "//routeiq//cache/stats", headers=h)  # admin route: master only
        assert r.status_code == 403
