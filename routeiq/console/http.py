"""The console's few HTTP pieces: the request it sees and the responses it sends.

Every HTML answer carries a strict Content-Security-Policy (scripts, styles and
images from this origin only, no inline script, no framing), ``no-store`` so a
page with spend figures is not kept in a shared cache, and ``same-origin`` referrers so no
console URL leaks to another site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from routeiq.asgi.body import read_body
from routeiq.asgi.types import Receive, Scope, Send, header
from routeiq.console.session import parse_cookies

FORM_LIMIT = 64 * 1024

CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

Headers = list[tuple[bytes, bytes]]


@dataclass(slots=True)
class Request:
    method: str
    path: str  # below /ui, e.g. "/keys"
    query: dict[str, str]
    cookies: dict[str, str]
    secure: bool
    origin: bytes | None
    host: bytes | None
    form: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, default)[:256]


def _flat(raw: dict[str, list[str]]) -> dict[str, str]:
    return {k[:64]: v[-1] for k, v in list(raw.items())[:100]}


def parse_request(scope: Scope, prefix: str) -> Request:
    qs = scope.get("query_string", b"").decode("latin-1")
    secure = scope.get("scheme") == "https"
    if header(scope, b"x-forwarded-proto") == b"https":
        secure = True
    return Request(
        method=scope["method"],
        path=scope["path"][len(prefix) :] or "/",
        query=_flat(parse_qs(qs, keep_blank_values=True)),
        cookies=parse_cookies(header(scope, b"cookie")),
        secure=secure,
        origin=header(scope, b"origin"),
        host=header(scope, b"host"),
    )


async def read_form(scope: Scope, receive: Receive) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (bounded); other types read as empty."""
    body = await read_body(scope, receive, FORM_LIMIT)
    ctype = (header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
    if ctype != b"application/x-www-form-urlencoded":
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    return _flat(parse_qs(text, keep_blank_values=True))


async def send_page(
    send: Send,
    status: int,
    body: str | bytes,
    ctype: bytes = b"text/html; charset=utf-8",
    extra: Headers | None = None,
) -> None:
    data = body.encode() if isinstance(body, str) else body
    headers: Headers = [(b"content-type", ctype), (b"content-length", b"%d" % len(data))]
    headers += SECURITY_HEADERS
    if extra:
        headers += extra
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data, "more_body": False})


async def redirect(send: Send, location: str, extra: Headers | None = None) -> None:
    """303 See Other: a POST's answer, so a reload does not repeat the change."""
    headers: Headers = [(b"location", location.encode()), (b"content-length", b"0")]
    headers += SECURITY_HEADERS
    if extra:
        headers += extra
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
