"""The lean RESP connection the admission script call uses (routeiq.governance.resp)."""

from __future__ import annotations

import pytest
import trio

from routeiq.governance.ledger import Rule
from routeiq.governance.resp import (
    Parser,
    ProtocolError,
    RespConnection,
    RespError,
    address,
    encode,
)
from routeiq.governance.shared import SharedCounters
from tests.redis_fixture import PATIENT

REPLY = b"*3\r\n:1\r\n$3\r\nabc\r\n*2\r\n$-1\r\n+OK\r\n-NOSCRIPT No matching script\r\n:-7\r\n"


def test_encode_is_a_resp_array_of_bulk_strings() -> None:
    assert encode(b"EVALSHA", "ab", 2) == b"*3\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n2\r\n"


def test_replies_split_at_every_byte_parse_the_same() -> None:
    whole = Parser()
    whole.feed(REPLY)
    expected = whole.replies()
    assert expected[0] == [1, b"abc", [None, b"OK"]]
    assert isinstance(expected[1], RespError) and str(expected[1]).startswith("NOSCRIPT")
    assert expected[2] == -7
    for cut in range(1, len(REPLY)):
        p = Parser()
        p.feed(REPLY[:cut])
        got = p.replies()
        p.feed(REPLY[cut:])
        got += p.replies()
        assert [str(x) if isinstance(x, RespError) else x for x in got] == [
            str(x) if isinstance(x, RespError) else x for x in expected
        ], cut


def test_garbage_is_a_protocol_error() -> None:
    p = Parser()
    p.feed(b"?what\r\n")
    with pytest.raises(ProtocolError):
        p.replies()


def test_urls() -> None:
    a = address("redis://:s%40cret@10.0.0.1:6380/3")
    assert a is not None and (a.host, a.port, a.db, a.password) == ("10.0.0.1", 6380, 3, "s@cret")
    assert address("rediss://h:1/0") is None  # TLS: the coredis path
    assert address("unix:///tmp/r.sock") is None


async def test_pipelined_callers_get_their_own_replies_even_after_a_cancel(
    redis_url: str,
) -> None:
    addr = address(redis_url)
    assert addr is not None
    conn = await RespConnection.open(addr)
    async with trio.open_nursery() as nursery:
        await nursery.start(conn.run)
        await conn.hello(addr)
        # A caller gives up while Redis still works on its command: its reply,
        # when it comes, must not be handed to the next caller.
        with trio.move_on_after(0.05):
            await conn.call(b"BLPOP", b"nothing-here", b"0.3")
        got: dict[int, object] = {}

        async def echo(i: int) -> None:
            got[i] = await conn.call(b"ECHO", b"msg-%d" % i)

        async with trio.open_nursery() as callers:
            for i in range(50):
                callers.start_soon(echo, i)
        assert got == {i: b"msg-%d" % i for i in range(50)}
        assert isinstance(await conn.call(b"NOSUCHCOMMAND"), RespError)
        assert await conn.call(b"PING") == b"PONG"
        nursery.cancel_scope.cancel()
    await conn.aclose()


async def test_admission_goes_through_the_lean_connection(redis_url: str) -> None:
    shared = SharedCounters(redis_url, "resp:", op_timeout=PATIENT)
    async with trio.open_nursery() as nursery:
        await nursery.start(shared.run)
        assert shared._fast is not None
        sent = []
        real = shared._fast.call_encoded

        async def spy(command: bytes) -> object:
            sent.append(command.split(b"\r\n")[2])
            return await real(command)

        shared._fast.call_encoded = spy  # type: ignore[method-assign]
        rule = (Rule("key:lean", rpm=2),)
        admitted = [(await shared.admit(rule, 1, 0.0))[1] is not None for _ in range(3)]
        assert admitted == [True, True, False]
        assert sent == [b"EVALSHA"] * 3
        # Redis forgot the script (a restart or SCRIPT FLUSH): loaded again, answered.
        await shared._client.script_flush()
        assert (await shared.admit((Rule("key:lean2", rpm=1),), 1, 0.0))[1] is not None
        assert shared.downs == 0
        nursery.cancel_scope.cancel()


async def test_an_overdue_reply_fails_every_caller_at_exactly_the_timeout(
    autojump_clock: trio.testing.MockClock,
) -> None:
    """The connection's one watchdog bounds each call (no cancel scope per call)."""
    client, server = trio.testing.memory_stream_pair()
    conn = RespConnection(client)
    got: dict[str, tuple[float, object]] = {}

    async def caller(name: str, delay: float) -> None:
        await trio.sleep(delay)
        reply = await conn.call(b"PING")
        got[name] = (trio.current_time(), reply)

    too_slow = False
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(conn.run)
            nursery.start_soon(conn.watch, 0.25)
            await trio.sleep(1.0)  # idle: nothing is overdue
            # The server answers the first command only, at 1.1; the second one's
            # reply never comes.
            nursery.start_soon(caller, "first", 0.0)
            nursery.start_soon(caller, "second", 0.05)
            await trio.sleep(0.1)
            received = b""
            while received.count(b"PING") < 2:
                received += await server.receive_some()
            await server.send_all(b"+PONG\r\n")
    except* trio.TooSlowError:
        too_slow = True
    assert too_slow
    assert got["first"] == (1.1, b"PONG")
    when, reply = got["second"]
    assert when == 1.0 + 0.05 + 0.25 and isinstance(reply, RespError)
    with pytest.raises(trio.BrokenResourceError):
        await conn.call(b"PING")
