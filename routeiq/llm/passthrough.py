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

What each upstream header name becomes is decided once per name and remembered
(:data:`_NAMES`, bounded): a provider sends the same dozen names on every answer,
so the per-response work is one dict lookup per header, not the prefix tests and
the ``llm_provider-`` concatenation. The copies cost the client connection
~1.1-1.4 us each inside h11/hypercorn (which validate every header they write); that
part is intrinsic to sending them (measured in ``bench/provider_headers.py``), so
``general_settings.return_llm_provider_headers: false`` leaves the copies out.
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

#: Upstream header name -> the names its value is sent under (most: one or two), with
#: the ``llm_provider-`` copies ([True]) and without them ([False]).
_NAMES: dict[bool, dict[bytes, tuple[bytes, ...]]] = {True: {}, False: {}}
_MAX_NAMES = 1024  # a provider's names are a few dozen; past this, decided afresh each time


def names_for(name: bytes, provider_copies: bool = True) -> tuple[bytes, ...]:
    """The response header names an upstream header ``name`` is relayed under
    (in order: the ``llm_provider-`` copy, the name itself, its OpenAI name)."""
    out: list[bytes] = []
    if provider_copies and name != b"set-cookie":
        out.append(PROVIDER + name)
    if name.startswith(PREFIX) or name in SINGLE:
        out.append(name)
    elif name.startswith(ANTHROPIC_PREFIX):
        out.append(name)
        openai_name = ANTHROPIC_AS_OPENAI.get(name)
        if openai_name is not None:
            out.append(openai_name)
    return tuple(out)


def passthrough_headers(
    raw: Iterable[tuple[bytes, bytes]], provider_copies: bool = True
) -> list[tuple[bytes, bytes]]:
    """The relayed subset of an upstream response's raw (lower-case) header pairs;
    ``provider_copies`` False leaves out the ``llm_provider-`` copies
    (``general_settings.return_llm_provider_headers: false``)."""
    known = _NAMES[provider_copies]
    out: list[tuple[bytes, bytes]] = []
    append = out.append
    for k, v in raw:
        names = known.get(k)
        if names is None:
            names = names_for(k, provider_copies)
            if len(known) < _MAX_NAMES:
                known[bytes(k)] = names
        if len(names) == 1:
            append((names[0], v))
        elif names:
            out.extend([(n, v) for n in names])
    return out
