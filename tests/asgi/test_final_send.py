"""A client that sends ``Connection: close`` gets its connection closed after the
answer, on every kind of route.

Quart-trio cancels a request's task as soon as the server reports the
disconnect, and hypercorn reports it from inside the task's last ``send``, just
before it closes the socket: the close was cancelled half-way, so every answer
served by Quart (unknown paths, ``/routeiq/info``, debug routes, their 405s) left
the socket and its task open for as long as the client kept it."""

from __future__ import annotations

import pytest
import trio

from routeiq.testing import MASTER_KEY, running_stack


def request(method: str, path: str) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
        f"authorization: Bearer {MASTER_KEY}\r\ncontent-length: 0\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no/such/route", b"404"),
        ("GET", "/routeiq/info", b"200"),
        ("DELETE", "/routeiq/info", b"405"),
        ("GET", "/v1/models", b"200"),  # a hot route: closed before the fix too
        ("GET", "/key/list", b"200"),  # a mounted surface: likewise
    ],
)
async def test_the_server_closes_after_answering(method: str, path: str, status: bytes) -> None:
    async with running_stack() as s:
        host, port = s.url.removeprefix("http://").split(":")
        stream = await trio.open_tcp_stream(host, int(port))
        await stream.send_all(request(method, path))
        data = bytearray()
        with trio.fail_after(10):  # before the fix: no end of stream, ever
            while chunk := await stream.receive_some(65536):
                data += chunk
        assert data.split(b" ", 2)[1] == status, bytes(data[:200])
        assert b"\r\n\r\n" in data
        await stream.aclose()
