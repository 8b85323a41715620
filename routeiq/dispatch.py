"""One route table and one error boundary.

Every HTTP request is found through one table: the hot-path handlers by exact
path (a dict lookup: chat, embeddings, models, health, metrics), then the
mounted surfaces (A2A, MCP, cache admin, governance admin, config admin,
learned routes) by exact path or prefix, then the Quart app (admin and debug
blueprints, the lifespan, and the 404 for anything else). Whatever a route
raises as a gateway error is answered by the one error boundary
(``asgi/boundary.py``) around the route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from routeiq.asgi.boundary import error_boundary
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send
from routeiq.errors import MethodNotAllowed, RouteIQError
from routeiq.gateway import Gateway

Handler = Callable[[Gateway, Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Mount:
    """A surface served by its own ASGI app: its exact paths and its path prefixes."""

    name: str
    app: ASGIApp
    paths: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()


class Dispatcher:
    """The route table (see the module docstring); ``fallback`` gets the rest."""

    def __init__(
        self,
        gw: Gateway,
        hot: Mapping[str, tuple[str, Handler]],
        mounts: Sequence[Mount],
        fallback: ASGIApp,
    ) -> None:
        self.gw = gw
        self.hot = dict(hot)
        self.fallback = fallback
        self.exact = {p: m.app for m in mounts for p in m.paths}
        self.prefixed = [(m.prefixes, m.app) for m in mounts if m.prefixes]

    def find(self, path: str) -> ASGIApp | None:
        app = self.exact.get(path)
        if app is not None:
            return app
        for prefixes, app in self.prefixed:
            if path.startswith(prefixes):
                return app
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        path = scope["path"]
        route = self.hot.get(path)
        try:
            if route is not None:
                method, handler = route
                if scope["method"] != method and not (
                    method == "GET" and scope["method"] == "HEAD"
                ):
                    raise MethodNotAllowed(f"Use {method} on {path}")
                await handler(self.gw, scope, receive, send)
                return
            app = self.find(path)
            await (self.fallback if app is None else app)(scope, receive, send)
        except RouteIQError as err:
            await error_boundary(scope, send, err)
