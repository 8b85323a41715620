"""Item 9: requests whose body a route never reads keep the connection usable.

Quart (and the hot routes' 405) answer without reading the body; when the body
arrived after the headers (a separate packet, as many clients send it), the
next request on the keep-alive connection used to hang. Every body is now read
before routing, and a response that still starts before its body was read
(auth's 401) says ``Connection: close``."""

from __future__ import annotations

import pytest
import trio

from tests.conftest import MASTER_KEY, running_stack

BODY = b'{"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]}'


async def read_response(stream: trio.SocketStream, buf: bytearray) -> tuple[bytes, bytes]:
    """Status line and header block of one response (its body consumed)."""
    while b"\r\n\r\n" not in buf:
        data = await stream.receive_some(65536)
        assert data, bytes(buf)
        buf += data
    end = buf.index(b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    del buf[:end]
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(buf) < length:
        data = await stream.receive_some(65536)
        assert data
        buf += data
    del buf[:length]
    return head.split(b"\r\n", 1)[0], head.lower()


def post(path: str, key: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {key}\r\n"
        f"content-type: application/json\r\ncontent-length: {len(BODY)}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no/such/route", b"404"),
        ("/routeiq/info", b"405"),
        ("/health/live", b"405"),
        ("/v1/models", b"405"),
        ("/routeiq/debug/tracemalloc/top", b"405"),
    ],
)
async def test_twenty_posts_on_one_connection(path: str, status: bytes) -> None:
    async with running_stack() as s:
        host, port = s.url.removeprefix("http://").split(":")
        stream = await trio.open_tcp_stream(host, int(port))
        buf = bytearray()
        with trio.fail_after(60):  # before the fix: the 2nd request hung
            for i in range(20):
                await stream.send_all(post(path, MASTER_KEY))
                await trio.sleep(0.01)  # the body as its own packet
                await stream.send_all(BODY)
                with trio.fail_after(5):
                    line, _ = await read_response(stream, buf)
                assert line.split()[1] == status, (i, line)
        await stream.aclose()


async def test_an_answer_before_the_body_closes_the_connection() -> None:
    async with running_stack() as s:
        host, port = s.url.removeprefix("http://").split(":")
        for _ in range(3):
            stream = await trio.open_tcp_stream(host, int(port))
            await stream.send_all(post("/v1/chat/completions", "not-a-key"))
            buf = bytearray()
            with trio.fail_after(5):
                line, head = await read_response(stream, buf)
                assert line.split()[1] == b"401"
                assert b"\r\nconnection: close" in head
                while await stream.receive_some(1024):  # the server closes its side
                    pass
            await stream.aclose()
