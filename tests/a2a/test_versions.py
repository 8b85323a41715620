"""A v0.3 client to a v1.0-only agent, and a v1.0 client (the a2a-sdk) to a
v0.3-only agent: the gateway translates both ways instead of failing.

The v1.0-only sample agent has no v0.3 compatibility layer (it answers v0.3
method names with "method not found"); the v0.3-only one declares v0.3 in its
card and refuses every v1.0 method. So each success below went through the
translation.
"""

from __future__ import annotations

from typing import Any

import httpx
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import GetTaskRequest, TaskState

from routeiq.a2a.versions import result_to_v03, result_to_v1, task_to
from tests.a2a.conftest import AUTH, a2a_stack
from tests.a2a.test_e2e import call, message, state_of

V03_MSG = {
    "kind": "message",
    "messageId": "v03-m",
    "role": "user",
    "parts": [{"kind": "text", "text": "hello old client"}],
}


async def sse_results(http: httpx.AsyncClient, body: dict[str, Any]) -> list[Any]:
    out = []
    async with http.stream("POST", "/a2a/echo", json=body) as s:
        async for line in s.aiter_lines():
            if line.startswith("data:"):
                out.append(httpx.Response(200, content=line[5:]).json())
    return out


async def test_agent_without_v03_refuses_it_directly(agent_v1_url: str) -> None:
    async with httpx.AsyncClient() as http:
        r = await http.post(agent_v1_url + "/", json=call(1, "message/send", {"message": V03_MSG}))
    assert r.json()["error"]["code"] == -32601  # what the gateway would relay untranslated


async def test_v03_client_to_v1_only_agent(agent_v1_url: str) -> None:
    async with a2a_stack(agent_v1_url) as stack, stack.http() as http:
        r = await http.post("/a2a/echo", json=call("s", "message/send", {"message": V03_MSG}))
        result = r.json()["result"]
        assert (result["kind"], result["status"]["state"]) == ("task", "completed")
        reply = result["status"]["message"]
        assert reply["role"] == "agent"
        assert reply["parts"] == [{"kind": "text", "text": "echo: hello old client"}]
        r = await http.post("/a2a/echo", json=call("g", "tasks/get", {"id": result["id"]}))
        got = r.json()["result"]
        assert (got["kind"], got["status"]["state"]) == ("task", "completed")
        record = await stack.gateway.tasks.get(result["id"])
        assert record is not None and (record.state, record.v03) == ("completed", True)
        msg = {**V03_MSG, "messageId": "v03-stream"}
        events = await sse_results(http, call(7, "message/stream", {"message": msg}))
        kinds = [e["result"]["kind"] for e in events]
        assert kinds == ["task"] + ["status-update"] * 5
        states = [e["result"]["status"]["state"] for e in events]
        assert states[0] == "submitted" and states[-1] == "completed"
        assert [e["result"].get("final") for e in events[1:]] == [False] * 4 + [True]


