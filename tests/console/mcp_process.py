"""An MCP server (the test suite's ``alpha``) in its own process, for the browser test:
prints ``listening on <url>`` and serves until terminated."""

from __future__ import annotations

import trio

from tests.mcp.servers import make_alpha, serve_mcp


async def main() -> None:
    async with serve_mcp(make_alpha()) as served:
        print(f"listening on {served.url}", flush=True)
        await trio.sleep_forever()


if __name__ == "__main__":
    trio.run(main)
