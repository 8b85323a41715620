"""Driving litellm's streaming parsers from our own byte stream (I/O-free).

litellm's provider iterators pull SSE lines from an iterator they are given
(``response_iterator.__next__()``) and keep their parse state on ``self``. We
give them a ``LinePump``: a queue of lines we fill as bytes arrive from httpx.
When the pump is empty mid-stream it raises ``NeedMore`` (a BaseException, so
no ``except Exception`` inside litellm can swallow it); that unwinds out of the
iterator's ``__next__`` without touching its state, and the next ``feed``
resumes it. Only at the real end does the pump raise ``StopIteration``, so the
iterators' end-of-stream logic (flushing held text, partial JSON) runs once,
at the right time. The parsers thus run synchronously on our task, on the
bytes we read, with no asyncio and no thread.
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class NeedMore(BaseException):  # a control-flow signal, not an error
    """The pump is empty but the stream is not over."""


class LinePump:
    """The iterator litellm's parsers read lines from."""

    __slots__ = ("_lines", "ended")

    def __init__(self) -> None:
        self._lines: deque[str] = deque()
        self.ended = False

    def push(self, lines: Iterable[str]) -> None:
        self._lines.extend(lines)

    def __iter__(self) -> LinePump:
        return self

    def __next__(self) -> str:
        if self._lines:
            return self._lines.popleft()
        if self.ended:
            raise StopIteration
        raise NeedMore


class SSELines:
    """Bytes -> complete lines (UTF-8 decoded incrementally; CR, LF or CRLF ends a line)."""

    __slots__ = ("_decoder", "_partial")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._partial = ""

    def feed(self, data: bytes) -> list[str]:
        text = self._partial + self._decoder.decode(data)
        hold = ""
        if text.endswith("\r"):  # the LF of a CRLF may be in the next piece
            text, hold = text[:-1], "\r"
        lines = _LINE_BREAK.split(text)
        self._partial = lines.pop() + hold
        return lines

    def flush(self) -> list[str]:
        text = self._partial + self._decoder.decode(b"", final=True)
        self._partial = ""
        return [line for line in _LINE_BREAK.split(text) if line] if text else []


class IteratorDecoder:
    """Feeds bytes to a litellm sync response iterator; returns what it yields."""

    __slots__ = ("_lines", "iterator", "pump")

    def __init__(self, make_iterator: Callable[[LinePump], Any]) -> None:
        self.pump = LinePump()
        self._lines = SSELines()
        # iter(): some parsers (Gemini's) set up their reading state in __iter__.
        self.iterator = iter(make_iterator(self.pump))

    def feed(self, data: bytes) -> list[Any]:
        self.pump.push(self._lines.feed(data))
        return self._drain()

    def end(self) -> list[Any]:
        self.pump.push(self._lines.flush())
        self.pump.ended = True
        return self._drain()

    def _drain(self) -> list[Any]:
        out: list[Any] = []
        iterator = self.iterator
        while True:
            try:
                item = next(iterator)
            except NeedMore:
                return out
            except StopIteration:
                return out
            out.append(item)
