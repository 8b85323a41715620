"""The ASGI ``send`` wrapper that turns a chat answer into a surface's answer.

Wrapped around the client's ``send`` before the request path runs, it sees what
the chat path would have sent (from an upstream, the cache, or a plugin) and
sends the surface's translation instead:

- a whole answer (JSON, or an error): held until its last body message, then
  translated by ``whole(status, body)``; content type and length are rewritten,
  every other header (decision headers, cost, request id) is kept;
- a stream (``text/event-stream`` start): the start goes out at once with the
  translator's opening events (time to first event is not held back), then each
  piece of the chat stream is parsed and its chunks translated as they arrive.

``on_complete`` (if given) is awaited once the answer is translated, before its
last bytes go out: the Responses surface stores the response there, so a client
that reads ``response.completed`` can continue the conversation at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from routeiq.asgi.types import Message, Send
from routeiq.surfaces.sse import ChatChunks

_DROP = frozenset({b"content-length", b"content-type"})


class StreamTranslator(Protocol):
    def preamble(self) -> bytes: ...

    def chunk(self, obj: dict[str, object]) -> bytes: ...

    def finish(self) -> bytes: ...


class TranslatingSend:
    __slots__ = (
        "_chunks",
        "_on_complete",
        "_parts",
        "_send",
        "_start",
        "_stream",
        "_whole",
        "content_type",
    )

    def __init__(
        self,
        send: Send,
        whole: Callable[[int, bytes], bytes],
        stream: StreamTranslator | None = None,
        content_type: bytes = b"application/json",
        on_complete: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._send = send
        self._on_complete = on_complete
        self._whole = whole
        self._stream = stream
        self._start: Message | None = None
        self._parts: list[bytes] = []
        self._chunks: ChatChunks | None = None
        self.content_type = content_type

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self._stream is not None and message["status"] == 200 and _is_sse(message):
                self._chunks = ChatChunks()
                await self._send(message)  # SSE headers, decision headers: unchanged
                await self._send(
                    {
                        "type": "http.response.body",
                        "body": self._stream.preamble(),
                        "more_body": True,
                    }
                )
            else:
                self._start = message
            return
        if kind != "http.response.body":
            await self._send(message)
            return
        more = bool(message.get("more_body", False))
        body: bytes = message.get("body", b"")
        if self._chunks is not None and self._stream is not None:
            out = b""
            if body:
                for obj in self._chunks.feed(body):
                    out += self._stream.chunk(obj)
            if not more:
                for obj in self._chunks.flush():
                    out += self._stream.chunk(obj)
                out += self._stream.finish()
                if self._on_complete is not None:
                    await self._on_complete()
            if out or not more:
                await self._send({"type": "http.response.body", "body": out, "more_body": more})
            return
        if body:
            self._parts.append(body)
        if more:
            return
        start = self._start
        status = start["status"] if start is not None else 200
        translated = self._whole(status, b"".join(self._parts))
        self._parts = []
        if self._on_complete is not None:
            await self._on_complete()
        headers = [
            (k, v) for k, v in (start.get("headers") or () if start else ()) if k not in _DROP
        ]
        headers.append((b"content-type", self.content_type))
        headers.append((b"content-length", b"%d" % len(translated)))
        await self._send({"type": "http.response.start", "status": status, "headers": headers})
        await self._send({"type": "http.response.body", "body": translated, "more_body": False})


def _is_sse(message: Message) -> bool:
    for k, v in message.get("headers") or ():
        if k == b"content-type":
            return bytes(v).startswith(b"text/event-stream")
    return False
