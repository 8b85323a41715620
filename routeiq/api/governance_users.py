"""Governance admin routes for users (``/user/*``) and end customers (``/customer/*``,
the ``user`` field of a request)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from routeiq.api.governance_base import AdminState, Route, delete, fields, paginate, update
from routeiq.api.governance_spend import Query
from routeiq.asgi.types import Receive, Scope
from routeiq.errors import BadRequest
from routeiq.governance import schemas as s
from routeiq.governance.tokens import hash_key, new_key


async def user_new(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.UserNew)
    user_id = body.user_id or secrets.token_hex(8)
    exists = BadRequest(f"User {user_id!r} exists", param="user_id")
    if user_id in a.gov.records["user"]:
        raise exists
    data = fields(body, "user_id", "auto_create_key")
    a.check_refs(data)
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
    await a.create("user", user_id, data, exists)
    return out


async def user_info(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    user_id = q.get("user_id")
    if not user_id:
        raise BadRequest("give ?user_id=", param="user_id")
    info = await a.existing("user", user_id)
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


async def user_list(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    rows, _ = await a.db.list_records("user", 0, 100_000)
    page = paginate(
        [{"user_id": r.id, **(r.data or {}), "spend": r.spend} for r in rows], q, "page_size"
    )
    page["users"] = page.pop("items")
    return page


async def user_delete(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.UserDelete)
    return {"deleted_users": await delete(a, "user", body.user_ids)}


async def customer_new(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.CustomerNew)
    exists = BadRequest(f"Customer {body.user_id!r} exists; use /customer/update", param="user_id")
    if body.user_id in a.gov.records["customer"]:
        raise exists
    data = fields(body, "user_id")
    data["created_at"] = time.time()
    await a.create("customer", body.user_id, data, exists)
    return {"user_id": body.user_id, **data, "spend": 0.0}


async def customer_update(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await update(a, "customer", "user_id", await a.body(scope, receive, s.CustomerNew))


async def customer_info(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    ident = q.get("end_user_id") or q.get("user_id")
    if not ident:
        raise BadRequest("give ?end_user_id=", param="end_user_id")
    return {"user_id": ident, **(await a.existing("customer", ident))}


async def customer_delete(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.CustomerDelete)
    return {"deleted_customers": await delete(a, "customer", body.user_ids)}


ROUTES: dict[str, tuple[str, Route]] = {
    "/user/new": ("POST", user_new),
    "/user/info": ("GET", user_info),
    "/user/list": ("GET", user_list),
    "/user/delete": ("POST", user_delete),
    "/customer/new": ("POST", customer_new),
    "/customer/update": ("POST", customer_update),
    "/customer/info": ("GET", customer_info),
    "/customer/delete": ("POST", customer_delete),
}
