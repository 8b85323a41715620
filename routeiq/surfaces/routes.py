"""Surface routes with an id in the path (``/v1/responses/{id}``...), in front of
the rest of the app; the fixed paths are in the app's hot route table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, get_ctx
from routeiq.errors import ClientClosed, RouteIQError
from routeiq.surfaces import endpoints, responses

if TYPE_CHECKING:
    from routeiq.gateway import Gateway


class SurfaceRoutes:
    def __init__(self, gw: Gateway, inner: ASGIApp) -> None:
        self.gw = gw
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        if path.startswith(responses.PREFIX):
            handler = responses.by_id
        elif path.startswith(endpoints.MODELS_PREFIX):
            handler = endpoints.model_by_id
        else:
            await self.inner(scope, receive, send)
            return
        ctx = get_ctx(scope)
        try:
            await handler(self.gw, scope, receive, send)
        except ClientClosed:
            ctx.status = 499
        except RouteIQError as err:
            ctx.status = err.status
            await send_error(send, err)


def mount(gw: Gateway, inner: ASGIApp) -> ASGIApp:
    return SurfaceRoutes(gw, inner)
