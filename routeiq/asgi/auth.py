"""Bearer-key authentication (pure ASGI; never touches the body).

Keys are compared in constant time: the presented key's SHA-256 digest is
compared with every known digest with ``hmac.compare_digest`` and no early
exit, so timing reveals neither which key matched nor how much of one did.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, get_ctx
from routeiq.errors import Unauthorized

if TYPE_CHECKING:
    from routeiq.governance.service import Governance


@dataclass(frozen=True, slots=True)
class KeyInfo:
    name: str
    team: str | None
    user: str | None
    is_master: bool


def _digest(key: str | bytes) -> bytes:
    return hashlib.sha256(key if isinstance(key, bytes) else key.encode()).digest()


class KeyRing:
    def __init__(self) -> None:
        self._entries: list[tuple[bytes, KeyInfo]] = []

    def add(self, key: str, info: KeyInfo) -> None:
        self._entries.append((_digest(key), info))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def names(self) -> frozenset[str]:
        """The names of the keys (the master's is ``master``)."""
        return frozenset(info.name for _, info in self._entries)

    def lookup(self, presented: bytes) -> KeyInfo | None:
        d = _digest(presented)
        found: KeyInfo | None = None
        for digest, info in self._entries:
            if hmac.compare_digest(d, digest):
                found = info
        return found


def _bearer(value: bytes) -> bytes | None:
    scheme, _, token = value.partition(b" ")
    if scheme.lower() == b"bearer" and token.strip():
        return token.strip()
    return None


def presented_key(scope: Scope) -> bytes | None:
    """The key a request presents, in LiteLLM's order: ``x-litellm-api-key`` (with or
    without ``Bearer``; LiteLLM's header for when ``Authorization`` carries another
    proxy's credentials), then ``Authorization: Bearer``, then ``api-key`` (Azure SDKs)
    or ``x-api-key`` (Anthropic SDKs)."""
    bearer: bytes | None = None
    other: bytes | None = None
    for k, v in scope["headers"]:
        if k == b"x-litellm-api-key":
            value = bytes(v).strip()
            return _bearer(value) or (None if b" " in value else value or None)
        if k == b"authorization":
            if bearer is None:
                bearer = _bearer(bytes(v))
        elif (k == b"api-key" or k == b"x-api-key") and other is None:
            other = bytes(v).strip() or None
    return bearer if bearer is not None else other


class AuthMiddleware:
    """401 unless the request carries a known key. No keys configured: auth is off.

    Keys from the YAML are checked first; then the virtual keys of
    ``governance`` (one dict get on the key's SHA-256: blocked or expired ones
    get a 401 too). Limits and budgets are checked by the handler once the body
    names the model (``Governance.admit``).
    """

    def __init__(
        self,
        app: ASGIApp,
        keys: KeyRing,
        exempt: frozenset[str],
        governance: Governance | None = None,
    ) -> None:
        self.app = app
        self.keys = keys
        self.exempt = exempt
        self.governance = governance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        token = presented_key(scope)
        info = self.keys.lookup(token) if token is not None else None
        gov = self.governance
        if info is None and token is not None and gov is not None:
            try:
                known = gov.authenticate(hashlib.sha256(token).hexdigest(), get_ctx(scope))
            except Unauthorized as err:
                await send_error(send, err, [(b"www-authenticate", b"Bearer")])
                return
            if known:
                await self.app(scope, receive, send)
                return
        if info is None:
            msg = (
                "Missing API key: send 'Authorization: Bearer <key>'"
                if token is None
                else "Invalid API key"
            )
            await send_error(send, Unauthorized(msg), [(b"www-authenticate", b"Bearer")])
            return
        ctx = get_ctx(scope)
        ctx.key_name, ctx.team, ctx.user = info.name, info.team, info.user
        await self.app(scope, receive, send)
