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
    POST /user/update /team/block /team/unblock /customer/block /customer/unblock
    GET  /customer/list
    GET  /spend/logs?api_key=&team_id=&user_id=&start_date=&end_date=&page=&page_size=
    GET  /spend/logs/v2 (the same, with LiteLLM's total_is_capped)
    GET  /global/spend/report?start_date=&end_date=&group_by=team|key|model|user
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import trio

from routeiq.api import governance_blocks, governance_keys, governance_teams, governance_users
from routeiq.api.governance_base import PATH_KEY, AdminState, Route
from routeiq.api.governance_spend import iso_time, spend_logs, spend_logs_v2, spend_report
from routeiq.asgi.auth import KeyRing, presented_key
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, set_status
from routeiq.errors import Forbidden, MethodNotAllowed, NotFound, Unavailable
from routeiq.governance.records import Principal
from routeiq.governance.roles import CALLER, MASTER, Caller, caller_for_key
from routeiq.governance.service import Governance

PREFIXES = ("/key/", "/team/", "/user/", "/customer/", "/spend/", "/global/spend/")

ROUTES: dict[str, tuple[str, Route]] = {
    **governance_keys.ROUTES,
    **governance_teams.ROUTES,
    **governance_users.ROUTES,
    **governance_blocks.ROUTES,
    "/spend/logs": ("GET", spend_logs),
    "/spend/logs/v2": ("GET", spend_logs_v2),  # LiteLLM's paged form
    "/global/spend/report": ("GET", spend_report),
}


class GovernanceAdmin(AdminState):
    """The admin API in front of ``inner``: checks the caller, dispatches by path."""

    def __init__(self, gov: Governance, inner: ASGIApp, keys: KeyRing | None) -> None:
        super().__init__(gov)
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
        at = regenerate_at(path)
        if at is not None:  # LiteLLM's POST /key/{key}/regenerate
            scope[PATH_KEY] = at
            path = "/key/regenerate"
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
        await send_json(send, 200, iso_dates(result))

    def yaml_key_names(self) -> frozenset[str]:
        return self.keys.names() if self.keys is not None else frozenset()

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


def regenerate_at(path: str) -> str | None:
    """The key of a ``/key/{key}/regenerate`` path (ASGI paths arrive decoded)."""
    if not (path.startswith("/key/") and path.endswith("/regenerate")):
        return None
    key = path[5 : -len("/regenerate")]
    return key if key and "/" not in key else None


_DATES = frozenset({"created_at", "updated_at"})


def iso_dates(out: Any) -> Any:
    """``created_at``/``updated_at`` as ISO-8601 strings wherever an answer holds one
    (keys, teams, users, customers, their lists and infos), as LiteLLM answers them:
    records store epoch seconds, and only keys were converted before."""
    if isinstance(out, dict):
        return {
            k: iso_time(v)
            if k in _DATES and isinstance(v, (int, float)) and not isinstance(v, bool)
            else iso_dates(v)
            for k, v in out.items()
        }
    if isinstance(out, list):
        return [iso_dates(v) for v in out]
    return out


def mount(gov: Governance | None, inner: ASGIApp, keys: KeyRing | None) -> ASGIApp:
    """The admin API in front of ``inner`` (nothing when governance is off)."""
    return inner if gov is None else Boundary(GovernanceAdmin(gov, inner, keys))
