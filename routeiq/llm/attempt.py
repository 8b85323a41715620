"""What one upstream attempt ended with: the whole outcome, in one value (I/O-free).

``Exchange.run`` (and ``TranslatedExchange``) return an :class:`AttemptResult`
and never raise a gateway error: the router (``routing/executor.py``) reads
``error`` and ``started`` to decide between retry, fallback and done, the
telemetry reads the body and blocks, the pipeline stages read ``usage`` and
``body``. Nothing downstream rebuilds an error from a status code or looks the
usage up again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from routeiq.errors import RouteIQError

# The first "id" in an OpenAI-format body is the response's own: it leads both
# the chat.completion object and every chat.completion.chunk event.
_RESPONSE_ID = re.compile(rb'"id"\s*:\s*"([^"\\]{1,256})"')
_ID_SCAN_BYTES = 4096


def response_id_in(body: bytes) -> str | None:
    """The response id at the start of an OpenAI-format body or first SSE event."""
    match = _RESPONSE_ID.search(body, 0, _ID_SCAN_BYTES)
    return None if match is None else match.group(1).decode("utf-8", "replace")


def total_tokens(usage: dict[str, Any] | None) -> int | None:
    tokens = usage.get("total_tokens") if usage else None
    return tokens if isinstance(tokens, int) and tokens > 0 else None


@dataclass(slots=True)
class AttemptResult:
    """One attempt's outcome.

    ``error`` is the real failure (the mapped upstream error, the deadline, the
    client leaving, an output guardrail); ``started`` says whether the response
    had begun (headers sent) when it ended: an attempt that started is never
    retried, its error was told to the client in-band. An attempt that failed
    before it started may be retried or fall back.
    """

    error: RouteIQError | None = None
    started: bool = False
    ttft: float | None = None  # seconds from the attempt's start to the first body bytes
    tokens: int | None = None  # total tokens, when the upstream reported usage
    response_id: str | None = None
    usage: dict[str, Any] | None = None
    elapsed: float = 0.0  # seconds the attempt took (trio time)
    # What the client got, kept by reference for the record stage and the spans
    # (read after the response): a whole body, or a stream's first and last blocks.
    body: bytes | None = None
    first_block: bytes | None = None
    last_block: bytes | None = None
