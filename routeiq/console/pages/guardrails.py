"""Guardrails and policy: verdicts by guard, direction and action; the last refused
requests as metadata (time, request id, key alias, team, model, status), never content."""

from __future__ import annotations

import time

from routeiq.console import html
from routeiq.console.core import Ctx, Page
from routeiq.console.queries import refused, series
from routeiq.console.svg import hbars, line_chart


async def view(ctx: Ctx) -> Page:
    verdicts = sorted(ctx.gw.pipeline.verdicts.items(), key=lambda kv: -kv[1])
    rows = [(html.esc(g), html.esc(d), html.esc(a), f"{n:,}") for (g, d, a), n in verdicts]
    chart = hbars([(f"{g} {d} {a}", float(n)) for (g, d, a), n in verdicts[:15]])
    gov = ctx.gw.governance
    recent = []
    trend = ""
    if gov is not None:
        recent = await gov.db.read(lambda cur, m: refused(cur, m, time.time() - 86400, 50))
        width, n = 1800.0, 48
        since = (time.time() // width + 1) * width - width * n
        buckets = await gov.db.read(lambda cur, m: series(cur, m, since, width, n))
        labels = [time.strftime("%H:%M", time.gmtime(b.start)) for b in buckets]
        trend = line_chart(
            "Refused requests (4xx: guardrail blocks, limits, bad input) per 30 min",
            [("refused", [b.refused for b in buckets])],
            labels,
        )
    recent_rows = [
        (
            time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["time"])),
            f"<code>{html.esc(r['request_id'])}</code>",
            html.esc(r["key_alias"] or "-"),
            html.esc(r["team_id"] or "-"),
            html.esc(r["model"] or "-"),
            str(r["status"]),
        )
        for r in recent
    ]
    body = (
        "<section><h2>Verdicts since start</h2>"
        f"<div class=split><div>{html.table(('Guard', 'Direction', 'Action', 'Count'), rows)}</div>"
        f"<div class=chartbox>{chart}</div></div></section>"
        f"<section><h2>Over the last day</h2>{trend}</section>"
        "<section><h2>Last refused requests (24 h, metadata only)</h2>"
        f"{html.table(('Time (UTC)', 'Request', 'Key', 'Team', 'Model', 'Status'), recent_rows)}</section>"
    )
    return Page("Guardrails & policy", "/guardrails", body)
