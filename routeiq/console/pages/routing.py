"""Routing: the learned router's version, its decision mix, the trade-off in force;
and the deployment strategy of the plain router."""

from __future__ import annotations

import time
from typing import Any

from routeiq.console import html
from routeiq.console.core import Ctx, Page
from routeiq.console.queries import SpendFilter, spend_groups
from routeiq.console.svg import hbars


async def view(ctx: Ctx) -> Page:
    gw = ctx.gw
    parts = [f"<p>Deployment strategy: <strong>{html.esc(gw.router.strategy_name)}</strong>.</p>"]
    learned = gw.learned
    if learned is None:
        parts.append("<p>No learned routes are configured (<code>routeiq.learned</code>).</p>")
        return Page("Routing", "/routing", "".join(parts))
    summary: dict[str, Any] = learned.summary()
    gov = gw.governance
    mix: list[tuple[str, float]] = []
    if gov is not None:
        f = SpendFilter(start=(time.time() // 86400 - 1) * 86400)  # since yesterday 00:00 UTC
        rows, _, _, _ = await gov.db.read(lambda cur, m: spend_groups(cur, m, "model", f, 0, 50))
        mix = [(g.name or "(none)", float(g.requests)) for g in rows]
    for name, r in summary.items():
        route = learned.routes[name]
        cands = set(r.get("candidates") or [])
        shadow = r.get("shadow_stats") or {}
        agree = (
            f"{shadow['agree'] / shadow['compared'] * 100:.0f}%" if shadow.get("compared") else "-"
        )
        mine = [(n, v) for n, v in mix if n in cands]
        parts.append(
            f"<section><h2>{html.esc(name)}</h2><dl>"
            f"<dt>Router version</dt><dd>{html.esc(r.get('version') or 'not loaded')} ({html.esc(r.get('kind') or '-')})</dd>"
            f"<dt>Quality/cost trade-off</dt><dd>cost_weight {route.settings.cost_weight:g} "
            f"(0 = best quality; per request: <code>x-routeiq-cost-weight</code>)</dd>"
            f"<dt>Candidates</dt><dd>{html.esc(', '.join(sorted(cands)))}</dd>"
            f"<dt>Shadow</dt><dd>{html.esc(r.get('shadow') or 'none')}; agreement {agree}</dd>"
            f"<dt>Error</dt><dd>{html.esc(r.get('error') or 'none')}</dd></dl>"
            f"<h3>Decision mix (requests to each candidate, since yesterday 00:00 UTC)</h3>{hbars(mine) or '<p>no requests yet</p>'}</section>"
        )
    return Page("Routing", "/routing", "".join(parts))
