"""Console sessions and CSRF tokens: pure functions and records, no I/O.

A session is created when an operator signs in with the master key or an admin
key. The browser holds only a random session id in an HttpOnly cookie; the
server keeps the record (who signed in, the CSRF token, when it was made) under
the SHA-256 of that id, so a leaked dump cannot be replayed as a cookie: in the
state store on Redis, else in the gateway's database, so that every process of
``--workers N`` shares it (``routeiq.console.sessions``).

Expiry is twofold: idle (the store's TTL, renewed on each page) and absolute
(``created + max_age``, checked here), so a stolen cookie stops working even if
it is kept busy.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import orjson

COOKIE = "riq_console"
PRE_COOKIE = "riq_console_pre"  # double-submit token of the sign-in form
STORE_PREFIX = "console:session:"


@dataclass(frozen=True, slots=True)
class Session:
    who: str  # "master" or the admin key's alias: never the key itself
    csrf: str
    created: float

    def dumps(self) -> bytes:
        return orjson.dumps({"who": self.who, "csrf": self.csrf, "created": self.created})


def new_session(who: str, now: float) -> tuple[str, Session]:
    """A fresh (cookie value, record) pair."""
    return secrets.token_urlsafe(32), Session(who, secrets.token_urlsafe(32), now)


def store_key(session_id: str) -> str:
    return STORE_PREFIX + hashlib.sha256(session_id.encode()).hexdigest()


def loads(raw: bytes | None, now: float, max_age: float) -> Session | None:
    """The stored record, or None when absent, damaged or past its absolute age."""
    if raw is None:
        return None
    try:
        obj = orjson.loads(raw)
        s = Session(str(obj["who"]), str(obj["csrf"]), float(obj["created"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if now >= s.created + max_age:
        return None
    return s


def token_ok(expected: str, presented: str | None) -> bool:
    """Constant-time comparison of a CSRF token (a missing one never matches)."""
    if not presented or not expected:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode())


def cookie_header(name: str, value: str, *, path: str, secure: bool, max_age: int) -> bytes:
    """A Set-Cookie value: HttpOnly and SameSite=Strict always, Secure under TLS.

    ``max_age`` 0 deletes the cookie."""
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Strict"]
    parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode()


def parse_cookies(raw: bytes | None) -> dict[str, str]:
    """``name=value; ...`` into a dict (first one wins, bounded)."""
    out: dict[str, str] = {}
    if not raw:
        return out
    for part in raw.decode("latin-1").split(";")[:64]:
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in out:
            out[name] = value.strip()
    return out
