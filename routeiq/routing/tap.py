"""A pass-through ASGI ``send`` that observes one attempt's response.

Wrapped around the client's ``send`` for one upstream attempt, it records when
the first body bytes went out (time to first token, for the latency strategy)
and the response id (for ``previous_response_id`` affinity), and adds the
``x-routeiq-attempts`` decision header. It never buffers or delays a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import trio

from routeiq.asgi.types import Message, Send
from routeiq.errors import RouteIQError, UpstreamError, UpstreamTimeout
from routeiq.routing.executor import AttemptResult

ATTEMPTS_HEADER = b"x-routeiq-attempts"
# The first "id" in an OpenAI-format body is the response's own: it leads both
# the chat.completion object and every chat.completion.chunk event.
_RESPONSE_ID = re.compile(rb'"id"\s*:\s*"([^"\\]{1,256})"')
_ID_SCAN_BYTES = 4096


class ResponseTap:
    """``await tap(message)`` forwards ``message`` to ``send`` (see module docstring)."""

    __slots__ = ("_attempts", "_clock", "_send", "_want_id", "first_body_at", "response_id", "t0")

    def __init__(
        self,
        send: Send,
        attempts: int,
        *,
        want_id: bool,
        clock: Callable[[], float] = trio.current_time,
    ) -> None:
        self._send = send
        self._attempts = attempts
        self._want_id = want_id
        self._clock = clock
        self.t0 = clock()
        self.first_body_at: float | None = None
        self.response_id: str | None = None

    async def __call__(self, message: Message) -> None:
        if self.first_body_at is None:
            kind = message["type"]
            if kind == "http.response.start":
                headers = message.get("headers") or []
                if not any(k == ATTEMPTS_HEADER for k, _ in headers):
                    message["headers"] = [*headers, (ATTEMPTS_HEADER, b"%d" % self._attempts)]
            elif kind == "http.response.body" and message.get("body"):
                self.first_body_at = self._clock()
                if self._want_id:
                    match = _RESPONSE_ID.search(message["body"], 0, _ID_SCAN_BYTES)
                    if match is not None:
                        self.response_id = match.group(1).decode("utf-8", "replace")
        await self._send(message)

    def result(self, status: int, usage: dict[str, Any] | None, *, stream: bool) -> AttemptResult:
        """The attempt's outcome once the exchange returned; ``status`` is the
        final status recorded for the request (>= 400: it broke off mid-way)."""
        error: RouteIQError | None = None
        if status >= 400:
            error = (UpstreamTimeout if status == 504 else UpstreamError)(
                f"The upstream response broke off ({status})"
            )
        ttft = None
        if stream and self.first_body_at is not None:
            ttft = self.first_body_at - self.t0
        tokens = usage.get("total_tokens") if usage else None
        return AttemptResult(
            error=error,
            ttft=ttft,
            tokens=tokens if isinstance(tokens, int) and tokens > 0 else None,
            response_id=self.response_id,
        )
