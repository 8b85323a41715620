"""Item 2: unfinished request bodies get a 408 after body_timeout and never hold a slot."""

from __future__ import annotations

from typing import Any

import httpx
import trio
import trio.testing

from routeiq.asgi.body_gate import BodyGate
from routeiq.asgi.types import Message, Receive, Scope, Send
from tests.conftest import CHAT, MASTER_KEY, running_stack


async def test_gate_answers_408_at_exactly_the_body_timeout(
    autojump_clock: trio.testing.MockClock,
) -> None:
    reached: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(True)

    parts = [{"type": "http.request", "body": b"123456789", "more_body": True}]

    async def trickle() -> Message:
        if parts:
            return parts.pop()
        await trio.sleep_forever()
        raise AssertionError

    sent: list[tuple[float, Message]] = []

    async def send(message: Message) -> None:
        sent.append((trio.current_time(), message))

    scope: dict[str, Any] = {"type": "http", "headers": [(b"content-length", b"100")]}
    await BodyGate(app, 1024, 30.0)(scope, trickle, send)
    assert not reached
    assert sent[0][0] == 30.0
    start = sent[0][1]
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]
    assert b"request_timeout" in sent[1][1]["body"]


async def test_gate_replays_a_complete_body() -> None:
    seen: list[bytes] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((await receive())["body"])

    chunks = [
        {"type": "http.request", "body": b"b", "more_body": False},
        {"type": "http.request", "body": b"a", "more_body": True},
    ]

    async def receive() -> Message:
        return chunks.pop()

    async def send(message: Message) -> None:
        raise AssertionError(message)

    await BodyGate(app, 1024, 30.0)({"type": "http", "headers": []}, receive, send)
    assert seen == [b"ab"]


SLOW = (
    b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n"
    b"authorization: Bearer " + MASTER_KEY.encode() + b"\r\n"
    b'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":'
)


async def test_slow_bodies_from_one_client_do_not_block_another() -> None:
    """max_in_flight 4 and 10 sockets stuck mid-body: other requests still succeed,
    and the stuck ones get a 408 (before: every other request was a 503)."""
    server = {"max_in_flight": 4, "body_timeout": 2.0}
    async with running_stack(server=server) as s:
        host, port = s.url.removeprefix("http://").split(":")
        stuck = []
        for _ in range(10):
            sock = await trio.open_tcp_stream(host, int(port))
            await sock.send_all(SLOW)
            stuck.append(sock)
        await trio.sleep(0.5)  # the gateway has read every header by now
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            for _ in range(10):
                r = await c.post("/v1/chat/completions", json=CHAT)
                assert r.status_code == 200, r.text
        with trio.fail_after(20):
            for sock in stuck:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = await sock.receive_some(4096)
                    assert data, head
                    head += data
                assert head.startswith(b"HTTP/1.1 408"), head
                await sock.aclose()
        assert s.gw.lifecycle.in_flight == 0
