"""HTML building blocks: escaping, the page frame, tables, pagers and forms.

Everything user-supplied goes through :func:`esc`. The pages have no inline
script or style (the CSP forbids both): behaviour lives in ``static/console.js``
and looks in ``static/console.css``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import urlencode

PREFIX = "/ui"

NAV = (
    ("/", "Overview"),
    ("/keys", "Keys & teams"),
    ("/spend", "Spend"),
    ("/models", "Models"),
    ("/guardrails", "Guardrails"),
    ("/cache", "Cache"),
    ("/agents", "Agents & tools"),
    ("/routing", "Routing"),
)


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def url(path: str, **query: object) -> str:
    """A console URL; empty query values are left out."""
    q = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return PREFIX + path + ("?" + urlencode(q) if q else "")


def page(title: str, current: str, body: str, *, who: str, csrf: str, flash: str = "") -> str:
    links = "".join(
        f'<a href="{url(p)}"{" aria-current=page" if p == current else ""}>{esc(label)}</a>'
        for p, label in NAV
    )
    note = f'<p class="flash" role="status">{esc(flash)}</p>' if flash else ""
    signout = form("/signout", csrf, button("Sign out", "link"))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · RouteIQ console</title>"
        f'<link rel=stylesheet href="{PREFIX}/static/console.css">'
        '<link rel=icon href="data:,">'
        f'<script src="{PREFIX}/static/console.js" defer></script></head><body>'
        f"<header><span class=brand>RouteIQ</span><nav>{links}</nav>"
        f"<span class=who>{esc(who)}</span>{signout}</header>"
        f"<main><h1>{esc(title)}</h1>{note}{body}</main></body></html>"
    )


def bare(title: str, body: str) -> str:
    """A page without navigation (sign-in, errors)."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · RouteIQ console</title>"
        f'<link rel=stylesheet href="{PREFIX}/static/console.css">'
        '<link rel=icon href="data:,"></head><body>'
        f"<main class=narrow><h1>{esc(title)}</h1>{body}</main></body></html>"
    )


def table(head: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """``rows`` cells are HTML already (escape values with :func:`esc`)."""
    th = "".join(f"<th scope=col>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    if not body:
        body = f'<tr><td colspan="{len(head)}" class=empty>nothing yet</td></tr>'
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def pager(path: str, page_no: int, pages: int, total: int, **query: object) -> str:
    prev = (
        f'<a rel=prev href="{esc(url(path, **query, page=page_no - 1))}">previous</a>'
        if page_no > 1
        else ""
    )
    nxt = (
        f'<a rel=next href="{esc(url(path, **query, page=page_no + 1))}">next</a>'
        if page_no < pages
        else ""
    )
    return (
        f"<nav class=pager>{prev}<span>page {page_no} of {pages} ({total} in all)</span>{nxt}</nav>"
    )


def form(action: str, csrf: str, inner: str, *, cls: str = "inline") -> str:
    """A POST form to a console path, carrying the session's CSRF token."""
    return (
        f'<form method=post action="{PREFIX}{esc(action)}" class="{cls}">'
        f'<input type=hidden name=csrf value="{esc(csrf)}">{inner}</form>'
    )


def field(name: str, label: str, value: object = "", *, kind: str = "text", extra: str = "") -> str:
    return (
        f'<label>{esc(label)} <input type={kind} name="{esc(name)}" value="{esc(value)}" '
        f"{extra}></label>"
    )


def hidden(name: str, value: object) -> str:
    return f'<input type=hidden name="{esc(name)}" value="{esc(value)}">'


def button(text: str, cls: str = "", confirm: str = "") -> str:
    data = f' data-confirm="{esc(confirm)}"' if confirm else ""
    return f'<button type=submit class="{cls}"{data}>{esc(text)}</button>'


def select(name: str, label: str, options: Sequence[tuple[str, str]], value: str) -> str:
    opts = "".join(
        f'<option value="{esc(v)}"{" selected" if v == value else ""}>{esc(t)}</option>'
        for v, t in options
    )
    return f'<label>{esc(label)} <select name="{esc(name)}">{opts}</select></label>'


def money(usd: float | None) -> str:
    if usd is None:
        return "-"
    return f"${usd:,.4f}" if usd < 100 else f"${usd:,.2f}"


def card(title: str, value: str, sub: str = "") -> str:
    return f"<div class=card><h2>{esc(title)}</h2><p class=big>{value}</p><p class=sub>{esc(sub)}</p></div>"
