"""/a2a/{agent} JSON-RPC in-process: error codes, batches, notifications, limits, fuzz."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq.a2a.store import RateLimiter
from routeiq.testing import AUTH
from tests.a2a.fake_agent import TASK_ID, FakeAgent
from tests.a2a.test_streams import HEADERS, gateway
from tests.mcp.asgi import call, check_jsonrpc_reply

SEND = {"message": {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "hi"}]}}


async def post(app: Any, payload: Any, path: str = "/a2a/fake") -> Any:
    raw = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return await call(app, "POST", path, raw, HEADERS)


def rpc(method: str, params: Any = None, rid: Any = 1) -> dict[str, Any]:
    out: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if rid is not ...:
        out["id"] = rid
    if params is not None:
        out["params"] = params
    return out


async def test_error_codes() -> None:
    async with gateway(FakeAgent()) as (app, _):
        cases = [
            (b"{oops", -32700, None),
            (orjson.dumps([]), -32600, None),
            (orjson.dumps({"jsonrpc": "2.0", "id": 3}), -32600, 3),
            (orjson.dumps(rpc("NoSuchMethod")), -32601, 1),
            (orjson.dumps(rpc("GetTask", [1, 2])), -32602, 1),
            (orjson.dumps(rpc("GetTask", {})), -32602, 1),
            (orjson.dumps(rpc("SendMessage", {"nope": 1})), -32602, 1),
            (orjson.dumps(rpc("GetTask", {"id": "unknown"})), -32001, 1),
            (orjson.dumps(rpc("tasks/cancel", {"id": "unknown"})), -32001, 1),
        ]
        for raw, code, rid in cases:
            r = await post(app, raw)
            assert r.status == 200, raw
            check_jsonrpc_reply(r.json())
            assert (r.json()["error"]["code"], r.json()["id"]) == (code, rid), raw
        r = await post(app, rpc("SendMessage", SEND), path="/a2a/nobody")
        assert r.json()["error"] == {"code": -32050, "message": "No agent named 'nobody'"}


async def test_batch_and_notifications() -> None:
    fake = FakeAgent()
    async with gateway(fake) as (app, a2a):
        r = await post(
            app,
            [
                rpc("SendMessage", SEND, "a"),
                rpc("NoSuch", None, "b"),
                7,
                rpc("SendStreamingMessage", SEND, "c"),
            ],
        )
        out = r.json()
        check_jsonrpc_reply(out)
        assert [o["id"] for o in out] == ["a", "b", None, "c"]
        assert out[0]["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
        assert [o.get("error", {}).get("code") for o in out] == [None, -32601, -32600, -32600]
        record = await a2a.tasks.get(TASK_ID)
        assert record is not None and record.state == "completed"
        # Only notifications: processed, nothing to answer.
        r = await post(app, [rpc("SendMessage", SEND, ...)])
        assert (r.status, r.body) == (204, b"")
        assert [c[0] for c in fake.calls] == ["SendMessage", "SendMessage"]


async def test_tasks_are_scoped_to_their_agent_and_get_refreshes() -> None:
    fake = FakeAgent()
    async with gateway(fake) as (app, a2a):
        await post(app, rpc("SendMessage", SEND))
        fake.state = "COMPLETED"
        r = await post(app, rpc("GetTask", {"id": TASK_ID}, "g"))
        expected = {
            "id": TASK_ID,
            "contextId": "ctx-1",
            "status": {"state": "TASK_STATE_COMPLETED"},
        }
        assert r.json() == {"jsonrpc": "2.0", "id": "g", "result": expected}
        record = await a2a.tasks.get(TASK_ID)
        assert record is not None and record.agent == "fake"
        # A task of another agent is "not found" here (no cross-agent access).
        await a2a.tasks.apply("other", record_update("t-other"), False)
        r = await post(app, rpc("GetTask", {"id": "t-other"}))
        assert r.json()["error"]["code"] == -32001


def record_update(tid: str) -> Any:
    from routeiq.a2a.tasks import TaskUpdate

    return TaskUpdate(tid, None, "working", None)


async def test_subscribe_to_terminal_task_is_refused() -> None:
    async with gateway(FakeAgent()) as (app, _):
        await post(app, rpc("SendMessage", SEND))  # the fake completes at once
        r = await post(app, rpc("SubscribeToTask", {"id": TASK_ID}))
        assert r.headers["content-type"] == "text/event-stream"
        assert b"event: error" in r.body
        data = orjson.loads(r.body.split(b"data: ", 1)[1])
        assert data["error"]["code"] == -32004


async def test_per_agent_rate_limit() -> None:
    async with gateway(FakeAgent(), rate_limit_rpm=2) as (app, a2a):
        a2a.limiter = RateLimiter(a2a.store, clock=lambda: 120.0 + 20.0)
        codes = []
        for _ in range(3):
            r = await post(app, rpc("SendMessage", SEND))
            codes.append(r.json().get("error", {}).get("code"))
        assert codes == [None, None, -32053]
        assert r.json()["error"]["data"] == {"retryAfterSeconds": 40.0}


async def test_upstream_failures_become_jsonrpc_errors() -> None:
    class Broken(FakeAgent):
        async def handle_async_request(self, request: Any) -> Any:
            import httpx

            if request.method == "GET":
                return httpx.Response(404)
            return httpx.Response(502, content=b"<html>bad gateway</html>")

    async with gateway(Broken()) as (app, _):
        r = await post(app, rpc("SendMessage", SEND))
        assert r.status == 200
        assert r.json()["error"]["code"] == -32051
        assert "invalid JSON-RPC response (HTTP 502)" in r.json()["error"]["message"]


async def test_cards() -> None:
    async with gateway(FakeAgent()) as (app, _):
        r = await call(
            app, "GET", "/a2a/fake/.well-known/agent-card.json", headers={**AUTH, "host": "gw:8"}
        )
        card = r.json()
        assert card["supportedInterfaces"] == [  # both: the gateway translates
            {"url": "http://gw:8/a2a/fake", "protocolBinding": "JSONRPC", "protocolVersion": v}
            for v in ("1.0", "0.3")
        ]
        r = await call(app, "GET", "/.well-known/agent-card.json", headers={**AUTH, "host": "gw:8"})
        gw_card = r.json()
        assert [s["id"] for s in gw_card["skills"]] == ["fake"]
        directory = gw_card["capabilities"]["extensions"][0]["params"]["agents"]
        card_url = "http://gw:8/a2a/fake/.well-known/agent-card.json"
        assert directory == [{"name": "fake", "url": "http://gw:8/a2a/fake", "card": card_url}]
        r = await call(app, "GET", "/a2a/nobody/.well-known/agent-card.json", headers=AUTH)
        assert r.status == 404
        r = await call(app, "PUT", "/a2a/fake", headers=AUTH)
        assert r.status == 405


async def test_too_large_body() -> None:
    async with gateway(FakeAgent(), max_body_bytes=64) as (app, _):
        r = await post(app, rpc("SendMessage", {"message": {"x": "y" * 100}}))
        assert r.status == 413
        check_jsonrpc_reply(r.json())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=6),
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "jsonrpc",
                    "id",
                    "method",
                    "params",
                    "message",
                    "taskId",
                    "metadata",
                    "agent",
                    "pageSize",
                    "pageToken",
                    "historyLength",
                    "status",
                    "contextId",
                ]
            ),
            c,
            max_size=5,
        )
    ),
    max_leaves=10,
)
methods = st.sampled_from(
    [
        "SendMessage",
        "GetTask",
        "CancelTask",
        "ListTasks",
        "message/send",
        "tasks/get",
        "SubscribeToTask",
        "SendStreamingMessage",
        "x",
    ]
)


PATHS = ("/a2a/fake", "/a2a")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=json_values, method=methods, params=json_values)
async def test_fuzz_any_json_gets_jsonrpc_answer(value: Any, method: str, params: Any) -> None:
    fake = FakeAgent(
        stream_script=[(0.0, {"task": {"id": "t", "status": {}}})],
        hold_open=False,
        subscribe_script=[],
    )
    async with gateway(fake) as (app, _):
        shaped = rpc(method, params)
        # The agent's endpoint and the gateway's own (which routes to an agent).
        for obj, path in [(o, p) for o in (value, shaped, [shaped, value]) for p in PATHS]:
            r = await post(app, obj, path)
            assert r.status in (200, 204), r.body
            if r.status == 204:
                assert r.body == b""
            elif r.headers["content-type"] == "text/event-stream":
                for line in r.body.split(b"\n"):
                    if line.startswith(b"data: "):
                        check_jsonrpc_reply(orjson.loads(line[6:]))
            else:
                check_jsonrpc_reply(r.json())
