"""LiteLLM's ``x-litellm-*`` response headers, mirrored from the gateway's own.

LiteLLM proxy users read ``x-litellm-call-id`` (to find a request in the logs),
``x-litellm-model-id`` (the deployment that answered), ``x-litellm-model-group``,
``x-litellm-response-cost`` and ``x-litellm-response-duration-ms`` from every answer.
The gateway already sends each fact under its own name (``x-request-id``,
``x-routeiq-deployment``, ``x-routeiq-model``, ``x-routeiq-response-cost``,
``x-routeiq-request-ms``), so one pass over a response's headers adds the LiteLLM
names with the same values, for every surface and every error, in one place
(``asgi/request_id.py`` calls it on each response start). I/O-free.

``x-litellm-model-group`` is the group that served, as LiteLLM sends it: after a
fallback, the fallback's group. The decision headers send it themselves when a
deployment was called (``RequestContext.group``); otherwise (an error before routing)
it is the group asked for, from ``x-routeiq-model``.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The gateway's header -> LiteLLM's name for the same value.
ALIASES: dict[bytes, bytes] = {
    b"x-routeiq-deployment": b"x-litellm-model-id",
    b"x-routeiq-model": b"x-litellm-model-group",
    b"x-routeiq-response-cost": b"x-litellm-response-cost",
    b"x-routeiq-request-ms": b"x-litellm-response-duration-ms",
}
CALL_ID = b"x-litellm-call-id"


def litellm_headers(
    headers: Sequence[tuple[bytes, bytes]], request_id: bytes
) -> list[tuple[bytes, bytes]]:
    """The ``x-litellm-*`` headers for a response carrying ``headers``: the call id
    (the request id) always, the others where the gateway's header is present. A
    header the response already carries under LiteLLM's name is not repeated."""
    out = [(CALL_ID, request_id)]
    present = set()
    for name, value in headers:
        alias = ALIASES.get(name)
        if alias is not None:
            out.append((alias, value))
        elif name.startswith(b"x-litellm-"):
            present.add(name)
    if present:
        out = [h for h in out if h[0] not in present]
    return out
