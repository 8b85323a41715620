"""Outermost middleware: request id, the request context, and the last-resort error net.

A client's ``X-Request-ID`` is kept when it is 1-128 characters of
``[A-Za-z0-9._-]``; otherwise one is generated. It is echoed on every
response, errors included. An exception that escapes the app is logged with
the request id and becomes a JSON 500 without internals, if the response has
not started; it never reaches the client as a stack trace. A response start
whose headers h11 would refuse (a control character in a value) is refused
here, before the server marks the response started, so even that error gets
the JSON 500 with its ``x-request-id``. Runs of slashes in the path are
collapsed here, first, so ``//routeiq/info`` meets the same checks as
``/routeiq/info`` in every later middleware and router. A response that
starts before its request body was read (a 401 from auth) says
``Connection: close``: a keep-alive connection with unread body bytes in it
would stall the next request.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable

from routeiq.asgi.headers import bad_header
from routeiq.asgi.litellm_headers import litellm_headers
from routeiq.asgi.openai_paths import versioned_path
from routeiq.asgi.respond import ERROR_BODY, ErrorBody, send_error
from routeiq.asgi.types import CTX_KEY, ASGIApp, Message, Receive, RequestContext, Scope, Send
from routeiq.errors import InternalError
from routeiq.tracecontext import CURRENT, start_trace

log = logging.getLogger("routeiq.request")
_VALID_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_SLASHES = re.compile(r"//+")
CLOSE = (b"connection", b"close")


def accept_request_id(value: bytes | None) -> str:
    if value is not None and _VALID_ID.fullmatch(value):
        return value.decode("ascii")
    return secrets.token_hex(12)


class RequestIdMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        on_done: Callable[[Scope, RequestContext], None],
        error_bodies: dict[str, ErrorBody] | None = None,
        error_prefixes: tuple[tuple[str, ErrorBody], ...] = (),
    ) -> None:
        self.app = app
        self.on_done = on_done
        self.error_bodies = error_bodies or {}  # path -> that surface's error shape
        self.error_prefixes = error_prefixes  # (path prefix, shape) for POSTs under it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = None
        has_body = False
        for k, v in scope["headers"]:
            if k == b"x-request-id" and supplied is None:
                supplied = v
            elif k == b"transfer-encoding" or (k == b"content-length" and v != b"0"):
                has_body = True
        path = scope["path"]
        if "//" in path:  # one spelling per route, before any middleware matches on it
            scope["path"] = path = _SLASHES.sub("/", path)
        versioned = versioned_path(path)  # LiteLLM's /completions is /v1/completions
        if versioned is not None:
            scope["path"] = versioned
        render = self.error_bodies.get(scope["path"])
        if render is None and self.error_prefixes and scope["method"] == "POST":
            path = scope["path"]
            render = next((r for p, r in self.error_prefixes if path.startswith(p)), None)
        ERROR_BODY.set(render)
        rid = accept_request_id(supplied)
        ctx = RequestContext(rid, time.perf_counter())
        scope[CTX_KEY] = ctx
        # W3C trace context in, and the request for every log line written while serving it.
        ctx.trace = start_trace(scope["headers"])
        CURRENT.set(ctx)
        rid_header = (b"x-request-id", rid.encode("ascii"))
        started = False
        body_read = not has_body

        async def receive_body() -> Message:
            nonlocal body_read
            message = await receive()
            if not message.get("more_body", False):
                body_read = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), rid_header]
                headers.extend(litellm_headers(headers, rid_header[1], ctx.key_spend))
                if not body_read and CLOSE not in headers:  # answered before the body (401...)
                    headers.append(CLOSE)
                bad = bad_header(headers)
                if bad is not None:  # refused here, h11 is still clean: the net below answers
                    raise ValueError(f"invalid response header {bad!r}")
                message["headers"] = headers
                started = True
                if not ctx.status:
                    ctx.status = message["status"]
            elif not ctx.answered and message.get("body"):
                ctx.answered = True
            await send(message)

        try:
            await self.app(scope, receive if body_read else receive_body, send_with_id)
        except Exception:
            log.exception("unhandled error", extra={"request_id": rid})
            if not started:
                ctx.status = 500
                await send_error(send_with_id, InternalError("Internal error; see the gateway log"))
        finally:
            self.on_done(scope, ctx)
