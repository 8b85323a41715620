"""Agents and tools: A2A agents and MCP servers with status; register/remove.

Each URL's SSRF verdict is shown beside it: the same guard (``routeiq.ssrf``) the
gateway applies before it calls the URL, judged here when the page is drawn and
before a registration is sent.
"""

from __future__ import annotations

from typing import Any

from routeiq.console import html
from routeiq.console.core import Ctx, Done, Page, UserError
from routeiq.errors import RouteIQError
from routeiq.ssrf import SSRFGuard

_guards: dict[int, SSRFGuard] = {}


def _guard(ctx: Ctx) -> SSRFGuard:
    settings = ctx.gw.config.routeiq.ssrf
    g = _guards.get(id(settings))
    if g is None:
        _guards.clear()  # one per config generation
        g = _guards[id(settings)] = SSRFGuard(settings)
    return g


async def verdict(ctx: Ctx, url: str) -> tuple[bool, str]:
    try:
        await _guard(ctx).check_url(url)
    except RouteIQError as err:
        return False, err.message
    return True, "allowed"


def _tag(ok: bool, text: str) -> str:
    return f"<span class='tag {'ok' if ok else 'bad'}' title='{html.esc(text)}'>{html.esc('allowed' if ok else 'blocked: ' + text)}</span>"


async def view(ctx: Ctx) -> Page:
    mcp = await ctx.admin.call("GET", "/routeiq/mcp/servers")
    a2a = await ctx.admin.call("GET", "/routeiq/a2a/agents")
    sections = []
    if mcp.ok:
        rows = []
        for s in mcp.body.get("servers", []):
            rows.append(await _row(ctx, s, "/agents/mcp/delete"))
        form = html.form(
            "/agents/mcp/add",
            ctx.csrf,
            (
                html.field("name", "Name", extra="required pattern='[A-Za-z0-9_-]+' maxlength=64")
                + html.field("url", "URL", kind="url", extra="required")
                + html.select(
                    "transport",
                    "Transport",
                    [("streamable_http", "streamable HTTP"), ("sse", "SSE")],
                    "streamable_http",
                )
                + html.button("Register MCP server")
            ),
            cls="grid",
        )
        tools = f"<p>{int(mcp.body.get('tools', 0))} tools in the catalog.</p>"
        sections.append(f"<section><h2>MCP servers</h2>{tools}{_table(rows)}{form}</section>")
    else:
        sections.append(
            "<section><h2>MCP servers</h2><p>The MCP gateway is off (routeiq.mcp.enabled).</p></section>"
        )
    if a2a.ok:
        rows = [await _row(ctx, s, "/agents/a2a/delete") for s in a2a.body.get("agents", [])]
        form = html.form(
            "/agents/a2a/add",
            ctx.csrf,
            (
                html.field("name", "Name", extra="required maxlength=64")
                + html.field("url", "JSON-RPC URL", kind="url", extra="required")
                + html.field("description", "Description")
                + html.button("Register A2A agent")
            ),
            cls="grid",
        )
        sections.append(f"<section><h2>A2A agents</h2>{_table(rows)}{form}</section>")
    else:
        sections.append(
            "<section><h2>A2A agents</h2><p>The A2A gateway is off (routeiq.a2a.enabled).</p></section>"
        )
    return Page("Agents & tools", "/agents", "".join(sections))


def _table(rows: list[tuple[str, ...]]) -> str:
    return html.table(("Name", "URL", "SSRF guard", "Status", ""), rows)


async def _row(ctx: Ctx, s: dict[str, Any], delete: str) -> tuple[str, ...]:
    name, url = str(s.get("name", "")), str(s.get("url", ""))
    ok, why = await verdict(ctx, url)
    status = ", ".join(
        f"{k}: {v}"
        for k, v in s.items()
        if k in ("state", "connected", "tools", "enabled", "card_fetched", "error", "last_error")
    )
    remove = html.form(
        delete,
        ctx.csrf,
        html.hidden("name", name)
        + html.button("remove", "small danger", confirm=f"Remove {name}?"),
    )
    return (
        html.esc(name),
        f"<code>{html.esc(url)}</code>",
        _tag(ok, why),
        html.esc(status),
        remove,
    )


async def _add(ctx: Ctx, path: str, spec: dict[str, Any], what: str) -> Done:
    url = spec.get("url", "")
    if not spec.get("name") or not url:
        raise UserError("Give a name and a URL")
    ok, why = await verdict(ctx, url)
    if not ok:
        raise UserError(f"SSRF guard: {why}")
    answer = await ctx.admin.call("POST", path, spec)
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/agents"), f"{what} {spec['name']} registered (SSRF guard: allowed)")


async def mcp_add(ctx: Ctx) -> Done:
    f = ctx.req.form
    spec = {
        "name": f.get("name", "").strip(),
        "url": f.get("url", "").strip(),
        "transport": f.get("transport", "streamable_http"),
    }
    return await _add(ctx, "/routeiq/mcp/servers", spec, "MCP server")


async def a2a_add(ctx: Ctx) -> Done:
    f = ctx.req.form
    spec = {
        "name": f.get("name", "").strip(),
        "url": f.get("url", "").strip(),
        "description": f.get("description", ""),
    }
    return await _add(ctx, "/routeiq/a2a/agents", spec, "A2A agent")


async def _remove(ctx: Ctx, base: str) -> Done:
    name = ctx.req.form.get("name", "")
    if not name or "/" in name or len(name) > 128:
        raise UserError("Which one?")
    answer = await ctx.admin.call("DELETE", f"{base}/{name}")
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/agents"), f"{name} removed")


async def mcp_delete(ctx: Ctx) -> Done:
    return await _remove(ctx, "/routeiq/mcp/servers")


async def a2a_delete(ctx: Ctx) -> Done:
    return await _remove(ctx, "/routeiq/a2a/agents")