async def test_v1_sdk_client_to_v03_only_agent(agent_v03_url: str) -> None:
    async with a2a_stack(agent_v03_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        card = (await http.get(f"{stack.url}/a2a/echo/.well-known/agent-card.json")).json()
        assert [i["protocolVersion"] for i in card["supportedInterfaces"]] == ["1.0", "0.3"]
        upstream = stack.gateway.registry.upstream_cards["echo"]
        assert upstream is not None
        assert [i["protocolVersion"] for i in upstream["supportedInterfaces"]] == ["0.3"]
        # The gateway speaks 1.0 to its clients whatever the agent speaks.
        card_v1 = ClientConfig(httpx_client=http, streaming=True)
        client = await create_client(f"{stack.url}/a2a/echo", card_v1)
        states = [state_of(ev) async for ev in client.send_message(message("hello new client"))]
        assert states[0] == TaskState.TASK_STATE_SUBMITTED
        assert states[-1] == TaskState.TASK_STATE_COMPLETED
        raw = await http.post(
            f"{stack.url}/a2a/echo",
            json=call(1, "SendMessage", {"message": {"messageId": "m9", "role": "ROLE_USER",
                                                     "parts": [{"text": "hello raw"}]}}),
            headers={"a2a-version": "1.0"},
        )  # fmt: skip
        task = raw.json()["result"]["task"]
        assert task["status"]["state"] == "TASK_STATE_COMPLETED"
        assert task["status"]["message"]["parts"] == [{"text": "echo: hello raw"}]
        assert task["status"]["message"]["role"] == "ROLE_AGENT"
        got = await client.get_task(GetTaskRequest(id=task["id"]))
        assert got.status.state == TaskState.TASK_STATE_COMPLETED


def test_translation_round_trips() -> None:
    task_v1 = {
        "id": "t",
        "contextId": "c",
        "status": {
            "state": "TASK_STATE_WORKING",
            "message": {"messageId": "m", "role": "ROLE_AGENT", "parts": [{"text": "hi"}]},
        },
        "artifacts": [
            {
                "artifactId": "a",
                "parts": [
                    {"data": {"k": 1}},
                    {"url": "https://x/y.png", "mediaType": "image/png", "filename": "y.png"},
                    {"raw": "aGk=", "mediaType": "text/plain"},
                ],
            }
        ],
        "history": [{"messageId": "u", "role": "ROLE_USER", "parts": [{"text": "q"}]}],
    }
    v03 = task_to(task_v1, True)
    assert v03["kind"] == "task" and v03["status"]["state"] == "working"
    assert v03["artifacts"][0]["parts"][1] == {
        "kind": "file",
        "file": {"uri": "https://x/y.png", "mimeType": "image/png", "name": "y.png"},
    }
    assert v03["history"][0]["role"] == "user"
    assert result_to_v1(v03, bare_task=True) == task_v1
    assert result_to_v03({"task": task_v1}) == v03
    status = {"statusUpdate": {"taskId": "t", "contextId": "c",
                               "status": {"state": "TASK_STATE_INPUT_REQUIRED"}}}  # fmt: skip
    ev = result_to_v03(status)
    assert (ev["kind"], ev["status"]["state"], ev["final"]) == (
        "status-update",
        "input-required",
        True,
    )
    assert result_to_v1(ev) == status
    art = {"artifactUpdate": {"taskId": "t", "artifact": {"artifactId": "a",
           "parts": [{"text": "x"}]}, "append": True}}  # fmt: skip
    assert result_to_v1(result_to_v03(art)) == art


async def test_v1_client_follows_and_lists_a_task_a_v03_client_started(agent_url: str) -> None:
    from a2a.types.a2a_pb2 import ListTasksRequest, SubscribeToTaskRequest

    from tests.a2a.test_subscribe import CHUNKS, rebuild

    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        client = await create_client(
            f"{stack.url}/a2a/echo", ClientConfig(httpx_client=http, streaming=True)
        )
        msg = {
            **V03_MSG,
            "messageId": "v03-chunks",
            "parts": [{"kind": "text", "text": "chunks 8"}],
        }
        body = call(1, "message/stream", {"message": msg})
        followed = []
        # (create_client set "a2a-version: 1.0" on the shared httpx client.)
        v03 = {"a2a-version": "0.3"}
        async with http.stream("POST", f"{stack.url}/a2a/echo", json=body, headers=v03) as s:
            async for line in s.aiter_lines():
                if line.startswith("data:") and '"artifact-update"' in line:
                    task_id = httpx.Response(200, content=line[5:]).json()["result"]["taskId"]
                    async for ev in client.subscribe(SubscribeToTaskRequest(id=task_id)):
                        followed.append(ev)
                    break
        assert followed[0].HasField("task")  # v1.0 shape, though stored in v0.3's
        assert rebuild(followed) == CHUNKS
        listed = await client.list_tasks(ListTasksRequest())
        assert [t.id for t in listed.tasks] == [task_id]
        assert listed.tasks[0].status.state == TaskState.TASK_STATE_COMPLETED
