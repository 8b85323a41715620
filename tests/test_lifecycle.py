"""Item 4: the drain deadline ends open streams with a final error event, exactly on time."""

from __future__ import annotations

import orjson
import trio
import trio.testing

from routeiq.asgi.backpressure import BackpressureMiddleware
from routeiq.asgi.types import Message, Receive, Scope, Send
from routeiq.lifecycle import Lifecycle


async def endless_stream(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"content-type", b"text/event-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    while True:
        await send({"type": "http.response.body", "body": b"data: {}\n\n", "more_body": True})
        await trio.sleep(1.0)


async def never_answers(scope: Scope, receive: Receive, send: Send) -> None:
    await trio.sleep_forever()


async def run_one(
    mw: BackpressureMiddleware, sent: list[tuple[float, Message]], *, task_status: object
) -> None:
    async def send(message: Message) -> None:
        sent.append((trio.current_time(), message))

    async def receive() -> Message:
        await trio.sleep_forever()
        raise AssertionError

    task_status.started()  # type: ignore[attr-defined]
    await mw({"type": "http", "path": "/v1/chat/completions"}, receive, send)


async def test_drain_deadline_cuts_streams_exactly_with_a_final_event(
    autojump_clock: trio.testing.MockClock,
) -> None:
    lc = Lifecycle(10)
    stream_sent: list[tuple[float, Message]] = []
    silent_sent: list[tuple[float, Message]] = []
    # fail_after: before the fix the cut requests ran on forever (virtual time)
    with trio.fail_after(100), trio.CancelScope() as outer:
        async with trio.open_nursery() as n:
            await n.start(
                run_one, BackpressureMiddleware(endless_stream, lc, frozenset(), 1), stream_sent
            )
            await n.start(
                run_one, BackpressureMiddleware(never_answers, lc, frozenset(), 1), silent_sent
            )
            await trio.sleep(0.25)
            assert lc.in_flight == 2
            t0 = trio.current_time()
            assert await lc.drain(grace=2.5) is False
            assert trio.current_time() - t0 == 2.5  # no hidden extra
    assert not outer.cancelled_caught
    assert lc.in_flight == 0 and lc.cut_requests == 2
    *_, (t_event, event), (t_end, end) = stream_sent
    assert t_event == t_end == 2.75
    assert event["more_body"] is True
    body = orjson.loads(event["body"].removeprefix(b"data: "))
    assert body["error"]["type"] == "server_shutting_down"
    assert end == {"type": "http.response.body", "body": b"", "more_body": False}
    (t_start, start), (_, whole) = silent_sent
    assert t_start == 2.75 and start["status"] == 503
    assert orjson.loads(whole["body"])["error"]["code"] == "server_shutting_down"


# The real process (SIGTERM, a stream past drain_seconds): tests/core/test_backpressure_drain.py
# test_drain_deadline_cuts_long_streams_and_exits_zero.
