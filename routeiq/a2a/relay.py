"""Streaming: relay an upstream agent's SSE to a client, and follow a task's events.

:func:`relay` reads the upstream stream in one task (``_pump``) and forwards
each event to the client as soon as it is complete (no buffering), updating
the task store and publishing the event on the task's hub channel on the way.
A keep-alive comment goes out after ``keepalive_interval`` of silence, and the
stream fails after ``stream_idle_timeout``. Once the task id is known the
relay takes the task's relay lease and listens on the channel for a cancel:
CancelTask (on any gateway process) ends the stream with a final ``canceled``
event and closes the upstream connection at once.

The caller runs the relay in a nursery next to a disconnect watcher: when the
client goes away the whole relay is cancelled, which closes the upstream
response (``async with`` exits) and, in a shielded cleanup, releases the lease
and announces ``end`` so a follower can take over the upstream stream.

:func:`follow` serves SubscribeToTask: the task's stored snapshot first (kept
whole: every status and artifact update is applied to it, see
:mod:`routeiq.a2a.snapshot`), then the events some relay publishes, skipping
those already in the snapshot (each carries the record's update count); if no
relay holds the lease it becomes the relay itself (upstream
``SubscribeToTask``) and forwards the agent's own first Task too, which holds
whatever happened while nobody read the upstream.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import trio

from routeiq import jsonrpc as rpc
from routeiq.a2a.hub import ClientSSE, TaskHub, channel, control_channel
from routeiq.a2a.settings import A2ASettings, AgentSpec
from routeiq.a2a.store import TaskRecord, TaskStore
from routeiq.a2a.tasks import (
    TERMINAL,
    InvalidTransition,
    snapshot_event,
    status_event,
    update_from_result,
    wire_state,
)
from routeiq.a2a.upstream import AgentClient, parse_reply, read_limited
from routeiq.a2a.versions import converter, task_to
from routeiq.llm.sse import SSEFramer, event_data

log = logging.getLogger("routeiq.a2a")

Item = tuple[str, Any]  # ("event", obj | RpcError) | ("cancel", state) | ("eof", None)


@dataclass
class Deps:
    """What the streaming code needs from the gateway."""

    settings: A2ASettings
    client: AgentClient
    tasks: TaskStore
    hub: TaskHub


@dataclass
class _Relay:
    spec: AgentSpec
    sse: ClientSSE
    v03: bool
    owner: str
    task_id: str | None = None
    context_id: str | None = None
    tenant: str = ""
    convert: Callable[[Any], Any] | None = None  # agent's version -> the client's
    leased: bool = False
    terminal: bool = False


def _is_reply(obj: Any) -> bool:
    return isinstance(obj, dict) and (("result" in obj) != isinstance(obj.get("error"), dict))


async def _pump(response: httpx.Response, out: trio.MemorySendChannel[Item]) -> None:
    framer = SSEFramer()
    async with out:
        try:
            async for chunk in response.aiter_raw():
                for block in framer.feed(chunk):
                    for data in event_data(block):
                        try:
                            await out.send(("event", orjson.loads(data)))
                        except orjson.JSONDecodeError:
                            err = rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, "Invalid event from agent")
                            await out.send(("event", err))
        except (httpx.HTTPError, ValueError) as exc:
            await out.send(
                ("event", rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, f"Stream broke: {exc}"))
            )
        await out.send(("eof", None))


async def _control(
    deps: Deps,
    task_id: str,
    out: trio.MemorySendChannel[Item],
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    async with out, deps.hub.store.subscribe(control_channel(task_id)) as sub:
        task_status.started()
        async for raw in sub:
            msg = orjson.loads(raw)
            if msg.get("t") == "cancel":
                await out.send(("cancel", msg.get("s")))
                return


async def _renew(deps: Deps, r: _Relay) -> None:
    assert r.task_id is not None
    while True:
        await trio.sleep(deps.settings.relay_lease_seconds / 3)
        r.leased = await deps.hub.acquire(r.task_id, r.owner)


Control = tuple[trio.Nursery, trio.MemorySendChannel[Item]] | None


async def _on_task(deps: Deps, r: _Relay, control: Control) -> None:
    """The task id is known: lease, control listener, lease renewal."""
    assert r.task_id is not None
    if control is None:
        return  # a single JSON answer: nothing to control
    nursery, send = control
    r.leased = await deps.hub.acquire(r.task_id, r.owner)
    await nursery.start(_control, deps, r.task_id, send.clone())
    nursery.start_soon(_renew, deps, r)


async def _event(deps: Deps, r: _Relay, obj: Any, control: Control) -> bool:
    """Forward one upstream event; ``True`` when the stream is over."""
    if isinstance(obj, rpc.RpcError):
        await r.sse.error(obj)
        return True
    if not _is_reply(obj):
        msg = f"Agent {r.spec.name!r} sent an invalid JSON-RPC event"
        await r.sse.error(rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, msg))
        return True
    reply: dict[str, Any] = obj
    if "error" in reply:
        e = reply["error"]
        await r.sse.error(
            rpc.RpcError(e.get("code", rpc.INTERNAL_ERROR), str(e.get("message")), e.get("data"))
        )
        return True
    result = reply["result"] if r.convert is None else r.convert(reply["result"])
    up = update_from_result(result, r.v03)
    if up is None:
        await r.sse.result(result)
        return False
    first = r.task_id is None
    if first:
        r.task_id, r.context_id = up.task_id, up.context_id
    # Every event changes the stored task (status message, artifact chunk), which
    # a later subscriber's first event must show. Recorded before the client sees
    # it, so a client that subscribes at once finds the task.
    seq: int | None = None
    try:
        seq = (await deps.tasks.apply(r.spec.name, up, r.v03, r.tenant)).seq
    except InvalidTransition as exc:
        log.warning("agent %s, task %s: %s", r.spec.name, up.task_id, exc)
    await deps.hub.publish(up.task_id, {"t": "event", "r": result, "n": seq})
    await r.sse.result(result)
    if first:  # the lease and the cancel listener can wait until the client has it
        await _on_task(deps, r, control)
    if up.state in TERMINAL or (r.v03 and result.get("final") is True):
        r.terminal = True
    return r.terminal


async def _forward(
    deps: Deps, r: _Relay, items: trio.MemoryReceiveChannel[Item], control: Control
) -> None:
    s = deps.settings
    last = trio.current_time()
    waited: trio.CancelScope | None
    while True:
        try:  # a burst of buffered events needs no timer
            kind, value = items.receive_nowait()
            await trio.lowlevel.checkpoint()
        except trio.WouldBlock:
            with trio.move_on_after(s.keepalive_interval) as waited:
                kind, value = await items.receive()  # senders end with "eof", never closed
        else:
            waited = None
        if waited is not None and waited.cancelled_caught:
            if trio.current_time() - last >= s.stream_idle_timeout:
                msg = f"Agent {r.spec.name!r} sent nothing for {s.stream_idle_timeout:g} s"
                await r.sse.error(rpc.RpcError(rpc.UPSTREAM_TIMEOUT, msg))
                return
            await r.sse.keepalive()
            continue
        last = trio.current_time()
        if kind == "eof":
            return
        if kind == "cancel":
            assert r.task_id is not None
            await r.sse.result(status_event(r.task_id, r.context_id, value or "canceled", r.v03))
            r.terminal = True
            return
        if await _event(deps, r, value, control):
            return


async def relay(
    deps: Deps,
    spec: AgentSpec,
    payload: dict[str, Any],
    headers: dict[str, str],
    sse: ClientSSE,
    v03: bool,
    *,
    task_id: str | None = None,
    context_id: str | None = None,
    owner: str | None = None,
    tenant: str = "",
    convert: Callable[[Any], Any] | None = None,
) -> None:
    """Relay one upstream stream to ``sse`` (see the module docstring).

    ``task_id``: the task is known (a follower taking over, holding the lease
    as ``owner``). ``tenant``: who a task created by this stream belongs to."""
    r = _Relay(spec, sse, v03, owner or f"{deps.hub.instance}:{uuid.uuid4().hex[:8]}")
    r.tenant, r.convert = tenant, convert
    try:
        async with deps.client.open(spec, payload, headers) as response:
            if "text/event-stream" not in response.headers.get("content-type", ""):
                raw = await read_limited(response, 16 * 1024 * 1024)
                obj = parse_reply(spec, response.status_code, raw)
                await _event(deps, r, obj, None)
                return
            await sse.start()
            # The relay keeps ``send`` open; the pump and the control listener
            # use clones, so nothing can close the channel under a clone().
            send, items = trio.open_memory_channel[Item](16)
            async with send, trio.open_nursery() as nursery:
                nursery.start_soon(_pump, response, send.clone())
                if task_id is not None:
                    r.task_id, r.context_id = task_id, context_id
                    await _on_task(deps, r, (nursery, send))
                await _forward(deps, r, items, (nursery, send))
                nursery.cancel_scope.cancel()  # closes the upstream stream now
    except rpc.RpcError as err:
        await sse.error(err)
    finally:
        with trio.CancelScope(shield=True), trio.move_on_after(2.0):
            if r.task_id is not None:
                await deps.hub.release(r.task_id, r.owner)
                if not r.terminal:
                    await deps.hub.publish(r.task_id, {"t": "end"})


def _placeholder(rec: TaskRecord) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "id": rec.id,
        "contextId": rec.context_id or "",
        "status": {"state": wire_state(rec.state, rec.v03)},
    }
    if rec.v03:
        snap["kind"] = "task"
    return snap


async def follow(
    deps: Deps,
    spec: AgentSpec,
    rec: TaskRecord,
    method: str,
    headers: dict[str, str],
    sse: ClientSSE,
    v03: bool,
    convert: Callable[[Any], Any] | None = None,
) -> None:
    """SubscribeToTask (see the module docstring). ``method``: the upstream's name
    for it; ``convert``: the agent's events into the client's version."""
    s = deps.settings
    me = f"{deps.hub.instance}:{uuid.uuid4().hex[:8]}"
    seen: int | None = None  # the update count of the snapshot sent
    while True:
        async with deps.hub.store.subscribe(channel(rec.id)) as sub:
            if seen is None:
                # Read after subscribing: an event is then either in this snapshot
                # (its count <= seen) or arrives on the subscription.
                current = await deps.tasks.get(rec.id) or rec
                seen = current.seq
                snap = current.snapshot or _placeholder(current)
                if current.v03 != v03:  # created by a client of the other version
                    snap = task_to(snap, v03)
                await sse.result(snapshot_event(snap, v03))
                if current.state in TERMINAL:
                    return
            if await deps.hub.acquire(rec.id, me):
                break  # nobody relays this task: become its relay (keeping the lease)
            while True:
                with trio.move_on_after(s.keepalive_interval) as waited:
                    raw = await sub.__anext__()
                if waited.cancelled_caught:
                    await sse.keepalive()
                    if await deps.hub.holder(rec.id) is None:
                        break  # the relay vanished without a word: take over
                    continue
                msg = orjson.loads(raw)
                kind = msg.get("t")
                if kind == "event":
                    n = msg.get("n")
                    if isinstance(n, int) and n <= seen:
                        continue  # already in the snapshot sent
                    event = msg["r"] if rec.v03 == v03 else converter(v03)(msg["r"])
                    await sse.result(event)
                    up = update_from_result(event, v03)
                    if up is not None and up.state in TERMINAL:
                        return
                elif kind == "cancel":
                    await sse.result(
                        status_event(rec.id, rec.context_id, msg.get("s") or "canceled", v03)
                    )
                    return
                elif kind == "end":
                    break
        latest = await deps.tasks.get(rec.id)
        if latest is None or latest.state in TERMINAL:
            return
    payload = {"jsonrpc": "2.0", "id": uuid.uuid4().hex, "method": method, "params": {"id": rec.id}}
    await relay(
        deps,
        spec,
        payload,
        headers,
        sse,
        v03,
        task_id=rec.id,
        context_id=rec.context_id,
        owner=me,
        tenant=rec.tenant,
        convert=convert,
    )
