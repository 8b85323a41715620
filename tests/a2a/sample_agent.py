"""A sample A2A agent built with the official a2a-sdk (run as a subprocess).

The a2a-sdk server runs on asyncio, so it is served by uvicorn in its own
process: ``python tests/a2a/sample_agent.py PORT``. What it does depends on
the first word of the user's text:

- ``hello ...``: three "working" updates 20 ms apart, then completed ("echo: ...").
- ``slow ...``: a "working" update every 100 ms for a minute (to cancel or follow).
- ``ask ...``: input-required.
- ``fast``: completed at once (the relay bench).
- ``chunks N``: N steps 150 ms apart, each a "working" update ("step i") and an
  artifact chunk ("chunk<i>", appended to artifact ``out`` after the first), then completed.

``python tests/a2a/sample_agent.py PORT --only 1.0`` serves (and declares) only
the v1.0 protocol; ``--only 0.3`` declares only v0.3 and refuses v1.0 methods.

Extra routes for the SSRF tests: ``POST /to-metadata`` redirects (307) to the
cloud metadata address, ``POST /to-self`` redirects (307) back to ``/``.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import uvicorn
from a2a.helpers import new_task, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types.a2a_pb2 import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentSkill,
    Part,
    TaskState,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route


class Echo(AgentExecutor):
    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        text = context.get_user_input()
        assert context.task_id is not None and context.context_id is not None
        if context.current_task is None:
            await event_queue.enqueue_event(
                new_task(context.task_id, context.context_id, TaskState.TASK_STATE_SUBMITTED)
            )
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        await updater.start_work()
        word = text.split()[0] if text.split() else ""
        if word == "ask":
            await updater.requires_input(new_text_message("what else?"))
            return
        if word == "fast":  # for the relay bench: done at once
            await updater.complete(new_text_message("fast"))
            return
        if word == "chunks":
            for i in range(int(text.split()[1])):
                await asyncio.sleep(0.15)
                await updater.update_status(
                    TaskState.TASK_STATE_WORKING, new_text_message(f"step {i}")
                )
                await updater.add_artifact(
                    [Part(text=f"chunk{i}")], artifact_id="out", name="out", append=i > 0
                )
            await updater.complete(new_text_message("chunks done"))
            return
        steps, pause = (600, 0.1) if word == "slow" else (3, 0.02)
        for i in range(steps):
            await asyncio.sleep(pause)
            await updater.update_status(TaskState.TASK_STATE_WORKING, new_text_message(f"step {i}"))
        await updater.complete(new_text_message(f"echo: {text}"))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.task_id is not None and context.context_id is not None
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


_V1_METHODS = {b"SendMessage", b"SendStreamingMessage", b"GetTask", b"CancelTask",
               b"SubscribeToTask", b"ListTasks"}  # fmt: skip


class OnlyV03:
    """Refuses v1.0 JSON-RPC methods, as an agent that speaks only v0.3 would."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        first = await receive()
        body = first.get("body", b"")
        if any(b'"method":"' + m + b'"' in body.replace(b" ", b"") for m in _V1_METHODS):
            reply = b'{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"v0.3 only"}}'
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": reply})
            return
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return first
            return await receive()

        await self.app(scope, replay, send)


def build(port: int, only: str | None = None) -> Any:
    url = f"http://127.0.0.1:{port}/"
    versions = [only] if only else ["1.0", "0.3"]
    card = AgentCard(
        name="echo",
        description="Echoes text after a few working updates",
        version="1.0.0",
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version=v)
            for v in versions
        ],
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[AgentSkill(id="echo", name="Echo", description="echoes text", tags=["echo"])],
    )
    handler = DefaultRequestHandler(Echo(), InMemoryTaskStore(), card)

    async def to_metadata(request: Request) -> RedirectResponse:
        return RedirectResponse("http://169.254.169.254/latest/meta-data/", status_code=307)

    async def to_self(request: Request) -> RedirectResponse:
        return RedirectResponse("/", status_code=307)

    routes = [
        *create_agent_card_routes(card),
        *create_jsonrpc_routes(handler, "/", enable_v0_3_compat=only != "1.0"),
        Route("/to-metadata", to_metadata, methods=["POST"]),
        Route("/to-self", to_self, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    return OnlyV03(app) if only == "0.3" else app


if __name__ == "__main__":
    port = int(sys.argv[1])
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    uvicorn.run(build(port, only), host="127.0.0.1", port=port, log_level="warning")
