"""The LiteLLM-compatible admin API for virtual keys, teams, users, customers and spend.

Pure ASGI in front of the rest of the app, JSON in and out, OpenAI-shape
errors. The master key may call every route; a team admin's virtual key the
team's share of the key, member and spend routes, and any virtual key its own
``/key/info`` (``routeiq.governance.roles``). Every write goes to the database
first and then into this process's record cache at once; other processes see
it through the change poll (``routeiq.governance.service``). Paths:

    POST /key/generate /key/update /key/delete /key/block /key/unblock /key/regenerate
    GET  /key/info?key=  /key/list?page=&size=&team_id=&user_id=
    POST /team/new /team/update /team/delete /team/member_add /team/member_delete
    GET  /team/info?team_id=  /team/list
    POST /user/new /user/delete        GET /user/info?user_id=  /user/list
    POST /customer/new /customer/update /customer/delete   GET /customer/info?end_user_id=
    GET  /spend/logs?api_key=&team_id=&user_id=&start_date=&end_date=&page=&page_size=
    GET  /global/spend/report?start_date=&end_date=&group_by=team|key|model|user
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import trio
from pydantic import BaseModel

from routeiq.api.governance_spend import (
    MAX_PAGE,
    Query,
    int_arg,
    iso_time,
    spend_logs,
    spend_report,
)
from routeiq.asgi.auth import KeyRing, presented_key
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, set_status
from routeiq.errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    Unavailable,
)
from routeiq.governance import schemas as s
from routeiq.governance.duration import parse_duration
from routeiq.governance.records import Principal
from routeiq.governance.roles import CALLER, MASTER, Caller, caller_for_key
from routeiq.governance.service import Governance
from routeiq.governance.tokens import hash_key, key_id, new_key
from routeiq.jsonrpc_asgi import read_model

PREFIXES = ("/key/", "/team/", "/user/", "/customer/", "/spend/", "/global/spend/")
BODY_LIMIT = 64 * 1024
Route = Callable[["GovernanceAdmin", Scope, Receive, Query], Awaitable[Any]]


def _fields(body: BaseModel, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if k not in skip}


class GovernanceAdmin:
    def __init__(self, gov: Governance, inner: ASGIApp, keys: KeyRing | None) -> None:
        self.gov = gov
        self.db = gov.db
        self.inner = inner
        self.keys = keys
        # Every change is a read-modify-write (or an "exists?" check and a write) with
        # database awaits in between: one at a time in this process, or concurrent
        # ones overwrite each other. Admin writes are rare and off the request path,
        # and their bodies were read before routing (BodyGate), so no client holds it.
        self._writes = trio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIXES):
            await self.inner(scope, receive, send)
            return
        # Errors are answered by the one error boundary (routeiq.dispatch).
        caller = self._caller(scope)
        if not caller.may_route(path):
            raise Forbidden(
                "This admin route needs the master key"
                + (" or a team admin's key" if path in ROUTES and caller.key_id else "")
            )
        scope[CALLER] = caller
        if not self.gov.ready:
            raise Unavailable("The key database is not open yet", headers={"retry-after": "1"})
        entry = ROUTES.get(path)
        if entry is None:
            raise NotFound(f"No admin route {path}")
        method, route = entry
        if scope["method"] != method:
            raise MethodNotAllowed(f"Use {method} on {path}", headers={"allow": method})
        raw = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        query = {k: v[-1] for k, v in raw.items()}
        if method == "POST":
            async with self._writes:
                result = await route(self, scope, receive, query)
        else:
            result = await route(self, scope, receive, query)
        set_status(scope, 200)
        await send_json(send, 200, result)

    def _caller(self, scope: Scope) -> Caller:
        if self.keys is None or not self.keys:  # auth is off
            return MASTER
        token = presented_key(scope)
        info = self.keys.lookup(token) if token is not None else None
        if info is not None and info.is_master:
            return MASTER
        ctx = scope.get("routeiq.ctx")
        key = getattr(ctx, "principal", None) if info is None else None
        if isinstance(key, Principal):  # a virtual key the auth layer admitted
            return caller_for_key(key, self.gov.records["team"])
        return Caller(master=False)

    async def body(self, scope: Scope, receive: Receive, model: type[s.M]) -> s.M:
        return await read_model(scope, receive, model, BODY_LIMIT)

    # -- helpers ------------------------------------------------------------------------

    async def _save(self, kind: str, ident: str, data: dict[str, Any]) -> None:
        await self.db.put(kind, ident, data)
        await self.gov.refresh()  # this process sees its own write at once

    async def _existing(self, kind: str, ident: str) -> dict[str, Any]:
        row = await self.db.get(kind, ident)
        if row is None or row.data is None:
            raise NotFound(f"No {kind} {ident!r}", code=f"{kind}_not_found")
        return {**row.data, "spend": row.spend}

    def _check_refs(self, data: dict[str, Any]) -> None:
        team = data.get("team_id")
        if team is not None and team not in self.gov.records["team"]:
            raise BadRequest(f"No team {team!r}: create it with /team/new", param="team_id")

    def _key_out(self, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in data.items() if k != "spend"}
        out.update(
            token=ident,
            expires=iso_time(data.get("expires_at")),
            created_at=iso_time(data.get("created_at")),
            spend=data.get("spend", 0.0),
        )
        return out


async def _delete(a: GovernanceAdmin, kind: str, idents: list[str]) -> list[str]:
    """Delete the records that exist (404 if none did); every process drops them."""
    deleted = [i for i in dict.fromkeys(idents) if await a.db.delete(kind, i)]
    if not deleted:
        raise NotFound(f"None of these {kind}s exist", code=f"{kind}_not_found")
    await a.gov.refresh()
    return deleted


def _who(scope: Scope) -> Caller:
    caller = scope.get(CALLER)
    return caller if isinstance(caller, Caller) else Caller(master=False)


def _team_allowed(caller: Caller, team_id: str | None) -> None:
    if not caller.may_team(team_id):
        what = f"team {team_id!r}" if team_id else "keys outside a team"
        raise Forbidden(f"This key is not an admin of {what}", code="not_team_admin")


async def _key_record(a: GovernanceAdmin, scope: Scope, ident: str) -> dict[str, Any]:
    """The stored key a caller may change (another team's key: not found, as if absent)."""
    data = await a._existing("key", ident)
    if not _who(scope).may_team(data.get("team_id")):
        raise NotFound(f"No key {ident!r}", code="key_not_found")
    return data


# -- keys ---------------------------------------------------------------------------------


def _expiry(data: dict[str, Any], now: float) -> None:
    duration = data.pop("duration", None)
    if duration is not None:
        data["expires_at"] = now + parse_duration(duration)


async def key_generate(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyGenerate)
    data = _fields(body)
    caller = _who(scope)
    if not caller.master and data.get("team_id") is None and len(caller.teams) == 1:
        data["team_id"] = next(iter(caller.teams))  # a team admin's keys join its team
    _team_allowed(caller, data.get("team_id"))
    a._check_refs(data)
    now = time.time()
    data["created_at"] = now
    _expiry(data, now)
    key = new_key()
    ident = hash_key(key)
    await a._save("key", ident, data)
    return {**a._key_out(ident, data), "key": key}


async def key_update(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyUpdate)
    ident = key_id(body.key)
    data = await _key_record(a, scope, ident)
    data.pop("spend", None)
    changes = _fields(body, "key")
    if "team_id" in changes:
        _team_allowed(_who(scope), changes["team_id"])
    a._check_refs(changes)
    data.update(changes)
    _expiry(data, time.time())
    await a._save("key", ident, data)
    return a._key_out(ident, data)


async def key_delete(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyDelete)
    idents = [key_id(k) for k in body.keys]
    aliases = set(body.key_aliases)
    if aliases:
        idents += [i for i, p in a.gov.keys.items() if p.alias in aliases]
    if not idents:
        raise BadRequest("give keys or key_aliases", param="keys")
    caller = _who(scope)
    if not caller.master:  # only the team's keys; another team's are "not found"
        idents = [i for i in idents if (p := a.gov.keys.get(i)) and caller.may_team(p.team_id)]
        if not idents:
            raise NotFound("None of these keys exist", code="key_not_found")
    return {"deleted_keys": await _delete(a, "key", idents)}


async def _set_blocked(a: GovernanceAdmin, scope: Scope, receive: Receive, blocked: bool) -> Any:
    body = await a.body(scope, receive, s.KeyRef)
    ident = key_id(body.key)
    data = await _key_record(a, scope, ident)
    data.pop("spend", None)
    data["blocked"] = blocked
    await a._save("key", ident, data)
    return a._key_out(ident, data)


async def key_block(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _set_blocked(a, scope, receive, True)


async def key_unblock(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _set_blocked(a, scope, receive, False)


async def key_regenerate(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    """A new secret for the same settings; the old one stops working."""
    body = await a.body(scope, receive, s.KeyRef)
    old = key_id(body.key)
    data = await _key_record(a, scope, old)
    data.pop("spend", None)
    key = new_key()
    ident = hash_key(key)
    await a.db.put("key", ident, data)
    await a.db.delete("key", old)
    await a.gov.refresh()
    return {**a._key_out(ident, data), "key": key}


async def key_info(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    caller = _who(scope)
    if not q.get("key") and caller.key_id is None:
        raise BadRequest("give ?key=", param="key")
    ident = key_id(q["key"]) if q.get("key") else str(caller.key_id)  # no ?key=: the caller's
    data = await a._existing("key", ident)
    if not caller.may_key(data, ident):
        raise NotFound(f"No key {ident!r}", code="key_not_found")
    return {"key": ident, "info": a._key_out(ident, data)}


def _page(items: list[Any], q: Query, size_name: str = "size") -> dict[str, Any]:
    page = int_arg(q, "page", 1, 1_000_000)
    size = int_arg(q, size_name, 10, MAX_PAGE)
    total = len(items)
    return {
        "items": items[(page - 1) * size : page * size],
        "total_count": total,
        "current_page": page,
        "total_pages": max(1, math.ceil(total / size)),
    }


async def key_list(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    keys = sorted(a.gov.keys.values(), key=lambda p: (p.rule.anchor, p.id))
    caller = _who(scope)
    if not caller.master:  # a team admin lists its teams' keys
        if q.get("team_id"):
            _team_allowed(caller, q["team_id"])
        keys = [p for p in keys if caller.may_team(p.team_id)]
    if q.get("team_id"):
        keys = [p for p in keys if p.team_id == q["team_id"]]
    if q.get("user_id"):
        keys = [p for p in keys if p.user_id == q["user_id"]]
    if q.get("key_alias"):
        keys = [p for p in keys if p.alias == q["key_alias"]]
    page = _page(keys, q)
    full = q.get("return_full_object", "").lower() == "true"
    items = page.pop("items")
    page["keys"] = [a._key_out(p.id, dict(p.data)) if full else p.id for p in items]
    return page


# -- teams ------------------------------------------------------------------------------


async def team_new(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.TeamNew)
    data = _fields(body, "team_id", "members_with_roles")
    team_id = body.team_id or secrets.token_hex(8)
    if team_id in a.gov.records["team"]:
        raise BadRequest(f"Team {team_id!r} exists; use /team/update", param="team_id")
    data["members_with_roles"] = [m.model_dump() for m in body.members_with_roles or []]
    data["created_at"] = time.time()
    await a._save("team", team_id, data)
    return {"team_id": team_id, **data, "spend": 0.0}


async def _update(a: GovernanceAdmin, kind: str, id_field: str, body: BaseModel) -> Any:
    """Merge the fields set in ``body`` into the stored record named by ``id_field``."""
    ident: str = getattr(body, id_field)
    data = await a._existing(kind, ident)
    spend = data.pop("spend", 0.0)
    data.update(_fields(body, id_field))
    await a._save(kind, ident, data)
    return {id_field: ident, **data, "spend": spend}


async def team_update(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _update(a, "team", "team_id", await a.body(scope, receive, s.TeamUpdate))


async def team_delete(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.TeamDelete)
    return {"deleted_teams": await _delete(a, "team", body.team_ids)}


async def _members(a: GovernanceAdmin, team_id: str, edit: Callable[[list[Any]], list[Any]]) -> Any:
    data = await a._existing("team", team_id)
    spend = data.pop("spend", 0.0)
    data["members_with_roles"] = edit(list(data.get("members_with_roles") or []))
    await a._save("team", team_id, data)
    return {"team_id": team_id, **data, "spend": spend}


async def member_add(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.MemberAdd)
    _team_allowed(_who(scope), body.team_id)
    new = body.member if isinstance(body.member, list) else [body.member]

    def edit(members: list[Any]) -> list[Any]:
        ids = {m.user_id for m in new}
        return [m for m in members if m.get("user_id") not in ids] + [m.model_dump() for m in new]

    return await _members(a, body.team_id, edit)


async def member_delete(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.MemberDelete)
    _team_allowed(_who(scope), body.team_id)
    return await _members(
        a, body.team_id, lambda ms: [m for m in ms if m.get("user_id") != body.user_id]
    )


async def team_info(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    team_id = q.get("team_id")
    if not team_id:
        raise BadRequest("give ?team_id=", param="team_id")
    _team_allowed(_who(scope), team_id)
    info = await a._existing("team", team_id)
    keys = [p.id for p in a.gov.keys.values() if p.team_id == team_id]
    return {"team_id": team_id, "team_info": {"team_id": team_id, **info}, "keys": keys}


async def team_list(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    rows, _ = await a.db.list_records("team", 0, 100_000)
    return [{"team_id": r.id, **(r.data or {}), "spend": r.spend} for r in rows]


# -- users and customers ----------------------------------------------------------------


async def user_new(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.UserNew)
    user_id = body.user_id or secrets.token_hex(8)
    if user_id in a.gov.records["user"]:
        raise BadRequest(f"User {user_id!r} exists", param="user_id")
    data = _fields(body, "user_id", "auto_create_key")
    a._check_refs(data)
    now = data["created_at"] = time.time()
    out = {"user_id": user_id, **data, "spend": 0.0}
    if body.auto_create_key:  # the key first: a user without its key is never seen
        key_data: dict[str, Any] = {"user_id": user_id, "created_at": now}
        for name in ("team_id", "models"):
            if data.get(name) is not None:
                key_data[name] = data[name]
        key = new_key()
        await a.db.put("key", hash_key(key), key_data)
        out.update(key=key, token=hash_key(key))
    await a._save("user", user_id, data)
    return out


async def user_info(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    user_id = q.get("user_id")
    if not user_id:
        raise BadRequest("give ?user_id=", param="user_id")
    info = await a._existing("user", user_id)
    keys = [p.id for p in a.gov.keys.values() if p.user_id == user_id]
    teams = [
        t.id
        for t in a.gov.records["team"].values()
        if any(m.get("user_id") == user_id for m in t.data.get("members_with_roles") or [])
    ]
    return {
        "user_id": user_id,
        "user_info": {"user_id": user_id, **info},
        "keys": keys,
        "teams": teams,
    }


async def user_list(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    rows, _ = await a.db.list_records("user", 0, 100_000)
    page = _page(
        [{"user_id": r.id, **(r.data or {}), "spend": r.spend} for r in rows], q, "page_size"
    )
    page["users"] = page.pop("items")
    return page


async def user_delete(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.UserDelete)
    return {"deleted_users": await _delete(a, "user", body.user_ids)}


async def customer_new(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.CustomerNew)
    if body.user_id in a.gov.records["customer"]:
        raise BadRequest(f"Customer {body.user_id!r} exists; use /customer/update", param="user_id")
    data = _fields(body, "user_id")
    data["created_at"] = time.time()
    await a._save("customer", body.user_id, data)
    return {"user_id": body.user_id, **data, "spend": 0.0}


async def customer_update(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _update(a, "customer", "user_id", await a.body(scope, receive, s.CustomerNew))


async def customer_info(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    ident = q.get("end_user_id") or q.get("user_id")
    if not ident:
        raise BadRequest("give ?end_user_id=", param="end_user_id")
    return {"user_id": ident, **(await a._existing("customer", ident))}


async def customer_delete(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.CustomerDelete)
    return {"deleted_customers": await _delete(a, "customer", body.user_ids)}


ROUTES: dict[str, tuple[str, Route]] = {
    "/key/generate": ("POST", key_generate),
    "/key/update": ("POST", key_update),
    "/key/delete": ("POST", key_delete),
    "/key/block": ("POST", key_block),
    "/key/unblock": ("POST", key_unblock),
    "/key/regenerate": ("POST", key_regenerate),
    "/key/info": ("GET", key_info),
    "/key/list": ("GET", key_list),
    "/team/new": ("POST", team_new),
    "/team/update": ("POST", team_update),
    "/team/delete": ("POST", team_delete),
    "/team/member_add": ("POST", member_add),
    "/team/member_delete": ("POST", member_delete),
    "/team/info": ("GET", team_info),
    "/team/list": ("GET", team_list),
    "/user/new": ("POST", user_new),
    "/user/info": ("GET", user_info),
    "/user/list": ("GET", user_list),
    "/user/delete": ("POST", user_delete),
    "/customer/new": ("POST", customer_new),
    "/customer/update": ("POST", customer_update),
    "/customer/info": ("GET", customer_info),
    "/customer/delete": ("POST", customer_delete),
    "/spend/logs": ("GET", spend_logs),
    "/global/spend/report": ("GET", spend_report),
}


def mount(gov: Governance | None, inner: ASGIApp, keys: KeyRing | None) -> ASGIApp:
    """The admin API in front of ``inner`` (nothing when governance is off)."""
    return inner if gov is None else Boundary(GovernanceAdmin(gov, inner, keys))
