"""Spend by day, key, team, model or deployment; filters; CSV export.

Aggregated in SQL (``console.queries``) over the date window, one page of groups
at a time; the default window is the last 7 days.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
import time

from routeiq.console import html
from routeiq.console.core import Ctx, Download, Page, UserError
from routeiq.console.queries import CSV_ROWS, GROUPS, Group, SpendFilter, spend_groups
from routeiq.console.svg import hbars

DAY = 86400.0


def _date(text: str, name: str) -> float | None:
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text[:10], "%Y-%m-%d")))
    except ValueError:
        raise UserError(f"{name} must be a date YYYY-MM-DD") from None


def _filters(ctx: Ctx) -> tuple[str, SpendFilter, dict[str, str]]:
    a = ctx.req.arg
    by = a("by", "day")
    if by not in GROUPS:
        raise UserError("Group by day, key, team, model or deployment")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    week_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * DAY))
    start_s, end_s = a("start", week_ago), a("end", today)
    start, end = _date(start_s, "start"), _date(end_s, "end")
    key = a("key").strip()
    if key and len(key) != 64:  # an alias: the id of the key that has it
        gov = ctx.gw.governance
        found = [p.id for p in gov.keys.values() if p.alias == key] if gov is not None else []
        key = found[0] if found else "0" * 64
    f = SpendFilter(
        start=start,
        end=end + DAY if end is not None else None,
        key_hash=key or None,
        team_id=a("team") or None,
        model_group=a("model") or None,
        deployment=a("deployment") or None,
    )
    shown = {
        "by": by,
        "start": start_s,
        "end": end_s,
        "key": a("key"),
        "team": a("team"),
        "model": a("model"),
        "deployment": a("deployment"),
    }
    return by, f, shown


def _name(by: str, g: Group) -> str:
    if by == "key" and g.name:
        return (g.label or "") + f" ({g.name[:12]}…)"
    return g.name or "(none)"


async def view(ctx: Ctx) -> Page:
    gov = ctx.gw.governance
    if gov is None:
        return Page("Spend", "/spend", "<p>Spend logs need the master key (virtual keys).</p>")
    by, f, shown = _filters(ctx)
    size = ctx.page_size
    page_no = ctx.page_arg()
    rows, groups, total, requests = await gov.db.read(
        lambda cur, m: spend_groups(cur, m, by, f, (page_no - 1) * size, size)
    )
    pages = max(1, math.ceil(groups / size))
    filters = (
        f'<form method=get action="{html.PREFIX}/spend" class=inline>'
        + html.select("by", "Group by", [(g, g) for g in GROUPS], by)
        + html.field("start", "From", shown["start"], kind="date")
        + html.field("end", "To", shown["end"], kind="date")
        + html.field("key", "Key (alias or id)", shown["key"])
        + html.field("team", "Team", shown["team"])
        + html.field("model", "Model", shown["model"])
        + html.field("deployment", "Deployment", shown["deployment"])
        + html.button("Show")
        + "</form>"
    )
    csv_link = f'<a class=button href="{html.esc(html.url("/spend.csv", **shown))}">Export CSV</a>'
    table = html.table(
        (by, "Spend", "Requests", "Tokens", "Errors"),
        [
            (
                html.esc(_name(by, g)),
                html.money(g.spend),
                f"{g.requests:,}",
                f"{g.tokens:,}",
                f"{g.errors:,}",
            )
            for g in rows
        ],
    )
    chart = hbars([(_name(by, g), g.spend) for g in rows[:15]], " $")
    body = (
        f"{filters}<p class=summary>{html.money(total)} over {requests:,} requests, "
        f"{groups:,} {html.esc(by)} groups. {csv_link}</p>"
        f"<div class=split><div>{table}{html.pager('/spend', page_no, pages, groups, **shown)}</div>"
        f"<div class=chartbox>{chart}</div></div>"
    )
    return Page("Spend", "/spend", body)


async def export(ctx: Ctx) -> Download | Page:
    gov = ctx.gw.governance
    if gov is None:
        return Page("Spend", "/spend", "<p>Spend logs need the master key.</p>")
    by, f, _ = _filters(ctx)
    rows, _, _, _ = await gov.db.read(lambda cur, m: spend_groups(cur, m, by, f, 0, CSV_ROWS))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [by, "key_alias" if by == "key" else "", "spend_usd", "requests", "tokens", "errors"]
    )
    for g in rows:
        w.writerow(
            [_safe(g.name), _safe(g.label), f"{g.spend:.6f}", g.requests, g.tokens, g.errors]
        )
    return Download(f"spend-by-{by}.csv", b"text/csv; charset=utf-8", out.getvalue().encode())


def _safe(value: str | None) -> str:
    """No spreadsheet formula injection from a stored alias."""
    v = value or ""
    return "'" + v if v[:1] in ("=", "+", "-", "@") else v
