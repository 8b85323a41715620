"""Upstream requests written to the socket in one piece.

httpcore writes an HTTP/1.1 request as two or more socket writes: the header
block, then each body chunk. On the bench VM a loopback ``send`` is the most
expensive step of a relayed call (py-spy of the gateway relaying A2A
SendMessage: 30% of its samples in ``SocketStream.send_all``, headers 14.6%,
body 10.9%). :class:`CoalescingStream` keeps what is written until the
connection next reads (the response) or the pending bytes reach
``max_pending``, then sends it all with one write: one system call a request.
Nothing is delayed: a client writes its request, then reads.
"""

from __future__ import annotations

import ssl
import typing
from typing import Any

from httpcore import AsyncNetworkBackend, AsyncNetworkStream

__all__ = ["CoalescingBackend", "CoalescingStream"]

MAX_PENDING = 64 * 1024


class CoalescingStream(AsyncNetworkStream):
    """See the module docstring."""

    def __init__(self, stream: AsyncNetworkStream, max_pending: int = MAX_PENDING) -> None:
        self._stream = stream
        self._max_pending = max_pending
        self._pending: list[bytes] = []
        self._size = 0
        self._timeout: float | None = None
        #: Bytes read since the last write: 0 while a request's answer has not begun
        #: (the pool retries a reused connection's failure only then, ``pool.py``).
        self.received = 0

    async def flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending = []
        self._size = 0
        await self._stream.write(data, self._timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        if not buffer:
            return
        self.received = 0
        self._pending.append(buffer)
        self._size += len(buffer)
        self._timeout = timeout
        if self._size >= self._max_pending:
            await self.flush()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        await self.flush()
        data = await self._stream.read(max_bytes, timeout)
        self.received += len(data)
        return data

    async def aclose(self) -> None:
        self._pending = []
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
    ) -> AsyncNetworkStream:
        await self.flush()
        inner = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return CoalescingStream(inner, self._max_pending)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class CoalescingBackend(AsyncNetworkBackend):
    """A network backend whose streams are :class:`CoalescingStream`."""

    def __init__(self, backend: AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return CoalescingStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return CoalescingStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)
