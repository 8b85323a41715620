"""Cache: hit rates by tier, entries, memory, flush by namespace."""

from __future__ import annotations

from typing import Any

from routeiq.console import html
from routeiq.console.core import Ctx, Done, Page, UserError, compact


def _rows(d: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A nested summary flattened to (name, value) rows."""
    out: list[tuple[str, str]] = []
    if isinstance(d, dict):
        for k, v in d.items():
            out += _rows(v, f"{prefix}{k}.") if isinstance(v, dict) else [(prefix + str(k), str(v))]
    return out


async def view(ctx: Ctx) -> Page:
    answer = await ctx.admin.call("GET", "/routeiq/cache/stats")
    summary = answer.body if answer.ok and isinstance(answer.body, dict) else {}
    ratio = float(summary.get("hit_ratio", 0.0) or 0.0)
    reqs = summary.get("requests", {}) if isinstance(summary.get("requests"), dict) else {}
    cards = html.card("Hit ratio", f"{ratio * 100:.1f}%", "exact + semantic") + "".join(
        html.card(k, f"{int(v):,}", "requests") for k, v in reqs.items()
    )
    tiers = html.table(
        ("Tier", "Value"), [(html.esc(k), html.esc(v)) for k, v in _rows(summary.get("tiers", {}))]
    )
    sizes = html.table(
        ("Entries / memory", "Value"),
        [(html.esc(k), html.esc(v)) for k, v in _rows(summary.get("sizes", {}))],
    )
    index = _rows(summary.get("index", {}))
    idx = (
        html.table(("Semantic index", "Value"), [(html.esc(k), html.esc(v)) for k, v in index])
        if index
        else ""
    )
    flush = html.form(
        "/cache/flush",
        ctx.csrf,
        (
            html.field("namespace", "Namespace (empty: everything)")
            + html.field("model", "Model (optional)")
            + html.button("Flush", "danger", confirm="Flush these cached answers?")
        ),
        cls="grid",
    )
    state = "" if answer.ok else f"<p>The cache is not available: {html.esc(answer.message)}</p>"
    body = (
        f"{state}<div class=cards>{cards}</div><div class=split><div>{tiers}</div><div>{sizes}{idx}</div></div>"
        f"<section><h2>Flush</h2>{flush}</section>"
    )
    return Page("Cache", "/cache", body)


async def flush(ctx: Ctx) -> Done:
    f = ctx.req.form
    body = compact(
        {
            "namespace": f.get("namespace", "").strip() or None,
            "model": f.get("model", "").strip() or None,
        }
    )
    answer = await ctx.admin.call("POST", "/routeiq/cache/flush", body)
    if not answer.ok:
        raise UserError(answer.message)
    n = answer.body.get("flushed", {}) if isinstance(answer.body, dict) else {}
    said = ", ".join(f"{k} {v}" for k, v in n.items()) if isinstance(n, dict) else ""
    return Done(html.url("/cache"), f"Cache flushed ({said or 'nothing held'})")
