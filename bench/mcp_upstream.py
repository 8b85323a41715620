"""An MCP server (the tests' ``alpha``, official mcp SDK) in its own process.

python bench/mcp_upstream.py     # prints "listening on http://127.0.0.1:PORT/mcp"
"""

from __future__ import annotations

import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from routeiq.server import bind_socket, serve_app, url_of
from tests.mcp.servers import make_alpha


async def main() -> None:
    sock = bind_socket("127.0.0.1", 0)
    async with trio.open_nursery() as nursery:
        await nursery.start(serve_app, make_alpha().streamable_http_app(), sock)
        print(f"listening on {url_of(sock)}/mcp", flush=True)


if __name__ == "__main__":
    trio.run(main)
