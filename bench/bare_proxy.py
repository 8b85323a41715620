"""The floor of this stack: a raw ASGI pass-through on Hypercorn's trio worker with httpx.

No validation, auth, telemetry or middleware: read the body, forward it,
relay the answer (streamed when the upstream streams). Used as the baseline
in bench/hot_path.py.  Usage: python bench/bare_proxy.py UPSTREAM_BASE_URL
"""

from __future__ import annotations

import socket
import sys
from functools import partial
from typing import Any

import httpx
import trio
from hypercorn.config import Config, Sockets
from hypercorn.trio.run import worker_serve
from hypercorn.utils import wrap_app

BASE = sys.argv[1]
client = httpx.AsyncClient(
    timeout=60, limits=httpx.Limits(max_connections=512, max_keepalive_connections=128)
)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        msg = await receive()
        await send({"type": msg["type"] + ".complete"})
        return
    body = b""
    more = True
    while more:
        msg = await receive()
        body += msg.get("body", b"")
        more = msg.get("more_body", False)
    req = client.build_request(
        "POST",
        BASE + "/chat/completions",
        content=body,
        headers={"content-type": "application/json"},
    )
    resp = await client.send(req, stream=True)
    try:
        ctype = resp.headers.get("content-type", "application/json")
        if ctype.startswith("text/event-stream"):
            await send(
                {
                    "type": "http.response.start",
                    "status": resp.status_code,
                    "headers": [(b"content-type", ctype.encode())],
                }
            )
            async for piece in resp.aiter_raw():
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            data = await resp.aread()
            headers = [
                (b"content-type", ctype.encode()),
                (b"content-length", str(len(data)).encode()),
            ]
            await send(
                {"type": "http.response.start", "status": resp.status_code, "headers": headers}
            )
            await send({"type": "http.response.body", "body": data, "more_body": False})
    finally:
        await resp.aclose()


def main() -> None:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.setblocking(False)
    print(f"bare proxy listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    cfg = Config()
    cfg.accesslog = None
    cfg.keep_alive_timeout = 75
    sockets = Sockets(secure_sockets=[], insecure_sockets=[sock], quic_sockets=[])
    trio.run(
        partial(worker_serve, wrap_app(app, cfg.wsgi_max_body_size, "asgi"), cfg, sockets=sockets)
    )


if __name__ == "__main__":
    main()
