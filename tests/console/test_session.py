"""Console sessions: idle expiry on the virtual clock (exact times), absolute age,
CSRF token comparison, cookie flags, and who may sign in."""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

import trio
import trio.testing

from routeiq.asgi.auth import KeyInfo, KeyRing
from routeiq.config import load_config
from routeiq.console.session import (
    COOKIE,
    Session,
    cookie_header,
    loads,
    new_session,
    parse_cookies,
    store_key,
    token_ok,
)
from routeiq.console.sessions import DatabaseSessions
from routeiq.console.signin import admin_name
from routeiq.governance.records import principal
from routeiq.testing import build_gateway
from tests.conftest import config_dict
from tests.console.helpers import asgi_get


def test_records_round_trip_and_age_out() -> None:
    sid, s = new_session("master", 1000.0)
    assert len(sid) >= 40 and sid != s.csrf
    assert loads(s.dumps(), 1000.0 + 3599.9, 3600.0) == s
    assert loads(s.dumps(), 1000.0 + 3600.0, 3600.0) is None  # absolute age reached
    assert loads(None, 0, 1) is None
    assert loads(b"{not json", 0, 1) is None
    assert loads(b'{"who": "x"}', 0, 1) is None
    assert store_key(sid) != store_key(sid + "x") and sid not in store_key(sid)


def test_csrf_tokens_compare_exactly() -> None:
    assert token_ok("abc", "abc")
    for bad in (None, "", "abd", "ab", "abcd"):
        assert not token_ok("abc", bad)
    assert not token_ok("", "")


def test_cookie_flags() -> None:
    plain = cookie_header(COOKIE, "v", path="/ui", secure=False, max_age=60).decode()
    assert plain == f"{COOKIE}=v; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=60"
    tls = cookie_header(COOKIE, "v", path="/ui", secure=True, max_age=0).decode()
    assert tls.endswith("; Max-Age=0; Secure")
    assert parse_cookies(b"a=1; riq_console=xyz; a=2") == {"a": "1", "riq_console": "xyz"}
    assert parse_cookies(None) == {}


def test_who_may_sign_in() -> None:
    ring = KeyRing()
    ring.add("sk-master", KeyInfo("master", None, None, True))
    ring.add("sk-yaml", KeyInfo("app", None, None, False))

    def rec(data: dict[str, object], key: str) -> tuple[str, object]:
        ident = hashlib.sha256(key.encode()).hexdigest()
        return ident, principal("key", ident, data)

    records = {
        "key": dict(
            [
                rec({"key_alias": "ops", "metadata": {"role": "admin"}}, "sk-ops"),
                rec({"key_alias": "app2"}, "sk-app"),
                rec({"key_alias": "old", "metadata": {"role": "admin"}, "blocked": True}, "sk-old"),
                rec(
                    {"key_alias": "gone", "metadata": {"role": "admin"}, "expires_at": 1.0},
                    "sk-gone",
                ),
                rec({"key_alias": "u", "user_id": "boss"}, "sk-user"),
            ]
        ),
        "user": {"boss": principal("user", "boss", {"user_role": "proxy_admin"})},
    }
    assert admin_name("sk-master", ring, records) == "master"
    assert admin_name("sk-ops", ring, records) == "admin ops"
    assert admin_name("sk-user", ring, records) == "admin u"
    for refused in ("sk-yaml", "sk-app", "sk-old", "sk-gone", "sk-nope", "", "x" * 600):
        assert admin_name(refused, ring, records) is None, refused


async def test_idle_sessions_end_at_exactly_the_idle_time(
    autojump_clock: trio.testing.MockClock,
) -> None:
    config = load_config(
        config_dict(
            "http://127.0.0.1:9/v1",
            governance={"data_dir": tempfile.mkdtemp()},
            console={"idle_seconds": 600, "max_age_seconds": 86400},
        )
    )
    app, gw = build_gateway(config)
    assert gw.governance is not None
    await gw.governance.db.open()
    gw.governance.ready = True
    try:
        sid, s = new_session("master", time.time())
        # the memory store is per process: sessions live in the database (any worker)
        await DatabaseSessions(gw.governance.db).create(store_key(sid), s.dumps(), 600)
        cookie = f"{COOKIE}={sid}"
        start = trio.current_time()
        await trio.sleep(599)
        status, _ = await asgi_get(app, "/ui/models", cookie)
        assert status == 200  # used at 599 s: renewed for another 600 s
        await trio.sleep(599)
        status, _ = await asgi_get(app, "/ui/models", cookie)
        assert status == 200 and trio.current_time() - start == 1198
        await trio.sleep(600)  # idle for exactly the idle time
        status, headers = await asgi_get(app, "/ui/models", cookie)
        assert status == 303 and headers[b"location"] == b"/ui/signin"
    finally:
        await gw.governance.db.close()


def test_a_session_past_its_absolute_age_is_refused(tmp_path: Path) -> None:
    old = Session("master", "t", time.time() - 86400 - 1)
    assert loads(old.dumps(), time.time(), 86400) is None
