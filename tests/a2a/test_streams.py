"""Streaming on the autojump clock: event-by-event relay, keep-alive, idle timeout,
client disconnect and CancelTask closing the upstream at once, follower takeover."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import trio

from routeiq.a2a.gateway import A2AGateway
from routeiq.testing import AUTH, config_dict, in_process
from tests.a2a.fake_agent import TASK_ID, FakeAgent, public_resolver, status, task
from tests.mcp.asgi import Reply, call

HEADERS = {"content-type": "application/json", "a2a-version": "1.0", **AUTH}


def body(method: str, params: dict[str, Any], rid: Any = 1) -> bytes:
    return orjson.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})


STREAM = body("SendStreamingMessage", {"message": {"messageId": "m", "parts": [{"text": "x"}]}})


def events(reply: Reply) -> list[Any]:
    out = []
    for chunk in reply.chunks:
        for line in chunk.split(b"\n"):
            if line.startswith(b"data: "):
                out.append(orjson.loads(line[6:]))
    return out


def states(reply: Reply) -> list[str]:
    found = []
    for ev in events(reply):
        r = ev.get("result", {})
        st = (r.get("task") or r.get("statusUpdate") or {}).get("status", {}).get("state")
        found.append(st or "error")
    return found


@asynccontextmanager
async def gateway(fake: FakeAgent, **settings: Any) -> AsyncIterator[tuple[Any, A2AGateway]]:
    """The whole app in process, the fake agent its network (on the virtual clock)."""
    agents = [{"name": "fake", "url": "http://agent.test/"}]
    document = config_dict("http://agent.test/v1", a2a={"agents": agents, **settings})
    async with in_process(document, fake, resolver=public_resolver) as stack:
        yield stack.app, stack.gw.a2a


async def test_events_relayed_as_they_arrive_and_disconnect_closes_upstream(
    autojump_clock: object,
) -> None:
    fake = FakeAgent()
    async with gateway(fake) as (app, a2a):

        async def leave() -> None:
            await trio.sleep(2.5)

        reply = await call(app, "POST", "/a2a/fake", STREAM, HEADERS, disconnect=leave)
        assert reply.headers["content-type"] == "text/event-stream"
        assert reply.chunk_times == [0.0, 1.0, 2.0]  # no buffering: each event at once
        assert states(reply) == ["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING", "TASK_STATE_WORKING"]
        assert fake.closed == [2.5]  # the upstream stream closed the instant the client left
        assert await a2a.hub.holder(TASK_ID) is None  # relay lease released
        record = await a2a.tasks.get(TASK_ID)
        assert record is not None and record.state == "working"


async def test_cancel_task_ends_every_stream_and_closes_upstream(autojump_clock: object) -> None:
    fake = FakeAgent()
    async with gateway(fake) as (app, a2a):
        streamer, follower = Reply(), Reply()
        cancel_reply: list[Reply] = []

        async def follow() -> None:
            await trio.sleep(1.5)
            sub = body("SubscribeToTask", {"id": TASK_ID}, rid="f")
            await call(app, "POST", "/a2a/fake", sub, HEADERS, reply=follower)

        async def cancel() -> None:
            await trio.sleep(3.5)
            req = body("CancelTask", {"id": TASK_ID}, rid="c")
            cancel_reply.append(await call(app, "POST", "/a2a/fake", req, HEADERS))

        async with trio.open_nursery() as nursery:
            nursery.start_soon(follow)
            nursery.start_soon(cancel)
            await call(app, "POST", "/a2a/fake", STREAM, HEADERS, reply=streamer)
        assert cancel_reply[0].json()["result"]["status"]["state"] == "TASK_STATE_CANCELED"
        assert ("CancelTask", 3.5) in fake.calls  # the cancel reached the agent
        assert fake.closed == [3.5]  # and the upstream stream closed in the same instant
        for reply in (streamer, follower):
            assert reply.complete
            assert states(reply)[-1] == "TASK_STATE_CANCELED"
            assert reply.chunk_times[-1] == 3.5
        # The stored snapshot, the events relayed at t=2 and t=3, the cancel.
        assert follower.chunk_times == [1.5, 2.0, 3.0, 3.5]
        assert states(follower)[:3] == ["TASK_STATE_WORKING"] * 3
        assert [c for c in fake.calls if c[0] == "SubscribeToTask"] == []  # followed via pub/sub
        record = await a2a.tasks.get(TASK_ID)
        assert record is not None and record.state == "canceled"


async def test_keepalive_comments_during_silence(autojump_clock: object) -> None:
    script = [(0.0, {"task": task("SUBMITTED")}), (40.0, status("COMPLETED"))]
    fake = FakeAgent(stream_script=script, hold_open=False)
    async with gateway(fake, keepalive_interval=15.0) as (app, _):
        reply = await call(app, "POST", "/a2a/fake", STREAM, HEADERS)
    assert reply.chunk_times == [0.0, 15.0, 30.0, 40.0]
    assert reply.chunks[1] == reply.chunks[2] == b": keep-alive\n\n"
    assert states(reply) == ["TASK_STATE_SUBMITTED", "TASK_STATE_COMPLETED"]
    assert fake.closed == [40.0]


async def test_idle_upstream_times_out(autojump_clock: object) -> None:
    fake = FakeAgent(stream_script=[(0.0, {"task": task("SUBMITTED")})])
    async with gateway(fake, keepalive_interval=5.0, stream_idle_timeout=20.0) as (app, _):
        reply = await call(app, "POST", "/a2a/fake", STREAM, HEADERS)
    assert reply.chunk_times == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert b"event: error" in reply.chunks[-1]
    assert events(reply)[-1]["error"]["code"] == -32052
    assert fake.closed == [20.0]


async def test_follower_takes_over_when_the_relay_client_leaves(autojump_clock: object) -> None:
    fake = FakeAgent(
        subscribe_script=[
            (0.0, {"task": task("WORKING")}),
            (1.0, status("WORKING")),
            (1.0, status("COMPLETED")),
        ],
    )
    async with gateway(fake) as (app, _):
        follower = Reply()

        async def leave() -> None:
            await trio.sleep(2.2)

        async def follow() -> None:
            await trio.sleep(0.5)
            sub = body("SubscribeToTask", {"id": TASK_ID}, rid="f")
            await call(app, "POST", "/a2a/fake", sub, HEADERS, reply=follower)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(follow)
            await call(app, "POST", "/a2a/fake", STREAM, HEADERS, disconnect=leave)
    assert ("SubscribeToTask", 2.2) in fake.calls  # took over the moment the relay ended
    assert follower.complete
    # snapshot, 2 relayed events (t=1, t=2), then the new upstream's events, its own
    # first Task included (it holds what happened while nobody read the upstream)
    assert follower.chunk_times == [0.5, 1.0, 2.0, 2.2, 3.2, 4.2]
    assert list(events(follower)[3]["result"]) == ["task"]
    assert states(follower)[-1] == "TASK_STATE_COMPLETED"
