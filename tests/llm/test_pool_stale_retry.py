"""The keep-alive race: an upstream closes an idle connection just as the gateway
reuses it. A request that fails on a reused connection before any byte of the
answer arrived goes once more on a new connection; never a request on a new
connection, never one whose answer had begun, never a body that cannot be sent
again. Against a real socket server that closes connections on cue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial

import httpx
import orjson
import pytest
import trio

from routeiq.config import load_config
from routeiq.llm.pool import lean_transport
from routeiq.testing import AUTH, CHAT, completion, config_dict, serve_gateway

OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
COMPLETION = orjson.dumps(completion("hello"))
CHAT_OK = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
    % len(COMPLETION)
    + COMPLETION
)


@dataclass
class Server:
    """Answers requests until the connection's ``fail_at``-th (1-based), then, for
    that one, sends ``partial`` (maybe nothing) and closes the connection."""

    fail_at: int
    partial: bytes = b""
    answer: bytes = OK
    connections: int = 0
    bodies: list[bytes] = field(default_factory=list)

    async def handle(self, stream: trio.SocketStream) -> None:
        self.connections += 1
        buf = b""
        served = 0
        async with stream:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = await stream.receive_some(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buf) < length:
                    buf += await stream.receive_some(65536)
                body, buf = buf[:length], buf[length:]
                self.bodies.append(body)
                served += 1
                if served >= self.fail_at:
                    if self.partial:
                        await stream.send_all(self.partial)
                    return  # closes the connection
                await stream.send_all(self.answer)


@asynccontextmanager
async def serving(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, server.handle, 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        transport = lean_transport(limits=httpx.Limits(keepalive_expiry=30.0))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", transport=transport) as c:
            yield c
        nursery.cancel_scope.cancel()


async def test_a_reused_connection_closed_before_answering_is_retried_on_a_new_one() -> None:
    server = Server(fail_at=2)  # the second request on a connection finds it closed
    async with serving(server) as c:
        with trio.fail_after(30):
            assert (await c.post("/v1/chat", content=b'{"n": 1}')).status_code == 200
            r = await c.post("/v1/chat", content=b'{"n": 2}')
    assert r.status_code == 200 and r.json() == {}
    assert server.connections == 2  # the retry took a new connection
    assert server.bodies == [b'{"n": 1}', b'{"n": 2}', b'{"n": 2}']  # sent whole, once more


async def test_a_new_connection_that_fails_is_not_retried() -> None:
    server = Server(fail_at=1)
    async with serving(server) as c:
        with trio.fail_after(30), pytest.raises(httpx.RemoteProtocolError):
            await c.post("/v1/chat", content=b'{"n": 1}')
    assert (server.connections, len(server.bodies)) == (1, 1)


async def test_no_retry_once_the_answer_has_begun() -> None:
    server = Server(fail_at=2, partial=b"HTTP/1.1 200 OK\r\n")
    async with serving(server) as c:
        with trio.fail_after(30):
            assert (await c.post("/v1/chat", content=b"{}")).status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                await c.post("/v1/chat", content=b"{}")
    assert (server.connections, len(server.bodies)) == (1, 2)


async def test_a_streamed_body_is_not_sent_twice() -> None:
    server = Server(fail_at=2)

    async def upload() -> AsyncIterator[bytes]:
        yield b'{"part": 1}'

    async with serving(server) as c:
        with trio.fail_after(30):
            assert (await c.post("/v1/chat", content=b"{}")).status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                await c.post("/v1/chat", content=upload(), headers={"content-length": "11"})
    assert (server.connections, len(server.bodies)) == (1, 2)


async def test_the_retry_fails_like_any_request_when_the_new_connection_fails_too() -> None:
    server = Server(fail_at=2)
    async with serving(server) as c:
        with trio.fail_after(30):
            assert (await c.post("/v1/chat", content=b"{}")).status_code == 200
            server.fail_at = 1  # every connection from now on closes at once
            with pytest.raises(httpx.RemoteProtocolError):
                await c.post("/v1/chat", content=b"{}")
    assert (server.connections, len(server.bodies)) == (2, 3)  # one retry, not more


async def test_through_the_gateway_the_race_is_no_error_and_no_breaker_failure() -> None:
    server = Server(fail_at=2, answer=CHAT_OK)
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, server.handle, 0, host="127.0.0.1"))
        base = f"http://127.0.0.1:{listeners[0].socket.getsockname()[1]}/v1"
        url, gw = await serve_gateway(nursery, load_config(config_dict(base)))
        async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=30) as c:
            with trio.fail_after(30):
                answers = [await c.post("/v1/chat/completions", json=CHAT) for _ in range(2)]
        nursery.cancel_scope.cancel()
    assert [r.status_code for r in answers] == [200, 200]
    assert [r.headers.get("x-routeiq-attempts", "1") for r in answers] == ["1", "1"]
    assert server.connections == 2 and len(server.bodies) == 3  # the pool's retry, below
    breaker = gw.router.breakers.breakers["dep-a"]
    assert breaker.window_counts(gw.router.clock())[1] == 0  # no failure recorded
