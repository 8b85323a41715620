"""The console's pages: ``(method, path below /ui) -> handler``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from routeiq.console.core import Ctx, Done, Download, Page
from routeiq.console.pages import agents, cache, guardrails, keys, models, overview, routing, spend

Handler = Callable[[Ctx], Awaitable[Page | Done | Download]]

ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/"): overview.view,
    ("GET", "/keys"): keys.view,
    ("GET", "/keys/edit"): keys.edit,
    ("POST", "/keys/create"): keys.create,
    ("POST", "/keys/update"): keys.update,
    ("POST", "/keys/block"): keys.block,
    ("POST", "/keys/unblock"): keys.unblock,
    ("POST", "/keys/delete"): keys.delete,
    ("POST", "/teams/create"): keys.team_create,
    ("GET", "/spend"): spend.view,
    ("GET", "/spend.csv"): spend.export,
    ("GET", "/models"): models.view,
    ("POST", "/models/add"): models.add,
    ("POST", "/models/delete"): models.delete,
    ("GET", "/guardrails"): guardrails.view,
    ("GET", "/cache"): cache.view,
    ("POST", "/cache/flush"): cache.flush,
    ("GET", "/agents"): agents.view,
    ("POST", "/agents/mcp/add"): agents.mcp_add,
    ("POST", "/agents/mcp/delete"): agents.mcp_delete,
    ("POST", "/agents/a2a/add"): agents.a2a_add,
    ("POST", "/agents/a2a/delete"): agents.a2a_delete,
    ("GET", "/routing"): routing.view,
}
