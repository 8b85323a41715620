"""Overview: request rate, latency p50/p99, time to first token, errors, tokens, cost.

Series come from the spend logs (one row per answered request, in the database),
the time to first token from the gateway's own histogram (since start).
"""

from __future__ import annotations

import time

from routeiq.console import html
from routeiq.console.core import Ctx, Page
from routeiq.console.queries import Bucket, hist_quantile, series
from routeiq.console.svg import line_chart

WINDOWS = {"hour": (60.0, 60), "day": (1800.0, 48)}


def ttft_quantiles(ctx: Ctx) -> tuple[float | None, float | None, int]:
    """p50/p99 (bucket upper bounds) and count of the server's TTFT histogram."""
    fam = ctx.gw.telemetry.genai.server_ttft
    counts = [0] * len(fam.bounds)
    total = 0
    for h in fam.series.values():
        for i, c in enumerate(h.counts[: len(counts)]):
            counts[i] += c
        total += h.count
    return (
        hist_quantile(fam.bounds, counts, total, 0.5),
        hist_quantile(fam.bounds, counts, total, 0.99),
        total,
    )


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v * 1000:.0f} ms"


async def view(ctx: Ctx) -> Page:
    window = ctx.req.arg("window", "hour")
    width, n = WINDOWS.get(window, WINDOWS["hour"])
    now = time.time()
    since = (now // width + 1) * width - width * n
    gov = ctx.gw.governance
    buckets: list[Bucket] = []
    if gov is not None:
        buckets = await gov.db.read(lambda cur, m: series(cur, m, since, width, n))
    fmt = "%H:%M"
    labels = [time.strftime(fmt, time.gmtime(b.start)) for b in buckets]
    reqs = sum(b.requests for b in buckets)
    errs = sum(b.errors for b in buckets)
    p50, p99, seen = ttft_quantiles(ctx)
    per = "min" if window == "hour" else "30 min"
    cards = (
        html.card("Requests", f"{reqs:,}", f"last {window}")
        + html.card("Error rate", f"{(errs / reqs * 100 if reqs else 0):.1f}%", f"{errs} errors")
        + html.card("Tokens", f"{sum(b.tokens for b in buckets):,}", f"last {window}")
        + html.card("Cost", html.money(sum(b.spend for b in buckets)), f"last {window}")
        + html.card("TTFT p50 / p99", f"{_ms(p50)} / {_ms(p99)}", f"{seen} streamed, since start")
        + html.card("In flight", str(ctx.gw.lifecycle.in_flight), "now")
    )
    charts = "".join(
        (
            line_chart(
                f"Requests per {per}", [("requests", [b.requests for b in buckets])], labels
            ),
            line_chart(
                "Latency",
                [("p50", [b.p50 for b in buckets]), ("p99", [b.p99 for b in buckets])],
                labels,
                " s",
            ),
            line_chart(
                "Error rate",
                [("errors", [b.errors / b.requests if b.requests else None for b in buckets])],
                labels,
            ),
            line_chart("Tokens", [("tokens", [b.tokens for b in buckets])], labels),
            line_chart("Cost", [("USD", [b.spend for b in buckets])], labels, " $"),
        )
    )
    switch = " ".join(
        f'<a href="{html.url("/", window=w)}"{" aria-current=true" if w == window else ""}>last {w}</a>'
        for w in WINDOWS
    )
    note = (
        "" if gov is not None else "<p>Request series need the spend logs (set a master key).</p>"
    )
    body = f"<p class=switch>{switch}</p>{note}<div class=cards>{cards}</div><div class=charts>{charts}</div>"
    return Page("Overview", "/", body)
