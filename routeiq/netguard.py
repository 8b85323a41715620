"""Connection hygiene around Hypercorn: a closed peer is closed at once, and
accept errors are counted and logged once per interval, not once per try.

Hypercorn's trio ``TCPServer`` stops reading when the peer's FIN arrives but
its connection task then waits for the keep-alive idle timer before closing
our side, so every bare connect+close left a socket in CLOSE-WAIT for the
whole ``keep_alive_timeout`` (75 s then): 1,100 of them exhausted a 1,024
file-descriptor limit and stopped the gateway for everyone. ``PromptClose``
stops the idle timer the moment reading ends, so the socket closes at once.

When ``accept`` fails for lack of descriptors (EMFILE, ENFILE, ENOBUFS,
ENOMEM), trio's ``serve_listeners`` logs a traceback and retries every 0.1 s:
hundreds of tracebacks a minute. ``AcceptErrorLog`` (a filter on that
logger) counts every one for ``/metrics`` and lets one line through per
``interval`` with the count, without the traceback.
"""

from __future__ import annotations

import errno
import logging
import select
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import h11
import hypercorn.trio.run as hypercorn_run
import trio
from hypercorn.events import Closed, Event, RawData
from hypercorn.trio.tcp_server import TCPServer

TRIO_ACCEPT_LOGGER = "trio.serve_listeners"


class PromptClose(TCPServer):
    """Hypercorn's TCP server, closing our side as soon as the peer has closed,
    and leaving no reference cycle behind when the connection ends.

    Each connection's objects form cycles (the server holds its protocol, the
    protocol holds the server's ``protocol_send``): about 29 objects per
    connection that only a full collection could free, and under churn
    (dropped streams, idle timeouts) they were the gateway's only cyclic
    garbage (``DEBUG_SAVEALL`` on a mixed local load). Dropping those links
    when ``run`` ends lets reference counting free the connection at once.
    """

    #: A fixed-size response's head, kept until its body (the next write) so both
    #: leave in one ``send``: Hypercorn writes them separately, and on the bench VM
    #: a loopback send is one of the costliest steps of a request.
    _held = b""

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            self._break_cycles()

    async def protocol_send(self, event: Event) -> None:
        if isinstance(event, RawData):
            if self._held:
                event = RawData(data=self._held + event.data, address=event.address)
                self._held = b""
            elif _fixed_size_head(event.data):
                self._held = event.data
                return
        elif self._held:
            held, self._held = self._held, b""
            if not isinstance(event, Closed):  # closing: that response is cut anyway
                await super().protocol_send(RawData(data=held))
        await super().protocol_send(event)

    def _break_cycles(self) -> None:
        wrapper = self.__dict__.pop("protocol", None)
        inner = wrapper.__dict__.pop("protocol", None) if wrapper is not None else None
        for obj in (wrapper, inner):
            if obj is not None:
                for name in ("send", "stream", "task_group", "can_read"):
                    obj.__dict__.pop(name, None)
        self.__dict__.pop("_task_group", None)

    async def _idle_timeout(self) -> None:
        """Close an idle connection after ``keep_alive_timeout``, but not under a
        request that is already waiting in the socket.

        The timer and the reader of a new request can become due in the same
        loop tick (as wide as the loop's lag under load); trio runs them in
        either order, and closing first made the kernel answer the client's
        unread request with a reset (about 1% of the soak's requests failed
        with ReadError or RemoteProtocolError). Bytes waiting at expiry get one
        more period: a request stops this timer once its headers are in; bytes
        that never make one (slow headers) still close the connection then."""
        for _ in range(2):
            with trio.move_on_after(self.config.keep_alive_timeout):
                await self.context.terminated.wait()
            if self.context.terminated.is_set() or not self._request_pending():
                break
        with trio.CancelScope(shield=True):
            await self._initiate_server_close()

    def _request_pending(self) -> bool:
        """Bytes of a next request in the socket, or read but not yet dispatched
        (the reader takes a few checkpoints between reading a request and
        stopping this timer)."""
        if _bytes_waiting(self.stream):
            return True
        inner = getattr(getattr(self, "protocol", None), "protocol", None)
        conn = getattr(inner, "connection", None)
        if not isinstance(conn, h11.Connection):  # HTTP/2: no such race handled here
            return False
        return conn.their_state is not h11.IDLE or bool(conn.trailing_data[0])

    async def _read_data(self) -> None:
        await super()._read_data()
        # Reading ended (FIN, reset or read timeout): no keep-alive wait can
        # help a peer that is gone; let the connection's task group finish.
        await self.idle_task.stop()


def _fixed_size_head(data: bytes) -> bool:
    """A response's header block with a Content-Length: its body comes in the same
    ASGI step (``send_bytes``). Streams (chunked) and informational responses are
    never held: their head must reach the client at once."""
    return (
        data.startswith(b"HTTP/1.1 ")
        and not data.startswith(b"HTTP/1.1 1")
        and data.endswith(b"\r\n\r\n")
        and b"\r\ncontent-length:" in data.lower()
    )


def _bytes_waiting(stream: Any) -> bool:
    """Whether the connection's socket has bytes (or its peer's FIN) not yet read."""
    sock = getattr(stream, "socket", None) or getattr(
        getattr(stream, "transport_stream", None), "socket", None
    )
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return False
    poller = select.poll()  # not select(): descriptors above 1,023
    poller.register(fd, select.POLLIN)
    return any(events & select.POLLIN for _, events in poller.poll(0))


def install_prompt_close() -> None:
    """Make Hypercorn's trio worker serve connections with :class:`PromptClose`."""
    hypercorn_run.TCPServer = PromptClose  # type: ignore[attr-defined]


class AcceptErrorLog(logging.Filter):
    """Counts accept failures by errno; passes one summary record per interval."""

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.counts: Counter[str] = Counter()
        self._since_last = 0
        self._last: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        code = (
            errno.errorcode.get(exc.errno, str(exc.errno))
            if isinstance(exc, OSError) and exc.errno
            else "other"
        )
        self.counts[code] += 1
        self._since_last += 1
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return False
        first = self._last is None
        self._last = now
        n, self._since_last = self._since_last, 0
        record.msg = "accept failed %d time(s)%s (last: %s); the server retries every 0.1 s"
        record.args = (n, "" if first else f" in the last {self.interval:g} s", code)
        record.exc_info = None
        record.exc_text = None
        return True

    def observe(self) -> Iterable[tuple[int, dict[str, Any]]]:
        return [(n, {"errno": code}) for code, n in sorted(self.counts.items())]


ACCEPT_ERRORS = AcceptErrorLog()


def install_accept_error_log() -> None:
    logger = logging.getLogger(TRIO_ACCEPT_LOGGER)
    if ACCEPT_ERRORS not in logger.filters:
        logger.addFilter(ACCEPT_ERRORS)


def bind_metrics(meter: Any) -> None:
    """``routeiq.accept.errors`` on /metrics, by errno."""
    from opentelemetry.metrics import CallbackOptions, Observation

    def observe(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(n, attrs) for n, attrs in ACCEPT_ERRORS.observe()]

    meter.create_observable_counter(
        "routeiq.accept.errors",
        callbacks=[observe],
        description="Failed accept() calls (EMFILE, ENFILE...) since start, by errno.",
    )
