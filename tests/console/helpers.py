"""Driving the console over HTTP like a browser: cookies, form tokens, redirects."""

from __future__ import annotations

import re
from typing import Any

import httpx
import trio

TOKEN = re.compile(r'name=csrf value="([^"]+)"')


def csrf_of(page: str) -> str:
    m = TOKEN.search(page)
    assert m is not None, "no CSRF token on the page"
    return m.group(1)


async def sign_in(c: httpx.AsyncClient, base: str, key: str) -> httpx.Response:
    """GET the form (sets the double-submit cookie), POST the key; answers the POST."""
    form = await c.get(f"{base}/ui/signin")
    assert form.status_code == 200
    return await c.post(
        f"{base}/ui/signin", data={"csrf": csrf_of(form.text), "key": key}, follow_redirects=False
    )


async def page_token(c: httpx.AsyncClient, base: str, path: str = "/ui/keys") -> str:
    r = await c.get(f"{base}{path}")
    assert r.status_code == 200, r.text
    return csrf_of(r.text)


async def asgi_get(app: Any, path: str, cookie: str) -> tuple[int, dict[bytes, bytes]]:
    """One GET through the ASGI app, no sockets (status, headers)."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
        "headers": [(b"host", b"gw"), (b"cookie", cookie.encode())],
    }
    sent: list[Any] = []
    done = False

    async def receive() -> Any:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await trio.sleep_forever()

    async def send(message: Any) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return int(start["status"]), dict(start["headers"])
