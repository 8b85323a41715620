"""What the governance admin routes share: the record store helpers and the caller.

The routes live by subject in ``governance_keys``, ``governance_teams``,
``governance_users`` and ``governance_spend``; ``governance_admin`` serves them.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from routeiq.api.governance_spend import MAX_PAGE, Query, int_arg, iso_time
from routeiq.asgi.body import read_body
from routeiq.asgi.types import Receive, Scope
from routeiq.errors import BadRequest, Forbidden, NotFound
from routeiq.governance import schemas as s
from routeiq.governance.roles import CALLER, Caller
from routeiq.governance.service import Governance
from routeiq.jsonrpc_asgi import parse_model, read_model

BODY_LIMIT = 64 * 1024
#: scope entry: the key named in the path of ``POST /key/{key}/regenerate``
PATH_KEY = "routeiq.admin.path_key"


class AdminState:
    """The governance service and its database, as every admin route sees them."""

    def __init__(self, gov: Governance) -> None:
        self.gov = gov
        self.db = gov.db

    async def body(self, scope: Scope, receive: Receive, model: type[s.M]) -> s.M:
        return await read_model(scope, receive, model, BODY_LIMIT)

    async def optional_body(self, scope: Scope, receive: Receive, model: type[s.M]) -> s.M:
        """As :meth:`body`, an empty body being ``{}``."""
        raw = await read_body(scope, receive, BODY_LIMIT)
        return parse_model(raw if raw.strip() else b"{}", model)

    async def save(self, kind: str, ident: str, data: dict[str, Any]) -> None:
        await self.db.put(kind, ident, data)
        await self.gov.refresh()  # this process sees its own write at once

    async def change(
        self,
        kind: str,
        ident: str,
        edit: Callable[[dict[str, Any]], None],
        move_to: str | None = None,
    ) -> dict[str, Any]:
        """Edit the stored record in place, atomically in the database
        (``Database.modify``: two processes editing one record both keep their
        change); 404 when absent. ``edit`` runs in the database's worker thread: plain
        checks and dict edits only. Answers the new record with its ``spend``;
        ``move_to``: stored under that id instead, the old one deleted."""

        def apply(current: dict[str, Any] | None, spend: float) -> dict[str, Any]:
            if current is None:
                raise NotFound(f"No {kind} {ident!r}", code=f"{kind}_not_found")
            edit(current)
            return current

        data, spend = await self.db.modify(kind, ident, apply, move_to=move_to)
        await self.gov.refresh()
        return {**data, "spend": spend}

    async def create(self, kind: str, ident: str, data: dict[str, Any], exists: BadRequest) -> None:
        """Store a new record; raise ``exists`` when one is there (checked in the
        same transaction as the write, so two creates of one id cannot both win)."""

        def apply(current: dict[str, Any] | None, spend: float) -> dict[str, Any]:
            if current is not None:
                raise exists
            return data

        await self.db.modify(kind, ident, apply)
        await self.gov.refresh()

    async def existing(self, kind: str, ident: str) -> dict[str, Any]:
        row = await self.db.get(kind, ident)
        if row is None or row.data is None:
            raise NotFound(f"No {kind} {ident!r}", code=f"{kind}_not_found")
        return {**row.data, "spend": row.spend}

    def yaml_key_names(self) -> frozenset[str]:
        """Names of the keys from the YAML (the admin app knows them)."""
        return frozenset()

    def check_refs(self, data: dict[str, Any]) -> None:
        team = data.get("team_id")
        if team is not None and team not in self.gov.records["team"]:
            raise BadRequest(f"No team {team!r}: create it with /team/new", param="team_id")

    def key_out(self, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in data.items() if k != "spend"}
        out.update(
            token=ident,
            expires=iso_time(data.get("expires_at")),
            created_at=iso_time(data.get("created_at")),
            spend=data.get("spend", 0.0),
        )
        return out


Route = Callable[[AdminState, Scope, Receive, Query], Awaitable[Any]]


def fields(body: BaseModel, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if k not in skip}


async def delete(a: AdminState, kind: str, idents: list[str]) -> list[str]:
    """Delete the records that exist (404 if none did); every process drops them."""
    deleted = [i for i in dict.fromkeys(idents) if await a.db.delete(kind, i)]
    if not deleted:
        raise NotFound(f"None of these {kind}s exist", code=f"{kind}_not_found")
    await a.gov.refresh()
    return deleted


def who(scope: Scope) -> Caller:
    caller = scope.get(CALLER)
    return caller if isinstance(caller, Caller) else Caller(master=False)


def team_allowed(caller: Caller, team_id: str | None) -> None:
    if not caller.may_team(team_id):
        what = f"team {team_id!r}" if team_id else "keys outside a team"
        raise Forbidden(f"This key is not an admin of {what}", code="not_team_admin")


async def update(a: AdminState, kind: str, id_field: str, body: BaseModel) -> Any:
    """Merge the fields set in ``body`` into the stored record named by ``id_field``."""
    ident: str = getattr(body, id_field)
    changes = fields(body, id_field)
    data = await a.change(kind, ident, lambda d: d.update(changes))
    return {id_field: ident, **data}


def paginate(items: list[Any], q: Query, size_name: str = "size") -> dict[str, Any]:
    page = int_arg(q, "page", 1, 1_000_000)
    size = int_arg(q, size_name, 10, MAX_PAGE)
    total = len(items)
    return {
        "items": items[(page - 1) * size : page * size],
        "total_count": total,
        "current_page": page,
        "total_pages": max(1, math.ceil(total / size)),
    }
