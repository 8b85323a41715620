"""Admin and informational routes, served by Quart-Trio (off the hot path)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from quart import Blueprint, request

from routeiq.asgi.types import Scope
from routeiq.jsonrpc_asgi import require_master

if TYPE_CHECKING:
    from routeiq.gateway import Gateway


def blueprint(gw: Gateway) -> Blueprint:
    bp = Blueprint("admin", __name__)

    @bp.get("/routeiq/info")
    async def info() -> dict[str, Any]:
        # Config path, every deployment id, load: for operators only.
        require_master(cast(Scope, request.scope), gw.keys)
        return {
            "name": "routeiq",
            "version": gw.version,
            "config": gw.config.source,
            "models": {
                name: [d.id for d in deps] for name, deps in sorted(gw.config.groups.items())
            },
            "in_flight": gw.lifecycle.in_flight,
            "draining": gw.lifecycle.draining,
        }

    return bp
