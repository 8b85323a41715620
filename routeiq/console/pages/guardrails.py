"""Guardrails and policy: blocks by guard and reason over the last hour or day (one plot
per guard, a line per reason), from the gateway's block log (``guard_blocks``, every
worker's rows); the last blocked requests as metadata (time, request id, guard,
reason, key alias, team, model), never content: the gateway does not keep the text
it refused. Also this process's verdict counts since start (warn, redact, log too)."""

from __future__ import annotations

import time

from routeiq.console import html
from routeiq.console.core import Ctx, Page
from routeiq.console.svg import hbars, line_chart
from routeiq.db.blocks import BlockRow, BlockSeries, recent, series

WINDOWS = {"hour": (300.0, 12), "day": (1800.0, 48)}
RECENT = 50
LINES_PER_PLOT = 5


def plots(lines: list[BlockSeries], labels: list[str], per: str) -> str:
    """One chart per guard, a line per reason (largest first)."""
    by_guard: dict[str, list[BlockSeries]] = {}
    for s in lines:
        by_guard.setdefault(s.guard, []).append(s)
    out = []
    for guard, reasons in by_guard.items():
        shown = reasons[:LINES_PER_PLOT]
        data: list[tuple[str, list[float | None]]] = [
            (s.reason, [float(c) for c in s.counts]) for s in shown
        ]
        rest = reasons[LINES_PER_PLOT:]
        if rest:
            summed: list[float | None] = [
                float(sum(c)) for c in zip(*(s.counts for s in rest), strict=True)
            ]
            data.append(("other reasons", summed))
        out.append(line_chart(f"{guard}: blocks per {per}", data, labels))
    return "".join(out)


def _recent_row(r: BlockRow) -> tuple[str, ...]:
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.ts)),
        f"<code>{html.esc(r.request_id)}</code>",
        html.esc(r.guard),
        html.esc(r.reason),
        html.esc(r.direction),
        html.esc(r.key_alias or "-"),
        html.esc(r.team_id or "-"),
        html.esc(r.model or "-"),
    )


async def view(ctx: Ctx) -> Page:
    window = ctx.req.arg("window", "hour")
    if window not in WINDOWS:
        window = "hour"
    width, n = WINDOWS[window]
    now = time.time()
    since = (now // width + 1) * width - width * n
    labels = [time.strftime("%H:%M", time.gmtime(since + i * width)) for i in range(n)]
    gov = ctx.gw.governance
    lines: list[BlockSeries] = []
    last: list[BlockRow] = []
    if gov is not None:
        # one snapshot: a batch written between the two queries shows in both or neither
        lines, last = await gov.db.snapshot(
            lambda cur, m: (series(cur, m, since, width, n), recent(cur, m, now - 86400, RECENT))
        )
    per = "5 min" if window == "hour" else "30 min"
    switch = " ".join(
        f'<a href="{html.url("/guardrails", window=w)}"'
        f"{' aria-current=true' if w == window else ''}>last {w}</a>"
        for w in WINDOWS
    )
    totals = [(html.esc(s.guard), html.esc(s.reason), f"{s.total:,}") for s in lines]
    charts = plots(lines, labels, per) or "<p class=empty>No blocks in this window.</p>"
    verdicts = sorted(ctx.gw.pipeline.verdicts.items(), key=lambda kv: -kv[1])
    vrows = [(html.esc(g), html.esc(d), html.esc(a), f"{c:,}") for (g, d, a), c in verdicts]
    vchart = hbars([(f"{g} {d} {a}", float(c)) for (g, d, a), c in verdicts[:15]])
    note = "" if gov is not None else "<p>The block log needs the database (set a master key).</p>"
    body = (
        f"<p class=switch>{switch}</p>{note}"
        f"<section><h2>Blocks by guard and reason, last {window}</h2>"
        f"<div class=charts>{charts}</div>"
        f"{html.table(('Guard', 'Reason', 'Blocks'), totals)}</section>"
        "<section><h2>Last blocked requests (24 h; metadata only, never content)</h2>"
        + html.table(
            ("Time (UTC)", "Request", "Guard", "Reason", "Direction", "Key", "Team", "Model"),
            [_recent_row(r) for r in last],
        )
        + "</section><section><h2>Verdicts since this process started</h2>"
        f"<div class=split><div>{html.table(('Guard', 'Direction', 'Action', 'Count'), vrows)}"
        f"</div><div class=chartbox>{vchart}</div></div></section>"
    )
    return Page("Guardrails & policy", "/guardrails", body)
