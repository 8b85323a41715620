"""Governance admin routes for virtual keys: ``/key/*`` (served by ``governance_admin``)."""

from __future__ import annotations

import re
import time
from typing import Any

from routeiq.api.governance_base import (
    PATH_KEY,
    AdminState,
    Route,
    delete,
    fields,
    paginate,
    team_allowed,
    who,
)
from routeiq.api.governance_spend import Query, iso_time
from routeiq.asgi.types import Receive, Scope
from routeiq.db.base import RecordExists
from routeiq.errors import BadRequest, NotFound
from routeiq.governance import schemas as s
from routeiq.governance.duration import budget_now, parse_duration
from routeiq.governance.tokens import hash_key, key_id, new_key


def _may_change(scope: Scope, ident: str, data: dict[str, Any]) -> None:
    """Another team's key is not found, as if absent."""
    if not who(scope).may_team(data.get("team_id")):
        raise NotFound(f"No key {ident!r}", code="key_not_found")


# The name a key without an alias goes by (Governance.authenticate): not an alias.
_UNNAMED = re.compile(r"key-[0-9a-f]{12}")


def _alias_free(a: AdminState, data: dict[str, Any], *owners: str) -> None:
    """A key's alias is its name in guardrail and policy rules (``key_overrides``,
    policy ``keys``), as a YAML key's ``name`` is: it must name no other key, or a team
    admin could borrow another key's exemptions by taking its name. LiteLLM keeps
    aliases unique too. ``owners``: the key's own ids (it may keep its alias)."""
    alias = data.get("key_alias")
    if alias is None:
        return
    taken = (
        alias in a.yaml_key_names()
        or _UNNAMED.fullmatch(alias) is not None
        or any(p.alias == alias and p.id not in owners for p in a.gov.keys.values())
    )
    if taken:
        raise BadRequest(
            f"key_alias {alias!r} names another key", param="key_alias", code="key_alias_taken"
        )


def _expiry(data: dict[str, Any], now: float) -> None:
    duration = data.pop("duration", None)
    if duration is not None:
        data["expires_at"] = now + parse_duration(duration)


async def key_generate(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyGenerate)
    data = fields(body, "key")
    caller = who(scope)
    if not caller.master and data.get("team_id") is None and len(caller.teams) == 1:
        data["team_id"] = next(iter(caller.teams))  # a team admin's keys join its team
    team_allowed(caller, data.get("team_id"))
    a.check_refs(data)
    _alias_free(a, data)
    now = time.time()
    data["created_at"] = now
    _expiry(data, now)
    key = body.key or new_key()
    ident = hash_key(key)
    if body.key is None:
        await a.save("key", ident, data)
    else:  # an admin-chosen key must not replace an existing one's record
        await a.create(
            "key",
            ident,
            data,
            BadRequest("This key already exists", param="key", code="key_exists"),
        )
    return {**a.key_out(ident, data), "key": key}


async def key_update(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyUpdate)
    ident = key_id(body.key)
    changes = fields(body, "key")
    if "team_id" in changes:
        team_allowed(who(scope), changes["team_id"])
    a.check_refs(changes)
    _alias_free(a, changes, ident)

    def apply(data: dict[str, Any]) -> None:
        _may_change(scope, ident, data)
        data.update(changes)
        _expiry(data, time.time())

    return a.key_out(ident, await a.change("key", ident, apply))


