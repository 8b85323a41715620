"""Upstream response headers passed back to the client, as LiteLLM does.

OpenAI (and the OpenAI-compatible servers, Groq, Mistral, ...) answer with
``x-ratelimit-*`` (limits, remaining, reset of requests and tokens) and
``openai-processing-ms``; clients use them to pace themselves, so the gateway relays
them unchanged, for pass-through and translated providers alike. Anthropic names
its own (``anthropic-ratelimit-*``): they are relayed as they are, and their request
and token limits and remainders also under the OpenAI names, as LiteLLM does (the
reset times are RFC 3339 instants there, durations in OpenAI's: not renamed).

Every upstream header also comes back under ``llm_provider-<name>``, as LiteLLM
1.110.2's proxy sends them (checked against it on the project's mock upstream:
``llm_provider-content-type``, ``llm_provider-x-ratelimit-remaining-requests``, ...),
so a client that reads the provider's own headers through LiteLLM finds them here
(but ``set-cookie``: a provider's cookies are not the client's business).
"""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = b"x-ratelimit-"
PROVIDER = b"llm_provider-"  # LiteLLM's prefix for every upstream header
SINGLE = frozenset({b"openai-processing-ms", b"openai-version", b"retry-after-ms"})
ANTHROPIC_PREFIX = b"anthropic-ratelimit-"
ANTHROPIC_AS_OPENAI = {
    b"anthropic-ratelimit-requests-limit": b"x-ratelimit-limit-requests",
    b"anthropic-ratelimit-requests-remaining": b"x-ratelimit-remaining-requests",
    b"anthropic-ratelimit-tokens-limit": b"x-ratelimit-limit-tokens",
    b"anthropic-ratelimit-tokens-remaining": b"x-ratelimit-remaining-tokens",
}


def passthrough_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The relayed subset of an upstream response's raw (lower-case) header pairs."""
    out: list[tuple[bytes, bytes]] = []
    for k, v in raw:
        if k != b"set-cookie":
            out.append((PROVIDER + k, v))
        if k.startswith(PREFIX) or k in SINGLE:
            out.append((k, v))
        elif k.startswith(ANTHROPIC_PREFIX):
            out.append((k, v))
            openai_name = ANTHROPIC_AS_OPENAI.get(k)
            if openai_name is not None:
                out.append((openai_name, v))
    return out
