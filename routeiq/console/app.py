"""The console's ASGI app at ``/ui``: sign-in, sessions, CSRF, then the pages.

It sits in front of the bearer-key middleware (a browser signs in once and then
carries a cookie, never a key) and passes every other path on unchanged. Every
POST must carry the session's CSRF token and, when the browser sends an
``Origin``, come from this host; sign-in uses a double-submit token instead (no
session yet). A key travels only in the sign-in form's body: never in a URL,
and the access log records paths without bodies.
"""

from __future__ import annotations

import logging
import secrets
from importlib import resources
from typing import TYPE_CHECKING

from routeiq.asgi.types import ASGIApp, Receive, Scope, Send
from routeiq.console import html
from routeiq.console.admin_client import AdminClient
from routeiq.console.core import Ctx, Done, Download, Page, UserError
from routeiq.console.http import Request, parse_request, read_form, redirect, send_page
from routeiq.console.pages import ROUTES
from routeiq.console.session import (
    COOKIE,
    PRE_COOKIE,
    Session,
    cookie_header,
    loads,
    new_session,
    store_key,
    token_ok,
)
from routeiq.console.sessions import choose, wall_now
from routeiq.console.signin import admin_name
from routeiq.errors import RouteIQError

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

log = logging.getLogger("routeiq.console")

PREFIX = html.PREFIX
STATIC = {
    "/static/console.js": b"text/javascript; charset=utf-8",
    "/static/console.css": b"text/css; charset=utf-8",
}


def _static_files() -> dict[str, bytes]:
    base = resources.files("routeiq.console") / "static"
    return {path: (base / path.rsplit("/", 1)[1]).read_bytes() for path in STATIC}


