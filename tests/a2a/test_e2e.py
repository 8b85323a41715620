"""End to end with the official a2a-sdk client, through the gateway, to an a2a-sdk agent."""

from __future__ import annotations

from typing import Any

import httpx
import trio
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import (
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    SubscribeToTaskRequest,
    TaskState,
)

from tests.a2a.conftest import AUTH, a2a_stack


def call(rid: object, method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}


def message(text: str, *, immediately: bool = False) -> SendMessageRequest:
    req = SendMessageRequest(
        message=Message(message_id=f"m-{text}", role=Role.ROLE_USER, parts=[Part(text=text)])
    )
    if immediately:
        req.configuration.CopyFrom(SendMessageConfiguration(return_immediately=True))
    return req


def state_of(ev: StreamResponse) -> int | None:
    if ev.HasField("task"):
        return ev.task.status.state
    if ev.HasField("status_update"):
        return ev.status_update.status.state
    return None


async def test_stream_get_and_card(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        client = await create_client(
            f"{stack.url}/a2a/echo", ClientConfig(httpx_client=http, streaming=True)
        )
        states = []
        async for ev in client.send_message(message("hello gateway")):
            states.append(state_of(ev))
            if ev.HasField("task"):
                task_id = ev.task.id
        assert states == [
            TaskState.TASK_STATE_SUBMITTED,
            TaskState.TASK_STATE_WORKING,
            TaskState.TASK_STATE_WORKING,
            TaskState.TASK_STATE_WORKING,
            TaskState.TASK_STATE_WORKING,
            TaskState.TASK_STATE_COMPLETED,
        ]
        task = await client.get_task(GetTaskRequest(id=task_id))
        assert task.status.state == TaskState.TASK_STATE_COMPLETED
        assert task.status.message.parts[0].text == "echo: hello gateway"
        record = await stack.gateway.tasks.get(task_id)
        assert record is not None
        assert (record.agent, record.state, record.v03) == ("echo", "completed", False)


async def test_send_without_streaming(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        client = await create_client(
            f"{stack.url}/a2a/echo", ClientConfig(httpx_client=http, streaming=False)
        )
        events = [ev async for ev in client.send_message(message("hello plain"))]
        assert len(events) == 1
        assert events[0].task.status.state == TaskState.TASK_STATE_COMPLETED
        record = await stack.gateway.tasks.get(events[0].task.id)
        assert record is not None and record.state == "completed"


async def test_cancel_reaches_agent_and_ends_every_stream(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        config = ClientConfig(httpx_client=http, streaming=True)
        streamer = await create_client(f"{stack.url}/a2a/echo", config)
        follower = await create_client(f"{stack.url}/a2a/echo", config)
        seen: dict[str, list[int | None]] = {"stream": [], "follow": []}
        got_task = trio.Event()
        task_ids: list[str] = []
        ended: dict[str, float] = {}

        async def stream() -> None:
            async for ev in streamer.send_message(message("slow work")):
                seen["stream"].append(state_of(ev))
                if ev.HasField("task"):
                    task_ids.append(ev.task.id)
                    got_task.set()
            ended["stream"] = trio.current_time()

        first_kind: list[str] = []

        async def follow() -> None:
            async for ev in follower.subscribe(SubscribeToTaskRequest(id=task_ids[0])):
                seen["follow"].append(state_of(ev))
                first_kind.append(ev.WhichOneof("payload") or "")
            ended["follow"] = trio.current_time()

        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(stream)
                await got_task.wait()
                nursery.start_soon(follow)
                while len(seen["follow"]) < 3:
                    await trio.sleep(0.02)
                t0 = trio.current_time()
                task = await streamer.cancel_task(CancelTaskRequest(id=task_ids[0]))
                assert task.status.state == TaskState.TASK_STATE_CANCELED
        for who in ("stream", "follow"):
            assert seen[who][-1] == TaskState.TASK_STATE_CANCELED, who
            assert ended[who] - t0 < 1.0, who
        assert first_kind[0] == "task"  # the stored snapshot first, then status updates
        assert set(first_kind[1:]) == {"status_update"}
        record = await stack.gateway.tasks.get(task_ids[0])
        assert record is not None and record.state == "canceled"
        # The agent itself canceled the task (not just the gateway's view).
        async with stack.http() as raw:
            body = call(1, "GetTask", {"id": task_ids[0]})
            r = await raw.post("/a2a/echo", headers={"a2a-version": "1.0"}, json=body)
        assert r.json()["result"]["status"]["state"] == "TASK_STATE_CANCELED"


async def test_v03_methods(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, stack.http() as http:
        msg = {
            "kind": "message",
            "messageId": "v03-1",
            "role": "user",
            "parts": [{"kind": "text", "text": "hello old client"}],
        }
        r = await http.post("/a2a/echo", json=call("s", "message/send", {"message": msg}))
        result = r.json()["result"]
        assert (result["kind"], result["status"]["state"]) == ("task", "completed")
        r = await http.post("/a2a/echo", json=call("g", "tasks/get", {"id": result["id"]}))
        assert r.json()["id"] == "g"
        assert r.json()["result"]["status"]["state"] == "completed"
        record = await stack.gateway.tasks.get(result["id"])
        assert record is not None and (record.state, record.v03) == ("completed", True)
        body = call(7, "message/stream", {"message": {**msg, "messageId": "v03-2"}})
        async with http.stream("POST", "/a2a/echo", json=body) as s:
            assert s.headers["content-type"] == "text/event-stream"
            kinds = [
                line for line in [ln async for ln in s.aiter_lines()] if line.startswith("data:")
            ]
        assert len(kinds) == 6
        assert '"final":true' in kinds[-1].replace(" ", "")
