"""Driving the console over HTTP like a browser: cookies, form tokens, redirects."""

from __future__ import annotations

import re

import httpx

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
