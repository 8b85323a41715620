"""Host names the IDNA codec refuses (a label over 63 characters, an empty label)
are refused by the SSRF guard like any unresolvable name: registering an agent or an
MCP server with one used to answer 500 (``UnicodeError`` from ``getaddrinfo``)."""

from __future__ import annotations

import httpx
import pytest
import trio

from routeiq.config import load_config
from routeiq.ssrf import SSRFBlocked, SSRFGuard, SSRFSettings
from routeiq.testing import AUTH, serve_gateway, surface_config

BAD_HOSTS = ["a" * 64 + ".example", "a..example", ".example", "x" * 300]


@pytest.mark.parametrize("host", BAD_HOSTS)
async def test_guard_refuses_names_idna_cannot_encode(host: str) -> None:
    with pytest.raises(SSRFBlocked, match="could not be resolved"):
        await SSRFGuard(SSRFSettings()).check_url(f"http://{host}/")


async def test_registering_one_is_a_403_not_a_500() -> None:
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, load_config(surface_config()))
        async with httpx.AsyncClient(base_url=url, headers=AUTH) as c:
            for path in ("/routeiq/a2a/agents", "/routeiq/mcp/servers"):
                for i, host in enumerate(BAD_HOSTS):
                    r = await c.post(path, json={"name": f"bad{i}", "url": f"http://{host}/"})
                    assert r.status_code == 403, (path, host, r.text)
                    assert r.json()["error"]["code"] == "ssrf_blocked"
        nursery.cancel_scope.cancel()