class Console:
    def __init__(self, gw: Gateway, inner: ASGIApp, admin_app: ASGIApp, master_key: str) -> None:
        self.gw = gw
        self.inner = inner
        self.admin = AdminClient(admin_app, master_key)
        self.settings = gw.config.routeiq.console
        self.static = _static_files()  # read once at start-up
        db = gw.governance.db if gw.governance is not None else None
        self.sessions = choose(gw.store, db, gw.config.routeiq.state.backend)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.inner(scope, receive, send)
            return
        req = parse_request(scope, PREFIX)
        try:
            await self._serve(req, scope, receive, send)
        except UserError as err:
            await self._error(send, 400, str(err))
        except RouteIQError as err:
            await self._error(send, err.status if err.status < 500 else 503, err.message)

    async def _error(self, send: Send, status: int, message: str) -> None:
        body = (
            f'<p class=error role=alert>{html.esc(message)}</p><p><a href="{PREFIX}/">Back</a></p>'
        )
        await send_page(send, status, html.bare("Could not do that", body))

    # -- dispatch -----------------------------------------------------------------------

    async def _serve(self, req: Request, scope: Scope, receive: Receive, send: Send) -> None:
        if req.path in STATIC and req.method in ("GET", "HEAD"):
            await send_page(
                send,
                200,
                self.static[req.path],
                STATIC[req.path],
                [(b"cache-control", b"max-age=3600")],
            )
            return
        if req.method == "POST":
            req.form = await read_form(scope, receive)
            if not self._same_origin(req):
                await self._error(send, 403, "This change came from another site")
                return
        if req.path == "/signin":
            await self._signin(req, send)
            return
        session_id = req.cookies.get(COOKIE, "")
        session = await self._session(session_id)
        if session is None:
            if req.method == "POST":
                await self._error(send, 403, "Your session has ended: sign in again")
            else:
                await redirect(send, PREFIX + "/signin")
            return
        if req.method == "POST" and not token_ok(session.csrf, req.form.get("csrf")):
            await self._error(
                send, 403, "This form is stale or forged (CSRF token): reload the page"
            )
            return
        if req.path == "/signout" and req.method == "POST":
            await self.sessions.delete(store_key(session_id))
            clear = cookie_header(COOKIE, "", path=PREFIX, secure=req.secure, max_age=0)
            await redirect(send, PREFIX + "/signin", [(b"set-cookie", clear)])
            return
        route = ROUTES.get((req.method if req.method != "HEAD" else "GET", req.path))
        if route is None:
            await self._error(send, 404 if req.method == "GET" else 405, "No such console page")
            return
        ctx = Ctx(self.gw, self.admin, req, session, self.settings.page_size)
        result = await route(ctx)
        await self._answer(ctx, session_id, result, send)

    async def _answer(
        self, ctx: Ctx, session_id: str, result: Page | Done | Download, send: Send
    ) -> None:
        if isinstance(result, Done):
            await self.sessions.set_flash(store_key(session_id), result.message)
            await redirect(send, result.location)
            return
        if isinstance(result, Download):
            disposition = f'attachment; filename="{result.filename}"'.encode()
            await send_page(
                send, 200, result.body, result.ctype, [(b"content-disposition", disposition)]
            )
            return
        flash = await self.sessions.pop_flash(store_key(session_id))
        text = html.page(
            result.title,
            result.nav,
            result.body,
            who=ctx.session.who,
            csrf=ctx.csrf,
            flash=flash or "",
        )
        await send_page(send, 200, text)

    # -- sessions -----------------------------------------------------------------------

    async def _session(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > 128:
            return None
        raw = await self.sessions.touch(store_key(session_id), self.settings.idle_seconds)
        return loads(raw, wall_now(), self.settings.max_age_seconds)

    def _same_origin(self, req: Request) -> bool:
        if req.origin is None:  # old browsers and non-browser clients: the token decides
            return True
        origin = req.origin.decode("latin-1")
        host = (req.host or b"").decode("latin-1")
        return origin in (f"http://{host}", f"https://{host}")

    async def _signin(self, req: Request, send: Send) -> None:
        if req.method == "GET" or req.method == "HEAD":
            token = secrets.token_urlsafe(24)
            cookie = cookie_header(PRE_COOKIE, token, path=PREFIX, secure=req.secure, max_age=600)
            await send_page(send, 200, _signin_page(token), extra=[(b"set-cookie", cookie)])
            return
        if req.method != "POST":
            await self._error(send, 405, "Use the sign-in form")
            return
        if not token_ok(req.cookies.get(PRE_COOKIE, ""), req.form.get("csrf")):
            await self._error(send, 403, "This sign-in form is stale or forged: reload it")
            return
        gov = self.gw.governance
        records = gov.records if gov is not None else None
        who = admin_name(req.form.get("key", ""), self.gw.keys, records)
        if who is None:
            log.info("console sign-in refused")
            token = secrets.token_urlsafe(24)
            cookie = cookie_header(PRE_COOKIE, token, path=PREFIX, secure=req.secure, max_age=600)
            await send_page(
                send,
                401,
                _signin_page(token, "That key cannot sign in here."),
                extra=[(b"set-cookie", cookie)],
            )
            return
        session_id, session = new_session(who, wall_now())
        await self.sessions.create(
            store_key(session_id), session.dumps(), self.settings.idle_seconds
        )
        log.info("console sign-in", extra={"who": who})
        cookie = cookie_header(
            COOKIE,
            session_id,
            path=PREFIX,
            secure=req.secure,
            max_age=int(self.settings.max_age_seconds),
        )
        gone = cookie_header(PRE_COOKIE, "", path=PREFIX, secure=req.secure, max_age=0)
        await redirect(send, PREFIX + "/", [(b"set-cookie", cookie), (b"set-cookie", gone)])


def _signin_page(token: str, error: str = "") -> str:
    note = f"<p class=error role=alert>{html.esc(error)}</p>" if error else ""
    return html.bare(
        "Sign in",
        f'{note}<form method=post action="{PREFIX}/signin" class=stack>'
        f'<input type=hidden name=csrf value="{html.esc(token)}">'
        "<label>Master key or admin key <input type=password name=key autocomplete=off "
        "required autofocus></label><button type=submit>Sign in</button></form>",
    )


def mount(gw: Gateway, inner: ASGIApp, admin_app: ASGIApp) -> ASGIApp:
    """The console in front of ``inner`` (nothing when it is off or there is no master key:
    the admin API it drives needs one)."""
    key = gw.config.master_key
    if not gw.config.routeiq.console.enabled or not key:
        return inner
    return Console(gw, inner, admin_app, key)
