"""LiteLLM's cost-breakdown response headers (I/O-free, microseconds).

LiteLLM 1.110.2's proxy sends, beside ``x-litellm-response-cost`` (the total), the
parts of that total (``litellm/proxy/common_request_processing.py::cost_headers``, read
in the pinned wheel):

- ``-original``: the cost before discount and margin; ``-discount-amount``,
  ``-margin-amount``, ``-margin-percent``: LiteLLM's ``cost_discount_config`` and
  ``cost_margin_config``, ``0.0`` without them. RouteIQ has neither, so the original
  is the total and the three are ``0``: what LiteLLM sends when none is configured.
- ``-input`` (uncached prompt tokens), ``-output`` (completion tokens, reasoning
  included), and only when above zero ``-cache-read``, ``-cache-creation`` and
  ``-reasoning`` (the part of the output spent on reasoning tokens).
- ``-tool-usage``: built-in tools (web search...). RouteIQ's price table does not
  price them, so neither the total nor this part counts them: ``0``.

A cache hit costs nothing: LiteLLM then sends the total and every part as ``0.0``
(a priced model only); :data:`ZERO_COST_HEADERS` are those, sent by ``cache/request.py``.

Values are fixed-point dollars like ``x-routeiq-response-cost`` (``0.0000165``; LiteLLM
writes Python floats, ``1.65e-05``: the same number to a float parser). Sent with the
total, on whole (non-streamed) answers of a priced deployment; LiteLLM sends none
when the price is unknown, and neither does RouteIQ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routeiq.pricing.cost import COST_HEADER, CostParts, Pricer, cost_parts, format_usd

ORIGINAL = b"x-litellm-response-cost-original"
DISCOUNT_AMOUNT = b"x-litellm-response-cost-discount-amount"
MARGIN_AMOUNT = b"x-litellm-response-cost-margin-amount"
MARGIN_PERCENT = b"x-litellm-response-cost-margin-percent"
INPUT = b"x-litellm-response-cost-input"
OUTPUT = b"x-litellm-response-cost-output"
CACHE_READ = b"x-litellm-response-cost-cache-read"
CACHE_CREATION = b"x-litellm-response-cost-cache-creation"
REASONING = b"x-litellm-response-cost-reasoning"
TOOL_USAGE = b"x-litellm-response-cost-tool-usage"

Headers = list[tuple[bytes, bytes]]

#: A cache hit of a priced model group: the cost and each part LiteLLM sends, zero.
ZERO_COST_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name, b"0")
    for name in (
        COST_HEADER,
        ORIGINAL,
        DISCOUNT_AMOUNT,
        MARGIN_AMOUNT,
        MARGIN_PERCENT,
        INPUT,
        OUTPUT,
        TOOL_USAGE,
    )
)


def breakdown_headers(parts: CostParts, total: bytes) -> Headers:
    """The breakdown of an answer whose total (already formatted) is ``total``."""
    out = [
        (ORIGINAL, total),
        (DISCOUNT_AMOUNT, b"0"),
        (MARGIN_AMOUNT, b"0"),
        (MARGIN_PERCENT, b"0"),
        (INPUT, format_usd(parts.input)),
        (OUTPUT, format_usd(parts.output)),
    ]
    if parts.cache_read > 0:
        out.append((CACHE_READ, format_usd(parts.cache_read)))
    if parts.cache_creation > 0:
        out.append((CACHE_CREATION, format_usd(parts.cache_creation)))
    if parts.reasoning > 0:
        out.append((REASONING, format_usd(parts.reasoning)))
    out.append((TOOL_USAGE, b"0"))
    return out


def cost_headers(pricer: Pricer, usage: Mapping[str, Any] | None) -> tuple[float | None, Headers]:
    """The answer's cost and its headers: ``x-routeiq-response-cost`` (mirrored as
    ``x-litellm-response-cost`` by ``asgi/litellm_headers.py``) and the breakdown;
    ``(None, [])`` without usage."""
    parts = cost_parts(usage, pricer.prices)
    if parts is None:
        return None, []
    cost = parts.input + parts.cache_read + parts.cache_creation + parts.output
    total = format_usd(cost)
    return cost, [(COST_HEADER, total), *breakdown_headers(parts, total)]