async def key_delete(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    body = await a.body(scope, receive, s.KeyDelete)
    idents = [key_id(k) for k in body.keys]
    aliases = set(body.key_aliases)
    if aliases:
        idents += [i for i, p in a.gov.keys.items() if p.alias in aliases]
    if not idents:
        raise BadRequest("give keys or key_aliases", param="keys")
    caller = who(scope)
    if not caller.master:  # only the team's keys; another team's are "not found"
        idents = [i for i in idents if (p := a.gov.keys.get(i)) and caller.may_team(p.team_id)]
        if not idents:
            raise NotFound("None of these keys exist", code="key_not_found")
    return {"deleted_keys": await delete(a, "key", idents)}


async def _set_blocked(a: AdminState, scope: Scope, receive: Receive, blocked: bool) -> Any:
    body = await a.body(scope, receive, s.KeyRef)
    ident = key_id(body.key)

    def apply(data: dict[str, Any]) -> None:
        _may_change(scope, ident, data)
        data["blocked"] = blocked

    return a.key_out(ident, await a.change("key", ident, apply))


async def key_block(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _set_blocked(a, scope, receive, True)


async def key_unblock(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    return await _set_blocked(a, scope, receive, False)


async def key_regenerate(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    """A new secret for the same settings; the old one stops working."""
    at = scope.get(PATH_KEY)
    body: s.KeyRegenerate | s.KeyRegenerateAt
    if isinstance(at, str):  # POST /key/{key}/regenerate: the body may be empty
        body = await a.optional_body(scope, receive, s.KeyRegenerateAt)
        old = key_id(at)
    else:
        body = await a.body(scope, receive, s.KeyRegenerate)
        old = key_id(body.key)
    changes = fields(body, "key", "new_key")
    if "team_id" in changes:
        team_allowed(who(scope), changes["team_id"])
    a.check_refs(changes)
    _alias_free(a, changes, old)
    key = body.new_key or new_key()
    ident = hash_key(key)

    def apply(data: dict[str, Any]) -> None:
        _may_change(scope, old, data)
        data.update(changes)
        _expiry(data, time.time())

    # One transaction: two regenerations at once (two processes) cannot both take
    # over the old key's settings (the second finds it gone: 404), and the spend
    # moves with them (as LiteLLM keeps the key's row): a new secret is not a fresh
    # budget. An admin-chosen new key that already exists is refused in it too.
    try:
        data = await a.change("key", old, apply, move_to=ident)
    except RecordExists:
        raise BadRequest("This key already exists", param="new_key", code="key_exists") from None
    return {**a.key_out(ident, data), "key": key}


async def key_info(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    caller = who(scope)
    if not q.get("key") and caller.key_id is None:
        raise BadRequest("give ?key=", param="key")
    ident = key_id(q["key"]) if q.get("key") else str(caller.key_id)  # no ?key=: the caller's
    row = await a.db.get("key", ident)
    if row is None or row.data is None or not caller.may_key(row.data, ident):
        raise NotFound(f"No key {ident!r}", code="key_not_found")
    # The spend of the current budget period, and when it resets (LiteLLM's budget_reset_at).
    spend, resets = budget_now(row.data, row.spend, row.spend_period, time.time())
    info = a.key_out(ident, {**row.data, "spend": spend})
    info["budget_reset_at"] = iso_time(resets)
    return {"key": ident, "info": info}


async def key_list(a: AdminState, scope: Scope, receive: Receive, q: Query) -> Any:
    keys = sorted(a.gov.keys.values(), key=lambda p: (p.rule.anchor, p.id))
    caller = who(scope)
    if not caller.master:  # a team admin lists its teams' keys
        if q.get("team_id"):
            team_allowed(caller, q["team_id"])
        keys = [p for p in keys if caller.may_team(p.team_id)]
    if q.get("team_id"):
        keys = [p for p in keys if p.team_id == q["team_id"]]
    if q.get("user_id"):
        keys = [p for p in keys if p.user_id == q["user_id"]]
    if q.get("key_alias"):
        keys = [p for p in keys if p.alias == q["key_alias"]]
    page = paginate(keys, q)
    full = q.get("return_full_object", "").lower() == "true"
    items = page.pop("items")
    page["keys"] = [a.key_out(p.id, dict(p.data)) if full else p.id for p in items]
    return page


ROUTES: dict[str, tuple[str, Route]] = {
    "/key/generate": ("POST", key_generate),
    "/key/update": ("POST", key_update),
    "/key/delete": ("POST", key_delete),
    "/key/block": ("POST", key_block),
    "/key/unblock": ("POST", key_unblock),
    "/key/regenerate": ("POST", key_regenerate),
    "/key/info": ("GET", key_info),
    "/key/list": ("GET", key_list),
}
