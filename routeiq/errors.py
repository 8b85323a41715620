"""One error hierarchy for the whole gateway.

Every error a client can see maps to an HTTP status and an OpenAI-style body
``{"error": {"message", "type", "code", "param"}}``. Third-party and timeout
errors are translated into these at the boundary where they occur, so nothing
else ever reaches the client (and nothing becomes a 500 with a stack trace)::

    RouteIQError
    ├── ClientError                      4xx: the caller can fix it
    │   ├── BadRequest            400    invalid_request_error
    │   │   ├── InvalidJSON       400
    │   │   ├── GuardrailBlocked  400    code=guardrail_blocked
    │   │   └── BudgetExceeded    400    type=budget_exceeded (LiteLLM's shape)
    │   ├── Unauthorized          401    authentication_error
    │   ├── Forbidden             403    permission_error (ModelNotAllowed: model_not_allowed)
    │   ├── NotFound              404    (ModelNotFound: code=model_not_found)
    │   ├── MethodNotAllowed      405
    │   ├── RequestTimeout        408    the body did not arrive in time
    │   ├── Conflict              409    changed by a concurrent edit; read it again
    │   ├── PayloadTooLarge       413
    │   ├── UnsupportedMediaType  415
    │   ├── RateLimited           429    (Retry-After)
    │   ├── UpstreamRejected      4xx    the upstream's own 400/413/422/429, passed on
    │   └── ClientClosed          499    the client went away; never held against an upstream
    └── ServerError                      5xx: not the caller's fault
        ├── InternalError         500    a bug; message never includes internals
        ├── UpstreamError         502    bad gateway
        ├── Unavailable           503    (Overloaded, Draining, UpstreamUnavailable; Retry-After)
        └── UpstreamTimeout       504
"""

from __future__ import annotations

from typing import Any

import orjson


class RouteIQError(Exception):
    status: int = 500
    type: str = "api_error"
    code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.param = param
        self.headers: dict[str, str] = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "code": self.code,
                "param": self.param,
            }
        }

    def body_bytes(self) -> bytes:
        return orjson.dumps(self.body())


class ClientError(RouteIQError):
    status = 400
    type = "invalid_request_error"


class BadRequest(ClientError):
    status = 400
    code = "invalid_request"


class InvalidJSON(BadRequest):
    code = "invalid_json"


class GuardrailBlocked(BadRequest):
    code = "guardrail_blocked"


class BudgetExceeded(BadRequest):
    """A key, team, user or customer would exceed its max_budget (LiteLLM answers 400 too)."""

    type = "budget_exceeded"
    code = "budget_exceeded"


class Unauthorized(ClientError):
    status = 401
    type = "authentication_error"
    code = "invalid_api_key"


class Forbidden(ClientError):
    status = 403
    type = "permission_error"
    code = "forbidden"


class ModelNotAllowed(Forbidden):
    code = "model_not_allowed"


class NotFound(ClientError):
    status = 404
    type = "not_found_error"
    code = "not_found"


class ModelNotFound(NotFound):
    code = "model_not_found"


class MethodNotAllowed(ClientError):
    status = 405
    code = "method_not_allowed"


class Conflict(ClientError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ClientError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ClientError):
    status = 415
    code = "unsupported_media_type"


class RateLimited(ClientError):
    status = 429
    type = "rate_limit_error"
    code = "rate_limited"


class UpstreamRejected(ClientError):
    """The upstream refused the request as the client's fault (400, 413, 422, 429...).

    The status is the upstream's own; the message is the upstream's message.
    """

    code = "upstream_rejected"

    def __init__(self, status: int, message: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.status = status
        if status == 429:
            self.type = "rate_limit_error"
            self.code = "rate_limited"


class RequestTimeout(ClientError):
    """The request body did not arrive within ``routeiq.server.body_timeout``."""

    status = 408
    code = "request_timeout"


class ClientClosed(ClientError):
    """The client disconnected. Logged as 499; never counted against an upstream."""

    status = 499
    code = "client_closed_request"


class ServerError(RouteIQError):
    status = 500
    type = "api_error"


class InternalError(ServerError):
    code = "internal_error"


class UpstreamError(ServerError):
    status = 502
    type = "upstream_error"
    code = "bad_gateway"


class Unavailable(ServerError):
    status = 503
    type = "service_unavailable"
    code = "service_unavailable"


class Overloaded(Unavailable):
    code = "overloaded"


class Draining(Unavailable):
    code = "draining"


class ShuttingDown(Unavailable):
    """The drain deadline cut this request (sent in-band on a stream that had begun)."""

    type = "server_shutting_down"
    code = "server_shutting_down"


class UpstreamUnavailable(Unavailable):
    code = "upstream_unavailable"


class UpstreamTimeout(ServerError):
    status = 504
    type = "upstream_error"
    code = "upstream_timeout"


def error_response_parts(
    err: RouteIQError, body: bytes | None = None
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body for an error, ready for an ASGI ``send`` (``body``:
    the error already rendered in another surface's shape)."""
    if body is None:
        body = err.body_bytes()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    for k, v in err.headers.items():
        headers.append((k.lower().encode("latin-1"), v.encode("latin-1")))
    return err.status, headers, body
