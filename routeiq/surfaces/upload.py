"""A multipart upload relayed as it arrives (``/v1/audio/transcriptions``).

Only the fields before the file are held (at most ``HEAD_LIMIT`` bytes) so the
``model`` field can route the request and be rewritten to the deployment's
upstream name; the file itself goes upstream piece by piece as the client sends
it, so a 20 MB file never sits in the gateway's memory. The size limit is counted
on the way through (the declared ``Content-Length`` is refused up front).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import trio

from routeiq.asgi.types import Receive, Scope, header
from routeiq.errors import BadRequest, ClientClosed, PayloadTooLarge, RequestTimeout

HEAD_LIMIT = 64 * 1024
_MODEL = b'name="model"'


def boundary_of(content_type: bytes | None) -> bytes:
    if content_type is None or not content_type.lower().startswith(b"multipart/form-data"):
        raise BadRequest("Content-Type must be multipart/form-data")
    for param in content_type.split(b";")[1:]:
        name, _, value = param.strip().partition(b"=")
        if name.lower() == b"boundary" and value:
            return value.strip(b'"')
    raise BadRequest("The multipart Content-Type has no boundary")


def model_span(head: bytes, boundary: bytes) -> tuple[int, int] | None:
    """Where the ``model`` field's value sits in ``head`` (None: not complete yet)."""
    marker = head.find(_MODEL)
    if marker == -1:
        return None
    start = head.find(b"\r\n\r\n", marker)
    if start == -1:
        return None
    start += 4
    end = head.find(b"\r\n--" + boundary, start)
    return None if end == -1 else (start, end)


class Upload:
    """The client's multipart body: ``await read_head()``, then ``body(name)`` once."""

    def __init__(self, scope: Scope, receive: Receive, limit: int, timeout: float) -> None:
        self.boundary = boundary_of(header(scope, b"content-type"))
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The upload is {int(declared)} bytes; the limit is {limit}")
        self.receive = receive
        self.limit = limit
        self.timeout = timeout  # for each piece: a stalled client does not hold the upstream
        self.head = b""
        self.span: tuple[int, int] | None = None
        self.size = 0
        self.more = True

    async def _next(self) -> bytes:
        try:
            with trio.fail_after(self.timeout):
                message = await self.receive()
        except trio.TooSlowError:
            raise RequestTimeout(f"The upload stalled for {self.timeout:g} s") from None
        if message["type"] == "http.disconnect":
            raise ClientClosed("The client closed the connection")
        self.more = bool(message.get("more_body", False))
        chunk: bytes = message.get("body", b"")
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(f"The upload exceeds the limit of {self.limit} bytes")
        return chunk

    async def read_head(self) -> str:
        """Read up to the end of the ``model`` field; its value."""
        while self.span is None:
            if not self.more or len(self.head) > HEAD_LIMIT:
                raise BadRequest(
                    "'model' is required before the file in the multipart body",
                    param="model",
                    code="missing_required_parameter",
                )
            self.head += await self._next()
            self.span = model_span(self.head, self.boundary)
        start, end = self.span
        model = self.head[start:end].decode("utf-8", "replace").strip()
        if not model or len(model) > 256 or not model.isprintable():
            raise BadRequest("'model' must be a model name", param="model")
        return model

    async def body(self, upstream_model: str) -> AsyncIterator[bytes]:
        """The body with the model renamed, relayed piece by piece as it arrives."""
        assert self.span is not None
        start, end = self.span
        yield self.head[:start] + upstream_model.encode() + self.head[end:]
        self.head = b""
        while self.more:
            chunk = await self._next()
            if chunk:
                yield chunk

    @property
    def content_type(self) -> str:
        return "multipart/form-data; boundary=" + self.boundary.decode("latin-1")
