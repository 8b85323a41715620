"""The cost of one response (pure, microseconds).

``cost_of`` prices an OpenAI-format ``usage`` object: prompt tokens at the input
rate, except cached ones (``prompt_tokens_details.cached_tokens`` or
``cache_read_input_tokens``) at the cache-read rate and cache writes
(``cache_creation_input_tokens``) at the cache-write rate; completion tokens
(reasoning included, as OpenAI counts them) at the output rate. A prompt longer
than a tier's threshold (e.g. ``..._above_200k_tokens``) is billed at that
tier's rates, as litellm does.

``usage_in_body`` finds the ``usage`` object of a non-streamed body without
parsing the whole body, so the cost can go in the response headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson

from routeiq.pricing.table import ModelPrices

COST_HEADER = b"x-routeiq-response-cost"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def cost_of(usage: Mapping[str, Any] | None, prices: ModelPrices | None) -> float | None:
    """USD for ``usage`` at ``prices``; ``None`` if either is missing or no token count."""
    parts = cost_parts(usage, prices)
    if parts is None:
        return None
    return parts.input + parts.cache_read + parts.cache_creation + parts.output


class CostParts(NamedTuple):
    """One answer's cost by kind of token (USD); the total is the sum of the first four.

    ``input`` is the uncached prompt tokens only (the cache reads and writes are their
    own parts); ``reasoning`` is the part of ``output`` spent on reasoning tokens
    (OpenAI counts them in ``completion_tokens``), not added again."""

    input: float
    cache_read: float
    cache_creation: float
    output: float
    reasoning: float


def cost_parts(usage: Mapping[str, Any] | None, prices: ModelPrices | None) -> CostParts | None:
    """:func:`cost_of` by kind of token; ``None`` as there."""
    if usage is None or prices is None:
        return None
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    if not isinstance(prompt, int) and not isinstance(completion, int):
        return None
    p = _int(prompt)
    c = _int(completion)
    cached = 0
    written = _int(usage.get("cache_creation_input_tokens"))
    details = usage.get("prompt_tokens_details")
    if isinstance(details, dict):
        cached = _int(details.get("cached_tokens"))
        if not written:
            written = _int(details.get("cache_creation_tokens"))
    if not cached:
        cached = _int(usage.get("cache_read_input_tokens"))
    rate_in, rate_out, rate_read, rate_write = (
        prices.input,
        prices.output,
        prices.cache_read,
        prices.cache_write,
    )
    for tier in prices.tiers:  # ascending: the last one crossed wins
        if p > tier.above:
            rate_in, rate_out, rate_read, rate_write = (
                tier.input,
                tier.output,
                tier.cache_read,
                tier.cache_write,
            )
    plain = p - cached - written
    if plain < 0:  # a provider that does not count cached tokens in prompt_tokens
        plain = 0
    reasoning = 0
    out_details = usage.get("completion_tokens_details")
    if isinstance(out_details, dict):
        reasoning = min(_int(out_details.get("reasoning_tokens")), c)
    return CostParts(
        plain * rate_in,
        cached * rate_read,
        written * rate_write,
        c * rate_out,
        reasoning * rate_out,
    )


def usage_in_body(body: bytes) -> dict[str, Any] | None:
    """The top-level ``usage`` object of a JSON body, found from the end.

    A literal ``"usage"`` followed by ``:`` can only be a key (inside a JSON
    string its quotes would be escaped). The object is cut out by counting
    braces (usage objects hold numbers and nested objects, no strings with
    braces) and parsed alone; anything unexpected falls back to a full parse.
    """
    i = body.rfind(b'"usage"')
    if i < 0:
        return None
    j = i + 7
    n = len(body)
    while j < n and body[j] in b" \t\r\n":
        j += 1
    if j >= n or body[j] != 58:  # ':'
        return _full_parse(body)
    start = body.find(b"{", j)
    if start < 0 or body[j + 1 : start].strip():
        return None  # "usage": null (or not an object)
    depth = 1
    pos = start + 1
    while depth:
        close = body.find(b"}", pos)
        if close < 0:
            return _full_parse(body)
        opened = body.find(b"{", pos, close)
        if opened >= 0:
            depth += 1
            pos = opened + 1
        else:
            depth -= 1
            pos = close + 1
    try:
        found = orjson.loads(body[start:pos])
    except orjson.JSONDecodeError:
        return _full_parse(body)
    return found if isinstance(found, dict) else None


def _full_parse(body: bytes) -> dict[str, Any] | None:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    usage = obj.get("usage") if isinstance(obj, dict) else None
    return usage if isinstance(usage, dict) else None


def format_usd(usd: float) -> bytes:
    """Fixed-point dollars, no exponent, trailing zeros dropped: ``b"0.0000165"``."""
    text = b"%.12f" % usd
    text = text.rstrip(b"0").rstrip(b".")
    return text or b"0"


class Pricer:
    """One deployment's prices, bound: ``pricer(usage)`` is the cost in USD."""

    __slots__ = ("prices",)

    def __init__(self, prices: ModelPrices) -> None:
        self.prices = prices

    def __call__(self, usage: Mapping[str, Any] | None) -> float | None:
        return cost_of(usage, self.prices)

    def header(self, usage: Mapping[str, Any] | None) -> tuple[float | None, bytes | None]:
        """The cost and its ``x-routeiq-response-cost`` value (``None`` without usage)."""
        cost = cost_of(usage, self.prices)
        return cost, (None if cost is None else format_usd(cost))
