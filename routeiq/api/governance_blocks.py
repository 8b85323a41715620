"""More of LiteLLM's admin routes: ``/user/update``, ``/team/block`` and ``/team/unblock``,
``/customer/block``, ``/customer/unblock`` and ``/customer/list`` (master key only).

A blocked team's keys get a 401 (``Governance.authenticate``); a request whose ``user``
field names a blocked end customer, or made with a key of a blocked user, gets a 403
(``Governance.admit``).
"""

from __future__ import annotations

from typing import Any

from routeiq.api.governance_base import AdminState, Route, paginate, update
from routeiq.api.governance_spend import Query
from routeiq.asgi.types import Receive, Scope
from routeiq.errors import NotFound
from routeiq.governance import schemas as s


async def user_update(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await update(a, "user", "user_id", await a.body(scope, receive, s.UserUpdate))


async def _block_team(a: AdminState, scope: Scope, receive: Receive, blocked: bool) -> Any:
    body = await a.body(scope, receive, s.TeamRef)
    data = await a.existing("team", body.team_id)
    spend = data.pop("spend", 0.0)
    data["blocked"] = blocked
    await a.save("team", body.team_id, data)
    return {"team_id": body.team_id, **data, "spend": spend}


async def team_block(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _block_team(a, scope, receive, True)


async def team_unblock(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _block_team(a, scope, receive, False)


async def _block_customers(a: AdminState, scope: Scope, receive: Receive, blocked: bool) -> Any:
    """LiteLLM's body: ``{"user_ids": [...]}``. An end customer with no record yet gets
    one (blocking must not need a /customer/new first); answers the ids changed."""
    body = await a.body(scope, receive, s.CustomerBlock)
    done = []
    for ident in dict.fromkeys(body.user_ids):
        row = await a.db.get("customer", ident)
        if row is None or row.data is None:
            if not blocked:
                continue  # nothing to unblock
            data: dict[str, Any] = {}
        else:
            data = dict(row.data)
        data["blocked"] = blocked
        await a.db.put("customer", ident, data)
        done.append(ident)
    if not done:
        raise NotFound("None of these customers exist", code="customer_not_found")
    await a.gov.refresh()
    return {"blocked_users" if blocked else "unblocked_users": done}


async def customer_block(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _block_customers(a, scope, receive, True)


async def customer_unblock(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _block_customers(a, scope, receive, False)


async def customer_list(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    rows, _ = await a.db.list_records("customer", 0, 100_000)
    items = [{"user_id": r.id, **(r.data or {}), "spend": r.spend} for r in rows]
    page = paginate(items, q, "page_size")
    page["customers"] = page.pop("items")
    return page


ROUTES: dict[str, tuple[str, Route]] = {
    "/user/update": ("POST", user_update),
    "/team/block": ("POST", team_block),
    "/team/unblock": ("POST", team_unblock),
    "/customer/block": ("POST", customer_block),
    "/customer/unblock": ("POST", customer_unblock),
    "/customer/list": ("GET", customer_list),
}
