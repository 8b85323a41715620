"""A lean, pipelined RESP2 connection for the governance script call (one per process).

Measured on the 2-core bench machine, coredis spent ~400 us of CPU on each
``EVALSHA`` of the admission script, about twice a ``PING`` round trip through
the same client; the check's target is 1.5x a PING. This connection does only
what that call needs: commands are encoded into one ``bytes`` and written; one
reader task parses the replies (an I/O-free :class:`Parser`) and hands each to
its caller in order, so concurrent requests share the socket without a lock
around the round trip (pipelining).

Not a general client: no TLS, no RESP3, no pub/sub, no reconnect (the owner,
``routeiq.governance.shared``, reconnects with backoff and falls back to
per-process counters meanwhile). ``rediss://`` and ``unix://`` URLs keep the
coredis path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import trio

Reply = Any  # bytes | int | list[Reply] | None | RespError


class RespError(Exception):
    """An error reply (``-ERR ...``, ``-NOSCRIPT ...``)."""


class ProtocolError(Exception):
    """The bytes received are not RESP2."""


def encode(*parts: bytes | str | int) -> bytes:
    """One command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


_INCOMPLETE = object()


class Parser:
    """Incremental RESP2 reply parser: :meth:`feed` bytes, then take :meth:`replies`."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes | bytearray) -> None:
        self._buf += data

    def parse(self, data: bytes | bytearray) -> list[Reply]:
        """:meth:`feed` then :meth:`replies`, without copying ``data`` into the buffer
        when nothing is pending and it holds only whole replies (the usual case)."""
        if self._buf:
            self._buf += data
            return self.replies()
        out: list[Reply] = []
        pos, end = 0, len(data)
        while pos < end:
            value, nxt = self._one(data, pos)
            if value is _INCOMPLETE:
                self._buf += data[pos:]
                break
            out.append(value)
            pos = nxt
        return out

    def replies(self) -> list[Reply]:
        """Every complete reply buffered so far (the incomplete rest stays)."""
        out: list[Reply] = []
        buf = self._buf
        pos = 0
        while pos < len(buf):
            value, end = self._one(buf, pos)
            if value is _INCOMPLETE:
                break
            out.append(value)
            pos = end
        if pos:
            del buf[:pos]
        return out

    def _one(self, buf: bytes | bytearray, pos: int) -> tuple[Reply, int]:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return _INCOMPLETE, pos
        kind = buf[pos]
        nxt = eol + 2
        if kind == 0x24:  # '$' (first: the scripts' replies)
            n = int(buf[pos + 1 : eol])
            if n < 0:
                return None, nxt
            if len(buf) < nxt + n + 2:
                return _INCOMPLETE, pos
            return bytes(buf[nxt : nxt + n]), nxt + n + 2
        line = bytes(buf[pos + 1 : eol])
        if kind == 0x3A:  # ':'
            return int(line), nxt
        if kind == 0x2A:  # '*'
            n = int(line)
            if n < 0:
                return None, nxt
            items: list[Reply] = []
            for _ in range(n):
                item, nxt = self._one(buf, nxt)
                if item is _INCOMPLETE:
                    return _INCOMPLETE, pos
                items.append(item)
            return items, nxt
        if kind == 0x2B:  # '+'
            return line, nxt
        if kind == 0x2D:  # '-'
            return RespError(line.decode("utf-8", "replace")), nxt
        raise ProtocolError(f"unexpected reply type {chr(kind)!r}")


@dataclass(slots=True)
class _Waiter:
    sent: float  # trio time the command was queued (for :meth:`RespConnection.watch`)
    done: trio.Event = field(default_factory=trio.Event)
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int
    db: int
    username: str | None
    password: str | None


def address(url: str) -> Address | None:
    """Where a ``redis://`` URL points; ``None`` for what this connection does not speak."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        return None
    path = parts.path.strip("/")
    return Address(
        host=parts.hostname,
        port=parts.port or 6379,
        db=int(path) if path.isdigit() else 0,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class RespConnection:
    """One socket; :meth:`call` from any task; :meth:`run` reads the replies."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self._stream = stream
        self._parser = Parser()
        self._waiters: deque[_Waiter] = deque()
        self._out: list[bytes] = []
        self._sending = False
        self._broken: BaseException | None = None

    @property
    def broken(self) -> bool:
        """Failed for every caller (a send was cut short, the socket closed, or a reply
        was overdue): a command may have been half sent."""
        return self._broken is not None

    @classmethod
    async def open(cls, addr: Address) -> RespConnection:
        stream = await trio.open_tcp_stream(addr.host, addr.port)
        return cls(stream)

    async def hello(self, addr: Address) -> None:
        """AUTH and SELECT as the URL asks (run before serving, under a deadline)."""
        if addr.password is not None:
            creds = (addr.username, addr.password) if addr.username else (addr.password,)
            await self._checked(await self.call(b"AUTH", *creds))
        if addr.db:
            await self._checked(await self.call(b"SELECT", addr.db))

    @staticmethod
    async def _checked(reply: Reply) -> Reply:
        if isinstance(reply, RespError):
            raise reply
        return reply

    async def call(self, *parts: bytes | str | int) -> Reply:
        """Send one command; answer its reply (an error reply is returned, not raised).

        Cancelled while waiting: the reply is read and dropped by :meth:`run`.
        Cancelled while writing: the socket may hold half a command, so the
        connection is broken for every caller (the owner reconnects)."""
        return await self.call_encoded(encode(*parts))

    async def call_encoded(self, command: bytes) -> Reply:
        """:meth:`call` with the command already RESP-encoded (the admission script
        call is assembled from pieces encoded when the keys were loaded)."""
        if self._broken is not None:
            raise trio.BrokenResourceError("redis connection lost") from self._broken
        waiter = _Waiter(trio.current_time())
        self._waiters.append(waiter)
        self._out.append(command)
        if not self._sending:  # else the task sending now writes ours with its next batch
            self._sending = True
            try:
                while self._out:
                    data = b"".join(self._out) if len(self._out) > 1 else self._out[0]
                    self._out.clear()
                    await self._stream.send_all(data)
            except BaseException as exc:
                self._fail(exc)
                raise
            finally:
                self._sending = False
        await waiter.done.wait()
        return waiter.reply

    def _fail(self, exc: BaseException) -> None:
        if self._broken is None:
            self._broken = exc
        while self._waiters:  # nobody will answer them now
            w = self._waiters.popleft()
            w.reply = RespError("connection lost")
            w.done.set()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Read replies until the socket closes (then raise, so the owner reconnects)."""
        task_status.started()
        try:
            while True:
                data = await self._stream.receive_some(65536)
                if not data:
                    raise trio.BrokenResourceError("redis closed the connection")
                for reply in self._parser.parse(data):
                    if not self._waiters:
                        raise ProtocolError("a reply nobody asked for")
                    w = self._waiters.popleft()
                    w.reply = reply
                    w.done.set()
        except BaseException as exc:
            self._fail(exc)
            raise

    async def watch(self, overdue: float) -> None:
        """Bound every call's wait: when the oldest unanswered command has waited
        ``overdue`` seconds (exactly, on the trio clock), fail every caller and raise
        ``trio.TooSlowError`` (the owner then closes the connection, which also ends
        a send blocked on a full socket, and reconnects).

        One task for the connection instead of a cancel scope with a deadline per
        call: entering and leaving ``trio.fail_after`` cost more than the rest of
        the admission's client-side work (measured ~5-10 us a call on the bench
        machine). Replies come in order, so only the oldest waiter can be overdue
        first; while nothing waits, it looks again every ``overdue / 4``."""
        idle = overdue / 4
        waiters = self._waiters
        while True:
            if waiters:
                due = waiters[0].sent + overdue
                if trio.current_time() >= due:
                    exc = trio.TooSlowError(f"no reply from redis within {overdue} s")
                    self._fail(exc)
                    raise exc
                await trio.sleep_until(due)
            else:
                await trio.sleep(idle)

    async def aclose(self) -> None:
        self._fail(trio.ClosedResourceError("closed"))
        await self._stream.aclose()
