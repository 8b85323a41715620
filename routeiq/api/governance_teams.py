"""Governance admin routes for teams and their members: ``/team/*``."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from routeiq.api.governance_base import AdminState, Route, delete, fields, team_allowed, update, who
from routeiq.api.governance_spend import Query
from routeiq.asgi.types import Receive, Scope
from routeiq.errors import BadRequest
from routeiq.governance import schemas as s


async def team_new(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.TeamNew)
    data = fields(body, "team_id", "members_with_roles")
    team_id = body.team_id or secrets.token_hex(8)
    exists = BadRequest(f"Team {team_id!r} exists; use /team/update", param="team_id")
    if team_id in a.gov.records["team"]:
        raise exists
    data["members_with_roles"] = [m.model_dump() for m in body.members_with_roles or []]
    data["created_at"] = time.time()
    await a.create("team", team_id, data, exists)
    return {"team_id": team_id, **data, "spend": 0.0}


async def team_update(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await update(a, "team", "team_id", await a.body(scope, receive, s.TeamUpdate))


async def team_delete(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.TeamDelete)
    return {"deleted_teams": await delete(a, "team", body.team_ids)}


async def _members(a: AdminState, team_id: str, edit: Callable[[list[Any]], list[Any]]) -> Any:
    def apply(data: dict[str, Any]) -> None:
        data["members_with_roles"] = edit(list(data.get("members_with_roles") or []))

    return {"team_id": team_id, **(await a.change("team", team_id, apply))}


async def member_add(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.MemberAdd)
    team_allowed(who(scope), body.team_id)
    new = body.member if isinstance(body.member, list) else [body.member]

    def edit(members: list[Any]) -> list[Any]:
        ids = {m.user_id for m in new}
        return [m for m in members if m.get("user_id") not in ids] + [m.model_dump() for m in new]

    return await _members(a, body.team_id, edit)


async def member_delete(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.MemberDelete)
    team_allowed(who(scope), body.team_id)
    return await _members(
        a, body.team_id, lambda ms: [m for m in ms if m.get("user_id") != body.user_id]
    )


async def team_info(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    team_id = q.get("team_id")
    if not team_id:
        raise BadRequest("give ?team_id=", param="team_id")
    team_allowed(who(scope), team_id)
    info = await a.existing("team", team_id)
    keys = [p.id for p in a.gov.keys.values() if p.team_id == team_id]
    return {"team_id": team_id, "team_info": {"team_id": team_id, **info}, "keys": keys}


async def team_list(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    rows, _ = await a.db.list_records("team", 0, 100_000)
    return [{"team_id": r.id, **(r.data or {}), "spend": r.spend} for r in rows]


ROUTES: dict[str, tuple[str, Route]] = {
    "/team/new": ("POST", team_new),
    "/team/update": ("POST", team_update),
    "/team/delete": ("POST", team_delete),
    "/team/member_add": ("POST", member_add),
    "/team/member_delete": ("POST", member_delete),
    "/team/info": ("GET", team_info),
    "/team/list": ("GET", team_list),
}
