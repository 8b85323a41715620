"""Keys and teams: search, server-side paging, create (shown once), edit, block, delete.

The list reads the gateway's in-memory record cache (every key is there for the
auth hot path already), filters and pages it here, and asks the database only
for the spend of the one page shown. Changes go through the admin API.
"""

from __future__ import annotations

import math
import time
from typing import Any

import trio

from routeiq.console import html
from routeiq.console.core import (
    Ctx,
    Done,
    Page,
    UserError,
    compact,
    form_float,
    form_int,
    form_list,
)
from routeiq.console.queries import entity_spend
from routeiq.console.svg import bar
from routeiq.governance.duration import period_index
from routeiq.governance.records import Principal

NO_GOVERNANCE = Page(
    "Keys & teams",
    "/keys",
    "<p>Virtual keys are off: set <code>general_settings.master_key</code> to turn them on.</p>",
)


def _matches(p: Principal, needle: str) -> bool:
    return any(needle in (v or "").lower() for v in (p.alias, p.id, p.team_id, p.user_id))


def select_keys(
    keys: list[Principal], needle: str, team: str, page_no: int, size: int
) -> tuple[list[Principal], int]:
    """One page of the keys matching the search (newest first) and how many matched;
    past the last page: the last page."""
    if team:
        keys = [p for p in keys if p.team_id == team]
    if needle:
        keys = [p for p in keys if _matches(p, needle)]
    keys.sort(key=lambda p: (-p.rule.anchor, p.id))
    last = max(1, math.ceil(len(keys) / size))
    page_no = min(page_no, last)
    return keys[(page_no - 1) * size : page_no * size], len(keys)


def _spent(p: Principal, stored: tuple[float, int] | None, now: float) -> float:
    if stored is None:
        return 0.0
    spend, period = stored
    return spend if period == period_index(now, p.rule.anchor, p.rule.budget_duration) else 0.0


def _status(p: Principal, now: float) -> str:
    if p.blocked:
        return "<span class='tag bad'>blocked</span>"
    if p.expires is not None and now >= p.expires:
        return "<span class='tag bad'>expired</span>"
    return "<span class='tag ok'>active</span>"


async def view(ctx: Ctx) -> Page:
    gov = ctx.gw.governance
    if gov is None:
        return NO_GOVERNANCE
    q = ctx.req.arg("q").strip().lower()
    team = ctx.req.arg("team")
    size = ctx.page_size
    # Filtering and sorting 10,000 records takes ~10-30 ms: a worker thread, not the loop
    # (records are immutable; the list is this request's own snapshot).
    everything = list(gov.keys.values())
    shown, total = await trio.to_thread.run_sync(
        select_keys, everything, q, team, ctx.page_arg(), size
    )
    pages = max(1, math.ceil(total / size))
    page_no = min(ctx.page_arg(), pages)
    teams = sorted(gov.records["team"].values(), key=lambda t: t.id)
    ids = [p.id for p in shown] + [t.id for t in teams[:200]]
    db = gov.db
    stored = await db.read(lambda cur, m: entity_spend(cur, m, "key", ids))
    team_stored = await db.read(
        lambda cur, m: entity_spend(cur, m, "team", [t.id for t in teams[:200]])
    )
    now = time.time()
    rows = []
    for p in shown:
        spent = _spent(p, stored.get(p.id), now)
        budget = p.rule.max_budget
        toggle = "unblock" if p.blocked else "block"
        actions = (
            f'<a href="{html.esc(html.url("/keys/edit", id=p.id))}">edit</a> '
            + html.form(
                f"/keys/{toggle}", ctx.csrf, html.hidden("id", p.id) + html.button(toggle, "small")
            )
            + html.form(
                "/keys/delete",
                ctx.csrf,
                html.hidden("id", p.id)
                + html.button("delete", "small danger", confirm="Delete this key?"),
            )
        )
        rows.append(
            (
                html.esc(p.alias or "-"),
                f"<code title='{html.esc(p.id)}'>{html.esc(p.id[:12])}…</code>",
                html.esc(p.team_id or "-"),
                html.esc(", ".join(p.models) or "all"),
                _status(p, now),
                f"{bar(spent, budget)} {html.money(spent)} / {html.money(budget)}",
                html.esc(_limits(p)),
                actions,
            )
        )
    search = (
        f'<form method=get action="{html.PREFIX}/keys" class=inline role=search>'
        + html.field("q", "Search", ctx.req.arg("q"), kind="search")
        + html.select(
            "team", "Team", [("", "any")] + [(t.id, t.alias or t.id) for t in teams], team
        )
        + html.button("Find")
        + "</form>"
    )
    table = html.table(
        ("Alias", "Key id", "Team", "Models", "Status", "Spend / budget", "Limits", ""),
        rows,
        cls="keys",
    )
    pager = html.pager("/keys", page_no, pages, total, q=ctx.req.arg("q"), team=team)
    team_rows = [
        (
            html.esc(t.alias or t.id),
            f"<code>{html.esc(t.id)}</code>",
            f"{bar(_spent(t, team_stored.get(t.id), now), t.rule.max_budget)} "
            f"{html.money(_spent(t, team_stored.get(t.id), now))} / {html.money(t.rule.max_budget)}",
            html.esc(", ".join(t.models) or "all"),
            _status(t, now),
        )
        for t in teams[:200]
    ]
    body = (
        f"<section>{search}{table}{pager}</section>"
        f"<section><h2>New key</h2>{_key_form(ctx, '/keys/create', {}, teams)}</section>"
        f"<section><h2>Teams</h2>{html.table(('Team', 'Id', 'Spend / budget', 'Models', 'Status'), team_rows)}"
        f"<h3>New team</h3>{_team_form(ctx)}</section>"
    )
    return Page("Keys & teams", "/keys", body)


