"""An in-band error of a chat stream (``data: {"error": {...}}``), read once for the
surfaces that translate chat chunks (Messages, Responses). I/O-free.

A stream that ends in an error after its headers went out tells the client in its
own format. The chat error object carries the gateway error's ``type`` and ``code``
(``routeiq/errors.py``): a guardrail that blocks mid-stream is
``invalid_request_error`` / ``guardrail_blocked`` (400), as the same block before
the first byte is answered. Each surface reports it with that status and code in
its own shape, so one block reads the same on a stream and off it: Messages' error
event ``invalid_request_error`` (not ``api_error``), a Responses ``response.failed``
with ``code: guardrail_blocked`` (not ``server_error``). An error without a known
type stays a server error (500), as before.
"""

from __future__ import annotations

from typing import Any

# The gateway's error types (and the upstreams' usual ones) -> their HTTP status.
_STATUS_BY_TYPE = {
    "invalid_request_error": 400,
    "budget_exceeded": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "requests": 429,
    "tokens": 429,
    "upstream_error": 502,
    "service_unavailable": 503,
    "timeout_error": 504,
}


def inband_error(obj: dict[str, Any]) -> tuple[int, str, str | None]:
    """``(status, message, code)`` of a chat stream's in-band error object."""
    err = obj.get("error")
    if isinstance(err, str):
        return 500, err, None
    if not isinstance(err, dict):
        return 500, "Error", None
    message = err.get("message")
    kind = err.get("type")
    code = err.get("code")
    status = _STATUS_BY_TYPE.get(kind, 500) if isinstance(kind, str) else 500
    return (
        status,
        str(message) if message is not None else "Error",
        code if isinstance(code, str) and code else None,
    )
