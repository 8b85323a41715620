"""Fuzz every console route: random forms and query strings, with a valid session and
CSRF token, give a page or a 4xx page, never a 500 or a stack trace."""

from __future__ import annotations

import tempfile
import time
from typing import Any
from urllib.parse import urlencode

import trio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq.asgi.types import Message
from routeiq.config import load_config
from routeiq.console.pages import ROUTES
from routeiq.console.session import COOKIE, new_session, store_key
from routeiq.testing import build_gateway
from tests.conftest import config_dict

CONFIG = load_config(
    config_dict(
        "http://127.0.0.1:9/v1",
        governance={"data_dir": tempfile.mkdtemp()},
        mcp={"enabled": True},
        a2a={"enabled": True},
    )
)
FIELDS = [
    "id",
    "key_alias",
    "team_id",
    "models",
    "max_budget",
    "budget_duration",
    "rpm_limit",
    "tpm_limit",
    "team_alias",
    "model_name",
    "model",
    "api_base",
    "api_key",
    "rpm",
    "namespace",
    "name",
    "url",
    "transport",
    "description",
    "q",
    "team",
    "page",
    "by",
    "start",
    "end",
    "key",
    "deployment",
    "window",
]
text = st.text(max_size=40) | st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1e309",
        "nan",
        "inf",
        "9" * 400,
        "2026-02-30",
        "0" * 64,
        "http://[::1]/",
        "http://169.254.169.254/x",
        "ftp://x",
        "a/b",
        "../../etc",
        "<script>",
        "day",
        "key",
    ]
)
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), text, max_size=6)


async def _run(
    method: str, path: str, form: dict[str, str], query: dict[str, str]
) -> tuple[int, bytes]:
    app, gw = build_gateway(CONFIG)
    gov = gw.governance
    assert gov is not None
    await gov.db.open()
    try:
        await gov.refresh()
        gov.ready = True
        sid, session = new_session("master", time.time())
        await gw.store.set(store_key(sid), session.dumps(), 600)
        body = urlencode({**form, "csrf": session.csrf}).encode() if method == "POST" else b""
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": "/ui" + path,
            "raw_path": ("/ui" + path).encode(),
            "query_string": urlencode(query).encode(),
            "root_path": "",
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2),
            "headers": [
                (b"host", b"gw"),
                (b"cookie", f"{COOKIE}={sid}".encode()),
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        sent: list[Message] = []
        messages: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> Message:
            if messages:
                return messages.pop(0)
            await trio.sleep_forever()
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            sent.append(message)

        with trio.fail_after(30):
            await app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return int(start["status"]), out
    finally:
        await gov.db.close()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(sorted(ROUTES)),
    form=forms,
    query=st.dictionaries(st.sampled_from(FIELDS), text, max_size=4),
)
def test_console_routes_never_fail_with_a_500(
    route: tuple[str, str], form: dict[str, str], query: dict[str, str]
) -> None:
    method, path = route
    status, body = trio.run(_run, method, path, form, query)
    assert status < 500, (route, form, query, body[:400])
    assert b"Traceback" not in body
    if status >= 400:
        assert b"class=error" in body  # the console's own error page
