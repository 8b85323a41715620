"""ASGI type aliases and the per-request context carried in the scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CTX_KEY = "routeiq.ctx"


class RequestContext:
    """What the middleware learns about a request, for the handlers and telemetry."""

    __slots__ = (
        "admission",
        "answered",
        "api_key",
        "attempts",
        "cost",
        "deployment",
        "end_user",
        "fallbacks",
        "group",
        "key_id",
        "key_name",
        "key_spend",
        "model",
        "principal",
        "request_id",
        "route",
        "served_by",
        "started",
        "status",
        "team",
        "trace",
        "usage",
        "user",
    )

    def __init__(self, request_id: str, started: float) -> None:
        self.request_id = request_id
        self.started = started  # time.perf_counter() at arrival
        self.api_key: str | None = None
        self.key_name: str | None = None
        self.team: str | None = None
        self.user: str | None = None
        # Virtual keys (routeiq.governance): the key's stored hash, its record, the
        # request's end customer (the body's "user") and its admission ticket.
        self.key_id: str | None = None
        self.principal: Any = None
        self.end_user: str | None = None
        self.admission: Any = None
        # The key's spend before this request and its limits as LiteLLM's
        # x-litellm-key-* headers (set by governance admission; None: not a virtual key).
        self.key_spend: float | None = None
        self.model: str | None = None
        self.deployment: str | None = None
        self.group: str | None = None  # the model group that served (a fallback's, say)
        self.served_by: Any = None  # the Deployment of the last attempt
        self.attempts = 0
        # A byte of the answer's body went to the client (governance: what a client
        # that left is charged, Governance.finish).
        self.answered = False
        self.fallbacks = 0  # attempts on another group than the one before (LiteLLM's count)
        self.status = 0
        self.usage: dict[str, Any] | None = None
        self.cost: float | None = None  # USD of the answer, when its deployment is priced
        self.route: bytes | None = None  # a learned route's decision (x-routeiq-route)
        self.trace: Any = None  # routeiq.tracecontext.RequestTrace, set at arrival

    def begin_attempt(self, dep: Any) -> None:
        """Note one attempt on the deployment ``dep`` (a ``routeiq.deployment.Deployment``):
        a change of model group after the first attempt is a fallback, the same group
        again a retry (LiteLLM's ``x-litellm-attempted-fallbacks`` / ``-retries``)."""
        group: str = dep.model_name
        if self.attempts and group != self.group:
            self.fallbacks += 1
        self.deployment = dep.id
        self.group = group
        self.served_by = dep
        self.attempts += 1


def get_ctx(scope: Scope) -> RequestContext:
    ctx: RequestContext = scope[CTX_KEY]
    return ctx


def set_status(scope: Scope, status: int) -> None:
    """Record the response status for the access log and metrics (when the request
    went through the request-id middleware, which puts the context in the scope)."""
    ctx = scope.get(CTX_KEY)
    if ctx is not None:
        ctx.status = status


def header(scope: Scope, name: bytes) -> bytes | None:
    """First value of a request header (``name`` lower-case)."""
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return None


def http_scope(
    method: str, path: str, headers: list[tuple[bytes, bytes]], **extra: Any
) -> dict[str, Any]:
    """An ASGI HTTP scope as hypercorn builds one (``extra`` adds or replaces keys), for
    requests made inside the process (the console's admin calls, the test harness)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "replace"),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        **extra,
    }
