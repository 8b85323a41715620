"""HTTP routes of learned routing, pure ASGI in front of the rest of the app.

- ``POST /routeiq/feedback`` (any valid key): ``{"request_id" or "response_id": str,
  "score": 0..1, "label": str?}`` -> 202 ``{"accepted": true}``; joined to the
  request's decision row in the decision log.
- ``POST /routeiq/router/reload`` (master key): reload every learned route's files
  now; answers each route's version (and the error of any file that failed: that
  route keeps its previous version).
- ``GET /routeiq/router`` (master key): the same summary, with shadow statistics.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from routeiq.asgi.auth import KeyRing
from routeiq.asgi.respond import send_error, send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, get_ctx
from routeiq.errors import ClientClosed, MethodNotAllowed, NotFound, RouteIQError
from routeiq.jsonrpc_asgi import read_model, require_master
from routeiq.learned.service import LearnedRouting

__all__ = ["Feedback", "mount"]

FEEDBACK = "/routeiq/feedback"
ROUTER = "/routeiq/router"


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str | None = Field(default=None, min_length=1, max_length=256)
    response_id: str | None = Field(default=None, min_length=1, max_length=256)
    score: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)
    label: str | None = Field(default=None, max_length=256)

    @model_validator(mode="after")
    def _one_id(self) -> Feedback:
        if (self.request_id is None) == (self.response_id is None):
            raise ValueError("give exactly one of request_id, response_id")
        return self


class LearnedApp:
    def __init__(self, routing: LearnedRouting, inner: ASGIApp, keys: KeyRing | None) -> None:
        self.routing = routing
        self.inner = inner
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == FEEDBACK or path.startswith(ROUTER)):
            await self.inner(scope, receive, send)
            return
        try:
            status = await self._route(scope, receive, send, path)
            _set_status(scope, status)
        except ClientClosed:
            _set_status(scope, 499)
        except RouteIQError as err:
            _set_status(scope, err.status)
            await send_error(send, err)

    async def _route(self, scope: Scope, receive: Receive, send: Send, path: str) -> int:
        method = scope["method"]
        if path == FEEDBACK:
            if method != "POST":
                raise MethodNotAllowed("Use POST", headers={"allow": "POST"})
            fb = await read_model(scope, receive, Feedback, 16 * 1024)
            ref = fb.request_id or fb.response_id
            assert ref is not None
            logs = self.routing.feedback(ref, fb.score, fb.label)
            await send_json(send, 202, {"accepted": logs > 0, "ref": ref})
            return 202
        require_master(scope, self.keys)
        if path == ROUTER:
            if method not in ("GET", "HEAD"):
                raise MethodNotAllowed("Use GET", headers={"allow": "GET"})
            await send_json(send, 200, {"routes": self.routing.summary()})
            return 200
        if path == ROUTER + "/reload":
            if method != "POST":
                raise MethodNotAllowed("Use POST", headers={"allow": "POST"})
            await send_json(send, 200, {"routes": await self.routing.reload()})
            return 200
        raise NotFound(f"No route {path[:100]!r}")


def _set_status(scope: Scope, status: int) -> None:
    if scope.get("routeiq.ctx") is not None:
        get_ctx(scope).status = status


def mount(routing: LearnedRouting, inner: ASGIApp, keys: KeyRing | None = None) -> ASGIApp:
    return LearnedApp(routing, inner, keys)
