"""Two gateway instances sharing one real Redis: tasks created through one are readable,
cancellable and followable (pub/sub) through the other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import trio
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import CancelTaskRequest, GetTaskRequest, SubscribeToTaskRequest, TaskState

from tests.a2a.conftest import AUTH, Stack, a2a_stack
from tests.a2a.test_e2e import message, state_of


def redis_state(redis_url: str) -> dict[str, Any]:
    return {"backend": "redis", "redis_url": redis_url, "op_timeout": 1.0}


@asynccontextmanager
async def two_gateways(agent_url: str, redis_url: str) -> AsyncIterator[tuple[Stack, Stack]]:
    state = redis_state(redis_url)
    async with a2a_stack(agent_url, state) as a, a2a_stack(agent_url, state) as b:
        yield a, b


async def test_task_readable_and_cancellable_through_another_gateway(
    agent_url: str, redis_url: str
) -> None:
    async with two_gateways(agent_url, redis_url) as (a, b), httpx.AsyncClient(headers=AUTH) as h:
        config = ClientConfig(httpx_client=h, streaming=False)
        via_a = await create_client(f"{a.url}/a2a/echo", config)
        via_b = await create_client(f"{b.url}/a2a/echo", config)
        events = [ev async for ev in via_a.send_message(message("slow job", immediately=True))]
        task_id = events[0].task.id
        got = await via_b.get_task(GetTaskRequest(id=task_id))
        assert got.status.state == TaskState.TASK_STATE_WORKING
        canceled = await via_b.cancel_task(CancelTaskRequest(id=task_id))
        assert canceled.status.state == TaskState.TASK_STATE_CANCELED
        for stack in (a, b):
            record = await stack.gateway.tasks.get(task_id)
            assert record is not None and record.state == "canceled"


async def test_subscribe_on_another_gateway_gets_updates_by_pubsub(
    agent_url: str, redis_url: str
) -> None:
    async with two_gateways(agent_url, redis_url) as (a, b), httpx.AsyncClient(headers=AUTH) as h:
        config = ClientConfig(httpx_client=h, streaming=True)
        via_a = await create_client(f"{a.url}/a2a/echo", config)
        via_b = await create_client(f"{b.url}/a2a/echo", config)
        task_ids: list[str] = []
        seen_b: list[int | None] = []
        got_task = trio.Event()
        holders: list[str | None] = []

        async def stream_on_a() -> None:
            async for ev in via_a.send_message(message("slow stream")):
                if ev.HasField("task"):
                    task_ids.append(ev.task.id)
                    got_task.set()

        async def follow_on_b() -> None:
            async for ev in via_b.subscribe(SubscribeToTaskRequest(id=task_ids[0])):
                seen_b.append(state_of(ev))

        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(stream_on_a)
                await got_task.wait()
                nursery.start_soon(follow_on_b)
                while len(seen_b) < 4:
                    await trio.sleep(0.02)
                holders.append(await b.gateway.hub.holder(task_ids[0]))
                await via_b.cancel_task(CancelTaskRequest(id=task_ids[0]))
        # Gateway A relays the upstream stream; B only listens to A's events via Redis.
        assert holders[0] is not None and holders[0].startswith(a.gateway.hub.instance)
        # The stored snapshot first (submitted or working: B may subscribe that early).
        assert seen_b[0] in (TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING)
        assert seen_b[-1] == TaskState.TASK_STATE_CANCELED
        assert len(seen_b) >= 5


async def test_admin_registrations_reach_the_other_gateway(agent_url: str, redis_url: str) -> None:
    async with two_gateways(agent_url, redis_url) as (a, b), a.http() as ha, b.http() as hb:
        r = await ha.post("/routeiq/a2a/agents", json={"name": "echo2", "url": agent_url + "/"})
        assert r.status_code == 201
        with trio.fail_after(5):
            while b.gateway.registry.get("echo2") is None:
                await trio.sleep(0.01)
        r = await hb.get("/a2a/echo2/.well-known/agent-card.json")
        assert r.status_code == 200
        # A removal through B (even of an agent from the YAML) reaches A.
        r = await hb.delete("/routeiq/a2a/agents/echo")
        assert r.status_code == 200
        with trio.fail_after(5):
            while a.gateway.registry.get("echo") is not None:
                await trio.sleep(0.01)
        # A process that starts later catches up from the stored changes.
        async with a2a_stack(agent_url, redis_state(redis_url)) as c:
            assert sorted(c.gateway.registry.agents) == ["echo2"]
