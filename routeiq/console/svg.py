"""Inline SVG plots drawn on the server (no script, no external library).

Pure functions from numbers to markup, so they are tested with plain calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

W, H, PAD_L, PAD_B, PAD_T = 480, 160, 46, 20, 10


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v / 1000:.1f}k"
    if abs(v) >= 10:
        return f"{v:.0f}"
    if abs(v) >= 0.01:
        return f"{v:.2f}"
    return f"{v:.1e}"


def line_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[float | None]]],
    labels: Sequence[str],
    unit: str = "",
) -> str:
    """One or more lines over the same buckets; ``None`` is a gap."""
    n = max((len(v) for _, v in series), default=0)
    values = [x for _, v in series for x in v if x is not None]
    top = max(values, default=0.0) or 1.0
    inner_w, inner_h = W - PAD_L - 6, H - PAD_B - PAD_T
    step = inner_w / max(1, n - 1)

    def xy(i: int, v: float) -> str:
        return f"{PAD_L + i * step:.1f},{PAD_T + inner_h - v / top * inner_h:.1f}"

    paths = []
    for k, (name, vals) in enumerate(series):
        runs: list[list[str]] = [[]]
        for i, v in enumerate(vals):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, v))
        # A lone point between gaps is drawn as a short tick so it stays visible.
        d = " ".join("M" + (" L".join(r) if len(r) > 1 else f"{r[0]} l3,0") for r in runs if r)
        paths.append(f'<path class="s{k}" d="{d}"><title>{escape(name)}</title></path>')
    axis = (
        f'<text x="{PAD_L - 4}" y="{PAD_T + 8}" class=ax text-anchor=end>{_fmt(top)}{escape(unit)}</text>'
        f'<text x="{PAD_L - 4}" y="{PAD_T + inner_h}" class=ax text-anchor=end>0</text>'
        f'<line x1="{PAD_L}" y1="{PAD_T + inner_h}" x2="{W - 6}" y2="{PAD_T + inner_h}" class=base />'
    )
    if labels:
        axis += (
            f'<text x="{PAD_L}" y="{H - 4}" class=ax>{escape(labels[0])}</text>'
            f'<text x="{W - 6}" y="{H - 4}" class=ax text-anchor=end>{escape(labels[-1])}</text>'
        )
    legend = "".join(
        f'<span class="key s{k}">{escape(name)}</span>' for k, (name, _) in enumerate(series)
    )
    return (
        f"<figure class=chart><figcaption>{escape(title)} {legend}</figcaption>"
        f'<svg viewBox="0 0 {W} {H}" role=img aria-label="{escape(title)}">{axis}{"".join(paths)}</svg></figure>'
    )


def bar(value: float, limit: float | None) -> str:
    """Spend against budget as a small bar (no budget: an empty track)."""
    if not limit:
        return '<svg class=bar viewBox="0 0 100 8" role=img aria-label="no budget"><rect class=track width="100" height="8"/></svg>'
    frac = max(0.0, min(1.0, value / limit))
    cls = "over" if value >= limit else ("warn" if frac >= 0.8 else "fill")
    label = f"{frac * 100:.0f}% of budget"
    return (
        f'<svg class=bar viewBox="0 0 100 8" role=img aria-label="{label}"><title>{label}</title>'
        f'<rect class=track width="100" height="8"/><rect class={cls} width="{frac * 100:.1f}" height="8"/></svg>'
    )


def hbars(rows: Sequence[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars, one per (label, value), scaled to the largest."""
    top = max((v for _, v in rows), default=0.0) or 1.0
    out = []
    for label, v in rows:
        out.append(
            f"<div class=hbar><span class=lbl>{escape(label)}</span>"
            f'<svg viewBox="0 0 100 8" role=img aria-label="{escape(label)}"><rect class=fill width="{v / top * 100:.1f}" height="8"/></svg>'
            f"<span class=val>{_fmt(v)}{escape(unit)}</span></div>"
        )
    return "".join(out)
