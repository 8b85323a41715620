"""An in-process A2A agent behind an httpx transport, for autojump-clock tests.

Real sockets cannot run on a virtual clock, so these tests hand the gateway an
``httpx.AsyncClient`` whose transport is this fake agent (the pattern of
httpx's ``MockTransport``): requests are answered by trio code, streams emit
events on the virtual clock, and the fake records the virtual time at which the
gateway closed each upstream stream, so a test can assert *when* it happened.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import trio

TASK_ID = "task-1"


def task(state: str) -> dict[str, Any]:
    return {"id": TASK_ID, "contextId": "ctx-1", "status": {"state": f"TASK_STATE_{state}"}}


def status(state: str) -> dict[str, Any]:
    return {
        "statusUpdate": {
            "taskId": TASK_ID,
            "contextId": "ctx-1",
            "status": {"state": f"TASK_STATE_{state}"},
        }
    }


Script = list[tuple[float, dict[str, Any]]]  # (delay before, result)


def working_forever(interval: float = 1.0) -> Script:
    return [(0.0, {"task": task("SUBMITTED")})] + [(interval, status("WORKING"))] * 10_000


class _Stream(httpx.AsyncByteStream):
    def __init__(self, agent: FakeAgent, rid: Any, script: Script, hold_open: bool) -> None:
        self.agent = agent
        self.rid = rid
        self.script = script
        self.hold_open = hold_open

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for delay, result in self.script:
            if delay:
                await trio.sleep(delay)
            body = orjson.dumps({"jsonrpc": "2.0", "id": self.rid, "result": result})
            yield b"data: " + body + b"\r\n\r\n"
        if self.hold_open:
            await trio.sleep_forever()

    async def aclose(self) -> None:
        self.agent.closed.append(trio.current_time())


@dataclass
class FakeAgent(httpx.AsyncBaseTransport):
    stream_script: Script = field(default_factory=working_forever)
    subscribe_script: Script = field(default_factory=working_forever)
    hold_open: bool = True
    calls: list[tuple[str, float]] = field(default_factory=list)
    closed: list[float] = field(default_factory=list)
    state: str = "WORKING"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(404)
        body = orjson.loads(await request.aread())
        method, rid = body.get("method"), body.get("id")
        self.calls.append((method, trio.current_time()))
        if method in ("SendStreamingMessage", "SubscribeToTask"):
            script = (
                self.stream_script if method == "SendStreamingMessage" else self.subscribe_script
            )
            stream = _Stream(self, rid, script, self.hold_open)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)
        if method == "CancelTask":
            self.state = "CANCELED"
            result: Any = task("CANCELED")
        elif method == "GetTask":
            result = task(self.state)
        elif method == "SendMessage":
            result = {"task": task("COMPLETED")}
        elif method == "ListTasks":
            result = {"tasks": [], "nextPageToken": "", "pageSize": 50, "totalSize": 0}
        else:
            err = {"code": -32601, "message": "Method not found"}
            return httpx.Response(200, json={"jsonrpc": "2.0", "id": rid, "error": err})
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": rid, "result": result})


async def public_resolver(host: str, port: int) -> list[str]:
    """Every test name resolves to a public documentation address."""
    return ["93.184.216.34"]
