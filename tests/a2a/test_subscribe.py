"""SubscribeToTask through the gateway starts from the task's whole current state.

The a2a-sdk client streams a task whose artifact arrives in 8 appended chunks;
a second a2a-sdk client subscribes part-way and rebuilds the artifact from its
events alone: the first event (a Task) must already hold the chunks so far,
also when the subscriber takes over the upstream stream after the streaming
client left, and when it subscribes after that.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import trio
from a2a.client import Client, ClientConfig, create_client
from a2a.types.a2a_pb2 import StreamResponse, SubscribeToTaskRequest, TaskState

from tests.a2a.conftest import AUTH, a2a_stack
from tests.a2a.test_e2e import message

CHUNKS = [f"chunk{i}" for i in range(8)]


def rebuild(events: Sequence[StreamResponse]) -> list[str]:
    """The text parts of artifact ``out`` as a client following only these events sees it."""
    parts: list[str] = []
    for ev in events:
        if ev.HasField("task"):
            found = [a for a in ev.task.artifacts if a.artifact_id == "out"]
            parts = [p.text for p in found[0].parts] if found else []
        elif ev.HasField("artifact_update"):
            u = ev.artifact_update
            texts = [p.text for p in u.artifact.parts]
            parts = parts + texts if u.append else texts
    return parts


def artifact_chunks(ev: StreamResponse) -> int:
    return 1 if ev.HasField("artifact_update") else 0


async def clients(url: str, http: httpx.AsyncClient) -> tuple[Client, Client]:
    config = ClientConfig(httpx_client=http, streaming=True)
    return (
        await create_client(f"{url}/a2a/echo", config),
        await create_client(f"{url}/a2a/echo", config),
    )


async def test_subscriber_rebuilds_the_whole_artifact(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        streamer, follower = await clients(stack.url, http)
        streamed: list[StreamResponse] = []
        followed: list[StreamResponse] = []
        three = trio.Event()

        async def stream() -> None:
            async for ev in streamer.send_message(message("chunks 8")):
                streamed.append(ev)
                if sum(map(artifact_chunks, streamed)) == 3:
                    three.set()

        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(stream)
                await three.wait()
                task_id = streamed[0].task.id
                async for ev in follower.subscribe(SubscribeToTaskRequest(id=task_id)):
                    followed.append(ev)
        assert rebuild(streamed) == CHUNKS
        first = followed[0]
        assert first.HasField("task")
        # The current state: the chunks so far, the status message and its history.
        assert rebuild([first]) == CHUNKS[: len(first.task.artifacts[0].parts)]
        assert len(first.task.artifacts[0].parts) >= 3
        assert first.task.status.message.parts[0].text.startswith("step ")
        assert first.task.status.HasField("timestamp")
        assert rebuild(followed) == CHUNKS
        assert followed[-1].status_update.status.state == TaskState.TASK_STATE_COMPLETED


async def test_subscriber_taking_over_rebuilds_the_whole_artifact(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        streamer, follower = await clients(stack.url, http)
        streamed: list[StreamResponse] = []
        followed: list[StreamResponse] = []
        two = trio.Event()

        async def stream_then_leave(cancel_scope: trio.CancelScope) -> None:
            with cancel_scope:
                async for ev in streamer.send_message(message("chunks 8")):
                    streamed.append(ev)
                    if sum(map(artifact_chunks, streamed)) == 2:
                        two.set()
                    if sum(map(artifact_chunks, streamed)) == 4:
                        cancel_scope.cancel()  # the streaming client disconnects

        async def follow() -> None:
            task_id = streamed[0].task.id
            async for ev in follower.subscribe(SubscribeToTaskRequest(id=task_id)):
                followed.append(ev)

        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                leave = trio.CancelScope()
                nursery.start_soon(stream_then_leave, leave)
                await two.wait()
                nursery.start_soon(follow)
        assert rebuild(streamed) == CHUNKS[:4]
        assert rebuild(followed) == CHUNKS
        assert followed[-1].status_update.status.state == TaskState.TASK_STATE_COMPLETED
        record = await stack.gateway.tasks.get(streamed[0].task.id)
        assert record is not None and record.state == "completed"


async def test_subscribing_after_the_streamer_left(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        streamer, follower = await clients(stack.url, http)
        streamed: list[StreamResponse] = []
        followed: list[StreamResponse] = []
        with trio.fail_after(20):
            async for ev in streamer.send_message(message("chunks 8")):
                streamed.append(ev)
                if sum(map(artifact_chunks, streamed)) == 2:
                    break  # the client leaves; nobody reads the upstream now
            await trio.sleep(0.4)  # the agent goes on producing chunks
            task_id = streamed[0].task.id
            async for ev in follower.subscribe(SubscribeToTaskRequest(id=task_id)):
                followed.append(ev)
        assert rebuild(followed[:1]) == CHUNKS[:2]  # the stored state, as the gateway saw it
        assert followed[1].HasField("task")  # then the agent's own, newer state
        assert len(followed[1].task.artifacts[0].parts) > 2
        assert rebuild(followed) == CHUNKS