def _limits(p: Principal) -> str:
    r = p.rule
    parts = [f"{n} {v}" for n, v in (("rpm", r.rpm), ("tpm", r.tpm), ("parallel", r.parallel)) if v]
    return ", ".join(parts) or "none"


def _key_form(ctx: Ctx, action: str, data: dict[str, Any], teams: list[Principal]) -> str:
    models = ", ".join(data.get("models") or [])
    inner = (
        html.field("key_alias", "Alias", data.get("key_alias") or "", extra="maxlength=256")
        + html.select(
            "team_id",
            "Team",
            [("", "none")] + [(t.id, t.alias or t.id) for t in teams],
            data.get("team_id") or "",
        )
        + html.field("models", "Models (comma-separated, empty: all)", models)
        + html.field(
            "max_budget",
            "Budget $",
            data.get("max_budget") or "",
            kind="number",
            extra="min=0 step=any",
        )
        + html.field(
            "budget_duration", "Budget period (e.g. 30d)", data.get("budget_duration") or ""
        )
        + html.field("rpm_limit", "RPM", data.get("rpm_limit") or "", kind="number", extra="min=0")
        + html.field("tpm_limit", "TPM", data.get("tpm_limit") or "", kind="number", extra="min=0")
        + html.button("Save" if data else "Create key")
    )
    if data.get("token"):
        inner = html.hidden("id", data["token"]) + inner
    return html.form(action, ctx.csrf, inner, cls="grid")


def _team_form(ctx: Ctx) -> str:
    inner = (
        html.field("team_alias", "Name", extra="required maxlength=256")
        + html.field("models", "Models (comma-separated)")
        + html.field("max_budget", "Budget $", kind="number", extra="min=0 step=any")
        + html.button("Create team")
    )
    return html.form("/teams/create", ctx.csrf, inner, cls="grid")


def _limit_fields(form: dict[str, str], *, clearing: bool) -> dict[str, Any]:
    fields = {
        "key_alias": form.get("key_alias", "").strip() or None,
        "team_id": form.get("team_id", "").strip() or None,
        "models": form_list(form, "models"),
        "max_budget": form_float(form, "max_budget"),
        "budget_duration": form.get("budget_duration", "").strip() or None,
        "rpm_limit": form_int(form, "rpm_limit"),
        "tpm_limit": form_int(form, "tpm_limit"),
    }
    if clearing:  # an emptied field on the edit form removes that limit
        if fields["models"] is None:
            fields["models"] = []
        return fields
    return compact(fields)


async def create(ctx: Ctx) -> Page | Done:
    if ctx.gw.governance is None:
        return NO_GOVERNANCE
    answer = await ctx.admin.call(
        "POST", "/key/generate", _limit_fields(ctx.req.form, clearing=False)
    )
    if not answer.ok:
        raise UserError(answer.message)
    key = str(answer.body["key"])
    body = (
        "<p>Copy this key now: it is shown only once and the gateway keeps only its hash.</p>"
        f'<p class=secret><input id=new-key readonly value="{html.esc(key)}" aria-label="New key">'
        '<button type=button class=copy data-copy="new-key">Copy</button></p>'
        f'<p><a href="{html.PREFIX}/keys">Back to keys</a></p>'
    )
    return Page("Key created", "/keys", body)


def _ident(ctx: Ctx) -> str:
    ident = ctx.req.form.get("id", "") or ctx.req.arg("id")
    if len(ident) != 64:
        raise UserError("Which key? (give its id)")
    return ident


async def edit(ctx: Ctx) -> Page:
    gov = ctx.gw.governance
    if gov is None:
        return NO_GOVERNANCE
    ident = _ident(ctx)
    p = gov.keys.get(ident)
    if p is None:
        raise UserError("No such key")
    data = {**p.data, "token": ident}
    teams = sorted(gov.records["team"].values(), key=lambda t: t.id)
    return Page(
        f"Edit key {p.alias or ident[:12]}", "/keys", _key_form(ctx, "/keys/update", data, teams)
    )


async def update(ctx: Ctx) -> Done:
    body = {"key": _ident(ctx), **_limit_fields(ctx.req.form, clearing=True)}
    body = {k: v for k, v in body.items() if v is not None or k == "key"}
    answer = await ctx.admin.call("POST", "/key/update", body)
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/keys"), "Key saved")


async def block(ctx: Ctx) -> Done:
    return await _simple(ctx, "/key/block", "Key blocked")


async def unblock(ctx: Ctx) -> Done:
    return await _simple(ctx, "/key/unblock", "Key unblocked")


async def _simple(ctx: Ctx, path: str, said: str) -> Done:
    answer = await ctx.admin.call("POST", path, {"key": _ident(ctx)})
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/keys"), said)


async def delete(ctx: Ctx) -> Done:
    answer = await ctx.admin.call("POST", "/key/delete", {"keys": [_ident(ctx)]})
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/keys"), "Key deleted")


async def team_create(ctx: Ctx) -> Done:
    form = ctx.req.form
    body = compact(
        {
            "team_alias": form.get("team_alias", "").strip() or None,
            "models": form_list(form, "models"),
            "max_budget": form_float(form, "max_budget"),
        }
    )
    answer = await ctx.admin.call("POST", "/team/new", body)
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/keys"), f"Team {answer.body.get('team_id', '')} created")
