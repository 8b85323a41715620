"""Item 4: the drain deadline ends open streams with a final error event, exactly on time."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import orjson
import trio
import trio.testing

from routeiq.asgi.backpressure import BackpressureMiddleware
from routeiq.asgi.types import Message, Receive, Scope, Send
from routeiq.lifecycle import Lifecycle
from routeiq.server import start_mock
from tests.conftest import CHAT_STREAM, MASTER_KEY
from tests.core.test_backpressure_drain import _start_gateway


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


async def test_sigterm_stream_past_the_drain_ends_with_an_error_event(tmp_path: Path) -> None:
    """The real process: the client reads a clean end (no broken read), last event an error."""
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        proc, url = await _start_gateway(tmp_path, base, drain=0.5)
        headers = {"authorization": f"Bearer {MASTER_KEY}"}
        long = {**CHAT_STREAM, "metadata": {"mock_chunks": 200, "mock_chunk_gap": 0.1}}
        got: list[str] = []
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=20) as c:
            async with c.stream("POST", "/v1/chat/completions", json=long) as r:
                async for line in r.aiter_lines():  # raises on an incomplete read
                    if line.startswith("data: "):
                        got.append(line)
                        if len(got) == 1:
                            proc.send_signal(signal.SIGTERM)
        assert 2 <= len(got) < 100
        assert orjson.loads(got[0][6:])["object"] == "chat.completion.chunk"
        last = orjson.loads(got[-1][6:])
        assert last["error"]["type"] == "server_shutting_down", got[-1]
        with trio.fail_after(15):
            assert await proc.wait() == 0
        nursery.cancel_scope.cancel()
