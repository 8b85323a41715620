"""LeanConnectionPool: httpcore's pool with a bookkeeping pass that does not poll
every idle socket on every request, checked against real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import httpcore
import httpx
import pytest
import trio

from routeiq.llm.pool import LeanConnectionPool, lean_transport
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import start_mock

LIMIT = 30


def chat(latency: float = 0.0) -> dict[str, Any]:
    return {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {"mock_latency": latency},
    }


def pool_of(client: httpx.AsyncClient) -> LeanConnectionPool:
    transport = client._transport
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    pool = transport._pool
    assert isinstance(pool, LeanConnectionPool)
    return pool


async def post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> None:
    r = await client.post(url, json=body)
    assert r.status_code == 200


async def wave(client: httpx.AsyncClient, base: str, n: int, latency: float) -> None:
    """``n`` requests at once, each held ``latency`` s by the mock: ``n`` connections."""
    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(post, client, base + "/chat/completions", chat(latency))


@asynccontextmanager
async def mock_and_client(
    max_connections: int, max_keepalive: int
) -> AsyncIterator[tuple[MockUpstream, str, httpx.AsyncClient, LeanConnectionPool]]:
    """The in-process mock upstream and a client on a lean pool, torn down after."""
    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            mock, base = await start_mock(nursery, MockSettings())
            async with client_with(
                max_connections=max_connections, max_keepalive_connections=max_keepalive
            ) as client:
                yield mock, base, client, pool_of(client)
            nursery.cancel_scope.cancel()


def client_with(**limits: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=lean_transport(limits=httpx.Limits(**limits)), timeout=10)


def test_adopt_keeps_settings_and_refuses_other_pools() -> None:
    transport = lean_transport(limits=httpx.Limits(max_connections=7, max_keepalive_connections=3))
    pool = transport._pool
    assert isinstance(pool, LeanConnectionPool)
    assert (pool._max_connections, pool._max_keepalive_connections) == (7, 3)
    with pytest.raises(TypeError):
        LeanConnectionPool.adopt(pool)  # already adopted: not a plain httpcore pool


async def test_concurrent_requests_reuse_connections_within_the_limit() -> None:
    async with mock_and_client(4, 4) as (mock, base, client, pool):
        peak = 0
        statuses: list[int] = []

        async def one() -> None:
            nonlocal peak
            r = await client.post(base + "/chat/completions", json=chat(0.02))
            statuses.append(r.status_code)
            peak = max(peak, len(pool._connections))

        for _ in range(5):  # five waves of 12: requests queue for the 4 connections
            async with trio.open_nursery() as burst:
                for _ in range(12):
                    burst.start_soon(one)
        assert statuses == [200] * 60
        assert peak <= 4
        assert len(pool._connections) <= 4
        assert all(c.is_idle() for c in pool._connections)
        assert mock.stats.requests >= 60


async def test_surplus_idle_connections_are_closed() -> None:
    async with mock_and_client(10, 2) as (_, base, client, pool):
        await wave(client, base, 8, 0.05)
        # Every request end re-runs the pass: at most 2 idle ones are kept.
        assert len(pool._connections) <= 2


async def test_a_connection_the_server_closed_is_never_handed_out() -> None:
    """The server answers once per connection, then closes it without saying so."""
    accepted = 0

    async def one_answer_then_close(stream: trio.SocketStream) -> None:
        nonlocal accepted
        accepted += 1
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = await stream.receive_some(65536)
            if not chunk:
                return
            data += chunk
        body = b'{"ok":true}'
        await stream.send_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body)
        )
        await stream.aclose()  # keep-alive promised, connection closed anyway

    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            listeners = await nursery.start(
                partial(trio.serve_tcp, one_answer_then_close, 0, host="127.0.0.1")
            )
            port = listeners[0].socket.getsockname()[1]
            async with client_with(max_connections=4, max_keepalive_connections=4) as client:
                pool = pool_of(client)
                for _ in range(5):
                    r = await client.get(f"http://127.0.0.1:{port}/")
                    assert r.status_code == 200
                    await trio.sleep(0.05)  # the server's close reaches our socket
                assert accepted == 5  # a new connection each time, no failed request
                assert len(pool._connections) <= 1
            nursery.cancel_scope.cancel()


async def test_idle_connection_past_keepalive_expiry_is_closed_by_the_sweep() -> None:
    async with mock_and_client(4, 4) as (_, base, client, pool):
        await wave(client, base, 3, 0.05)
        assert len(pool._connections) == 3
        for conn in pool._connections:  # make their keep-alive run out
            inner = conn._connection  # type: ignore[attr-defined]
            assert isinstance(inner, httpcore.AsyncHTTP11Connection)
            inner._expire_at = 0.0
        pool._next_sweep = 0.0  # the next pass is a sweep
        r = await client.post(base + "/chat/completions", json=chat())
        assert r.status_code == 200
        assert len(pool._connections) == 1  # three expired, one new


async def test_a_pass_does_not_scan_the_pool_for_every_queued_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """200 requests queue for 8 connections: a pass looks at each connection a
    bounded number of times, not once per queued request (that pass was
    quadratic and took most of the gateway's CPU at 1,000 in flight)."""
    looks = 0
    passes = 0
    conn_cls = httpcore.AsyncHTTPConnection
    for name in ("can_handle_request", "is_available"):
        original = getattr(conn_cls, name)

        def counted(self: Any, *args: Any, _original: Any = original) -> Any:
            nonlocal looks
            looks += 1
            return _original(self, *args)

        monkeypatch.setattr(conn_cls, name, counted)
    assign = LeanConnectionPool._assign_requests_to_connections

    def counted_pass(self: LeanConnectionPool) -> Any:
        nonlocal passes
        passes += 1
        return assign(self)

    monkeypatch.setattr(LeanConnectionPool, "_assign_requests_to_connections", counted_pass)
    async with mock_and_client(8, 8) as (_, base, client, pool):
        await wave(client, base, 200, 0.01)
        assert len(pool._connections) <= 8
    # At most every connection once per pass (plus a few for origins); the old
    # pass made up to 8 looks for each of up to 192 queued requests.
    assert looks <= 2 * 8 * passes, (looks, passes)


async def test_a_request_leaves_in_one_socket_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Header block and body go out together (routeiq/llm/coalesce.py); httpcore
    alone wrote them separately: two system calls a request."""
    from httpcore._backends.trio import TrioStream

    writes: list[int] = []
    original = TrioStream.write

    async def counted(self: TrioStream, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        writes.append(len(buffer))
        await original(self, buffer, timeout)

    monkeypatch.setattr(TrioStream, "write", counted)
    async with mock_and_client(2, 2) as (_, base, client, _pool):
        for _ in range(5):
            await post(client, base + "/chat/completions", chat())
        r = await client.get(base + "/models")  # no body: the headers alone, on reading
        assert r.status_code == 200
    assert len(writes) == 6, writes
    assert all(n > 200 for n in writes[:5])  # header block and JSON body in each


async def test_a_sweep_polls_a_bounded_number_of_sockets_per_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """40 idle connections past their keep-alive: a sweep polls at most
    ``sweep_batch`` (16) of them in one pass and goes on in the next, so all 40 are
    gone after 3 passes; one pass used to poll all of them (one syscall each, in
    whichever request's step ran the pass)."""
    polls: list[int] = []
    original = httpcore.AsyncHTTP11Connection.has_expired

    def counted(self: httpcore.AsyncHTTP11Connection) -> bool:
        polls[-1] += 1
        return original(self)

    async with mock_and_client(64, 64) as (_, base, client, pool):
        await wave(client, base, 40, 0.05)
        assert len(pool._connections) == 40
        for conn in pool._connections:
            inner = conn._connection  # type: ignore[attr-defined]
            assert isinstance(inner, httpcore.AsyncHTTP11Connection)
            inner._expire_at = 0.0
        monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "has_expired", counted)
        pool._next_sweep = 0.0  # the next pass starts a sweep
        remaining = []
        for _ in range(4):
            polls.append(0)
            closing = pool._assign_requests_to_connections()
            await pool._close_connections(closing)
            remaining.append(len(pool._connections))
        assert polls == [16, 16, 8, 0], polls  # the fourth: the sweep ended, none due yet
        assert remaining == [24, 8, 0, 0]
