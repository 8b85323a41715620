"""SSRF at registration and at call time, and redirects, against the real sample agent."""

from __future__ import annotations

import orjson

from routeiq.testing import AUTH, config_dict, in_process
from tests.a2a.conftest import a2a_stack
from tests.a2a.fake_agent import FakeAgent
from tests.mcp.asgi import call

SEND = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "SendMessage",
    "params": {"message": {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "hello"}]}},
}


async def test_redirect_to_metadata_refused_and_same_host_redirect_followed(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, stack.http() as http:
        for name, path in (("meta", "/to-metadata"), ("loop", "/to-self")):
            r = await http.post("/routeiq/a2a/agents", json={"name": name, "url": agent_url + path})
            assert r.status_code == 201, r.text
        headers = {"a2a-version": "1.0"}
        r = await http.post("/a2a/meta", json=SEND, headers=headers)
        err = r.json()["error"]
        assert err["code"] == -32054
        assert "169.254.169.254 (metadata address)" in err["message"]
        r = await http.post("/a2a/loop", json=SEND, headers=headers)
        assert r.json()["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"


async def test_registration_refuses_forbidden_urls(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, stack.http() as http:
        for url, reason in [
            ("http://169.254.169.254/", "metadata"),
            ("http://192.168.0.10:8080/", "private"),
            ("http://[::1]:9/", "loopback"),
            ("http://127.0.0.9:9/", "loopback"),
        ]:
            r = await http.post("/routeiq/a2a/agents", json={"name": "evil", "url": url})
            assert r.status_code == 403, url
            assert f"({reason} address)" in r.json()["error"]["message"]
        r = await http.post("/routeiq/a2a/agents", json={"name": "x", "url": "ftp://example.com/"})
        assert r.status_code == 400
        r = await http.get("/routeiq/a2a/agents")
        assert [a["name"] for a in r.json()["agents"]] == ["echo"]
        r = await http.get("/routeiq/a2a/agents", headers={"authorization": "Bearer nope"})
        assert r.status_code == 401


async def test_call_time_check_catches_dns_change() -> None:
    answers = {"agent.test": "93.184.216.34"}

    async def resolver(host: str, port: int) -> list[str]:
        return [answers[host]]

    document = config_dict(
        "http://agent.test/v1",
        a2a={"agents": [{"name": "fake", "url": "http://agent.test/"}]},
        ssrf={"cache_seconds": 0},
    )
    headers = {"a2a-version": "1.0", **AUTH}
    async with in_process(document, FakeAgent(), resolver=resolver) as stack:
        app, a2a = stack.app, stack.gw.a2a
        assert a2a.registry.get("fake") is not None
        r = await call(app, "POST", "/a2a/fake", orjson.dumps(SEND), headers)
        assert "result" in r.json()
        answers["agent.test"] = "10.0.0.8"  # the name now points inside the network
        r = await call(app, "POST", "/a2a/fake", orjson.dumps(SEND), headers)
        assert r.json()["error"]["code"] == -32054
        assert "10.0.0.8 (private address)" in r.json()["error"]["message"]
