"""OPTIONS: with no CORS configured there is no preflight to answer, so every
route says 405 with ``Allow`` in its surface's JSON error shape. Quart used to
answer its own routes 200 text/html with an empty body."""

from __future__ import annotations

import httpx
import pytest
import trio

from routeiq.config import load_config
from routeiq.testing import AUTH, serve_gateway, surface_config


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/routeiq/info", {"GET", "HEAD"}),  # Quart-Trio routes
        ("/routeiq/debug/tracemalloc/top", {"GET", "HEAD"}),
        ("/v1/chat/completions", None),  # the pure ASGI surfaces
        ("/v1/models", None),
    ],
)
async def test_options_is_a_json_405(path: str, allow: set[str] | None) -> None:
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, load_config(surface_config()))
        async with httpx.AsyncClient(base_url=url, headers=AUTH) as c:
            r = await c.options(path, headers={"origin": "https://example.com"})
        nursery.cancel_scope.cancel()
    assert r.status_code == 405, (path, r.status_code, r.headers, r.text)
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()["error"]) == {"message", "type", "code", "param"}
    assert "access-control-allow-origin" not in r.headers
    if allow is not None:
        assert {m.strip() for m in r.headers["allow"].split(",")} == allow
