"""LiteLLM's ``x-litellm-*`` response headers, mirrored from the gateway's own.

LiteLLM proxy users read ``x-litellm-call-id`` (to find a request in the logs),
``x-litellm-model-id`` (the deployment that answered), ``x-litellm-model-group``,
``x-litellm-response-cost`` and ``x-litellm-response-duration-ms`` from every answer.
The gateway already sends each fact under its own name (``x-request-id``,
``x-routeiq-deployment``, ``x-routeiq-model``, ``x-routeiq-response-cost``,
``x-routeiq-request-ms``), so one pass over a response's headers adds the LiteLLM
names with the same values, for every surface and every error, in one place
(``asgi/request_id.py`` calls it on each response start). I/O-free.

``x-litellm-model-group`` is what LiteLLM 1.110.2 sends: the name the client asked
for (an alias or a wildcard's match included), but after a fallback the fallback's
group (and after a learned route the group it chose). The decision headers send it,
with ``x-litellm-attempted-retries``, ``-attempted-fallbacks``, ``-model-name`` (the
deployment's ``litellm_params.model``) and ``-model-api-base`` (its address without
query or credentials), when a deployment was called (:func:`attempt_headers`);
otherwise (an error before routing) it is the name asked for, from ``x-routeiq-model``.
``x-litellm-key-spend`` is the key's spend before the request plus this answer's
cost, on every model request (0 plus the cost for a key without a record, as
LiteLLM's master key).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from routeiq.asgi.headers import header_text

#: The gateway's header -> LiteLLM's name for the same value.
ALIASES: dict[bytes, bytes] = {
    b"x-routeiq-deployment": b"x-litellm-model-id",
    b"x-routeiq-model": b"x-litellm-model-group",
    b"x-routeiq-response-cost": b"x-litellm-response-cost",
    b"x-routeiq-request-ms": b"x-litellm-response-duration-ms",
}
CALL_ID = b"x-litellm-call-id"
KEY_SPEND = b"x-litellm-key-spend"
_MODEL = b"x-routeiq-model"
_COST = b"x-routeiq-response-cost"
_ALIAS_ITEMS = tuple(ALIASES.items())
#: Every name this module adds: one already in the response is not repeated.
_OURS = frozenset({CALL_ID, KEY_SPEND, *ALIASES.values()})


def attempt_headers(ctx: Any) -> list[tuple[bytes, bytes]]:
    """LiteLLM's headers about the deployment call(s) of ``ctx`` (a RequestContext
    whose ``group`` is set: at least one attempt was made)."""
    group = ctx.group if ctx.fallbacks or ctx.route is not None else (ctx.model or ctx.group)
    out = [
        (b"x-litellm-model-group", header_text(group)),
        (b"x-litellm-attempted-retries", b"%d" % max(0, ctx.attempts - 1 - ctx.fallbacks)),
        (b"x-litellm-attempted-fallbacks", b"%d" % ctx.fallbacks),
    ]
    dep = ctx.served_by
    if dep is not None:
        out.append((b"x-litellm-model-name", header_text(f"{dep.provider}/{dep.upstream_model}")))
        if dep.api_base:
            out.append((b"x-litellm-model-api-base", public_base(dep.api_base)))
    return out


@lru_cache(maxsize=1024)
def public_base(api_base: str) -> bytes:
    """``api_base`` as LiteLLM shows it: no query (it may hold a key), and here no
    user:password either."""
    try:
        parts = urlsplit(api_base)
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        text = urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        text = ""
    return header_text(text)


def litellm_headers(
    headers: Sequence[tuple[bytes, bytes]], request_id: bytes, key_spend: float | None = None
) -> list[tuple[bytes, bytes]]:
    """The ``x-litellm-*`` headers for a response carrying ``headers``: the call id
    (the request id) always, the others where the gateway's header is present, and
    ``x-litellm-key-spend`` (``key_spend`` plus the answer's cost) on a model
    request. A header the response already carries under LiteLLM's name is not
    repeated.

    Runs on every response start (~25 headers on a chat answer): one C-level dict
    build and a handful of lookups, not a Python pass over every header."""
    out = [(CALL_ID, request_id)]
    found = dict(headers)
    for name, alias in _ALIAS_ITEMS:
        value = found.get(name)
        if value is not None:
            out.append((alias, value))
    if _MODEL in found:
        cost = 0.0
        value = found.get(_COST)
        if value is not None:
            try:
                cost = float(value)
            except ValueError:
                cost = 0.0
        out.append((KEY_SPEND, str((key_spend or 0.0) + cost).encode()))
    if not _OURS.isdisjoint(found):
        present = _OURS.intersection(found)
        out = [h for h in out if h[0] not in present]
    return out
