"""Upstream response headers passed back to the client, as LiteLLM does.

OpenAI (and the OpenAI-compatible servers, Groq, Mistral, ...) answer with
``x-ratelimit-*`` (limits, remaining, reset of requests and tokens) and
``openai-processing-ms``; clients use them to pace themselves, so the gateway relays
them unchanged, for pass-through and translated providers alike. (Providers with
their own names, such as Anthropic's ``anthropic-ratelimit-*``, are not renamed.)
"""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = b"x-ratelimit-"
SINGLE = frozenset({b"openai-processing-ms", b"openai-version", b"retry-after-ms"})


def passthrough_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The relayed subset of an upstream response's raw (lower-case) header pairs."""
    return [(k, v) for k, v in raw if k.startswith(PREFIX) or k in SINGLE]
