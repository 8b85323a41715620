"""Does a tools/list page cost the same with 10, 100 and 1,000 MCP servers?

Each server lists 50 tools (with a small input schema). The catalog is filled
directly (1,000 real MCP servers cannot run on one machine); every page is
then requested through the gateway's real ``/mcp`` ASGI handler in-process:
session lookup, JSON-RPC parsing, the cursor, the page slice and the JSON
encoding of 100 tools. Pages are taken at random offsets over the whole
catalog. The baseline is the 10-server catalog, measured in the same run.
Target: p50 page latency within 1.5x from 10 to 1,000 servers.

Also reported: the one-off rebuild (the first list after a change) and the
pure ``Catalog.page`` call.

Relay overhead (``--relay``; ``--only-relay`` runs just this): an mcp-SDK
server and a gateway process (``routeiq serve``); one raw streamable-HTTP
client calls ``tools/call`` (``echo``) on the server directly and through
``/mcp`` in alternating rounds; the chat path (mock upstream, direct vs
through) in the same run for comparison. Target: tools/call adds at most 2 ms
(median) over direct; the gateway's longest loop step under 5 ms through the
A2A + MCP scenario of ``_loop_scenario.py``.

    .venv/bin/python bench/mcp_catalog.py [--pages 2000] [--relay | --only-relay]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import plot_path, save, table

from routeiq.api.mcp import mount
from routeiq.mcp.catalog import Listing, encode_cursor
from routeiq.mcp.gateway import MCPGateway
from routeiq.mcp.settings import MCPSettings
from routeiq.ssrf import SSRFSettings
from routeiq.state.memory import MemoryStore
from tests.mcp.asgi import call, not_found

TOOLS_PER_SERVER = 50
PAGE = 100
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


def tools(server: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"tool_{i}",
            "description": f"Tool {i} of server {server}: does a thing with a and b.",
            "inputSchema": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                "required": ["a"],
            },
        }
        for i in range(TOOLS_PER_SERVER)
    ]


async def measure(servers: int, pages: int, rng: random.Random) -> dict[str, Any]:
    gw = MCPGateway(MCPSettings(page_size=PAGE), SSRFSettings(), store=MemoryStore())
    catalog = gw.registry.catalog
    for s in range(servers):
        catalog.set_server(f"s{s}", Listing(tools=tools(s)))
    app = mount(gw, not_found)
    init = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {}},
    }
    r = await call(app, "POST", "/mcp", orjson.dumps(init), HEADERS)
    headers = {**HEADERS, "mcp-session-id": r.headers["mcp-session-id"]}

    t0 = time.perf_counter()
    first = await call(
        app, "POST", "/mcp", b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}', headers
    )
    rebuild_ms = (time.perf_counter() - t0) * 1e3
    assert len(first.json()["result"]["tools"]) == PAGE

    total = servers * TOOLS_PER_SERVER
    offsets = [rng.randrange(0, total - PAGE + 1) for _ in range(pages)]
    bodies = [
        orjson.dumps(
            {
                "jsonrpc": "2.0",
                "id": i,
                "method": "tools/list",
                "params": {"cursor": encode_cursor(catalog.version, "tools", off)},
            }
        )
        for i, off in enumerate(offsets)
    ]
    for body in bodies[:200]:  # warm-up
        await call(app, "POST", "/mcp", body, headers)
    samples = np.empty(pages)
    for i, body in enumerate(bodies):
        start = time.perf_counter()
        reply = await call(app, "POST", "/mcp", body, headers)
        samples[i] = time.perf_counter() - start
        if i == 0:
            assert len(reply.json()["result"]["tools"]) == PAGE
    pure = np.empty(pages)
    cursors = [encode_cursor(catalog.version, "tools", off) for off in offsets]
    for i, cursor in enumerate(cursors):
        start = time.perf_counter()
        catalog.page("tools", cursor, PAGE)
        pure[i] = time.perf_counter() - start
    samples *= 1e3
    return {
        "servers": servers,
        "tools": total,
        "rebuild_ms": rebuild_ms,
        "page_p50_ms": float(np.percentile(samples, 50)),
        "page_p99_ms": float(np.percentile(samples, 99)),
        "page_mean_ms": float(samples.mean()),
        "catalog_page_p50_us": float(np.percentile(pure, 50) * 1e6),
    }


async def relay(
    rounds: int = 300, per_round: int = 1, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    import httpx
    from _common import PIDS, gateway, gc_and_loop, mock
    from _loop_scenario import loop_scenario
    from _relay import McpRaw, alternate, cpu_per_call, gateway_auth, mcp_upstream, summary

    with mcp_upstream() as server, mock() as upstream:
        mcp = {"servers": [{"name": "alpha", "url": server}]}
        ssrf = {"allow_networks": ["127.0.0.1/32"]}
        with gateway(upstream, ssrf=ssrf, mcp=mcp, server=settings or {}) as gw:
            auth = gateway_auth()
            chat = orjson.dumps(
                {"model": "bench-model", "messages": [{"role": "user", "content": "hi"}]}
            )
            plain = {"content-type": "application/json"}
            async with httpx.AsyncClient(timeout=30) as http:
                while (await http.get(gw + "/routeiq/mcp/servers", headers=auth)).json()["servers"][
                    0
                ]["state"] != "up":
                    await trio.sleep(0.05)
                direct = McpRaw(http, server, {})
                through = McpRaw(http, gw + "/mcp", auth)
                await direct.open()
                await through.open()

                async def post(url: str, headers: dict[str, str]) -> None:
                    r = await http.post(url, content=chat, headers=headers)
                    assert r.status_code == 200

                async def tool(client: McpRaw, name: str) -> None:
                    await client.rpc("tools/call", {"name": name, "arguments": {"text": "hi"}})

                calls = {
                    "chat direct": lambda: post(upstream + "/chat/completions", plain),
                    "chat via gateway": lambda: post(
                        gw + "/v1/chat/completions", {**auth, **plain}
                    ),
                    "tools/call direct": lambda: tool(direct, "echo"),
                    "tools/call via gateway": lambda: tool(through, "alpha__echo"),
                }
                lat = await alternate(calls, rounds, per_round)
                via_calls = {k: v for k, v in calls.items() if "via" in k}
                cpu = await cpu_per_call(PIDS[gw], via_calls, 200)
            own = gc_and_loop(gw)
    rows = summary({k: v for k, v in lat.items() if k.startswith("chat")}, "chat direct", cpu)
    rows += summary(
        {k: v for k, v in lat.items() if k.startswith("tools")}, "tools/call direct", cpu
    )
    added = {r["path"]: r["paired_added_ms"] for r in rows if "via" in r["path"]}
    cpu_ms = {r["path"]: r["gateway_cpu_ms"] for r in rows if "via" in r["path"]}
    return {
        "rows": rows,
        "added_ms": added,
        "gateway_cpu_ms": cpu_ms,
        **own,
        "scenario": await loop_scenario(),
    }


def report_relay(out: dict[str, Any]) -> str:
    print("\nrelay overhead (gateway process; alternating rounds)")
    print(
        table(
            out["rows"],
            ["path", "n", "p50_ms", "p90_ms", "added_p50_ms", "paired_added_ms", "gateway_cpu_ms"],
        )
    )
    added = out["added_ms"]["tools/call via gateway"]
    sc = out["scenario"]
    cpu = out["gateway_cpu_ms"]
    verdict = "PASS" if added <= 2.0 and sc["max_step_cpu_ms"] < 5.0 else "FAIL"
    print(
        f"gateway CPU per call: tools/call {cpu['tools/call via gateway']:.2f} ms, "
        f"chat {cpu['chat via gateway']:.2f} ms\n"
        f"target: tools/call adds <= 2 ms (paired median) -> {added:.2f} ms (chat path adds "
        f"{out['added_ms']['chat via gateway']:.2f} ms); longest loop step < 5 ms -> "
        f"{sc['max_step_cpu_ms']:.2f} ms CPU ({sc['max_step_cpu_task']}), "
        f"{sc['max_step_wall_ms']:.2f} ms wall ({sc['max_step_wall_task']}); the gateway "
        f"process's own wall max {out.get('loop_step_max_ms', float('nan')):.2f} ms {verdict}"
    )
    return verdict


def plot_relay(out: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = out["rows"]
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh([r["path"] for r in rows], [r["p50_ms"] for r in rows], color="tab:green")
    ax.set_xlabel("median latency (ms)")
    ax.set_title("MCP tools/call via the gateway vs direct, and the chat path")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(plot_path("mcp_relay"), dpi=120)


async def main(pages: int, server: dict[str, Any], name: str) -> None:
    if "--only-relay" in sys.argv:
        out = await relay(settings=server)
        verdict = report_relay(out)
        print(f"wrote {save(name, {**out, 'server': server, 'verdict': verdict})}")
        plot_relay(out)
        return
    if "--relay" in sys.argv:
        out = await relay(settings=server)
        verdict = report_relay(out)
        save(name, {**out, "server": server, "verdict": verdict})
        plot_relay(out)
    rng = random.Random(7)
    rows = [await measure(n, pages, rng) for n in (10, 100, 1000)]
    base = rows[0]
    for row in rows:
        row["p50_vs_10"] = row["page_p50_ms"] / base["page_p50_ms"]
        row["p99_vs_10"] = row["page_p99_ms"] / base["page_p99_ms"]
    print(
        table(
            rows,
            ["servers", "tools", "rebuild_ms", "page_p50_ms", "page_p99_ms",
             "catalog_page_p50_us", "p50_vs_10", "p99_vs_10"],
        )
    )  # fmt: skip
    worst = max(r["p50_vs_10"] for r in rows)
    verdict = "PASS" if worst <= 1.5 else "FAIL"
    print(f"\ntarget: p50 page latency within 1.5x of 10 servers -> worst {worst:.2f}x {verdict}")
    path = save(
        "mcp_catalog", {"page_size": PAGE, "pages": pages, "rows": rows, "verdict": verdict}
    )
    print(f"wrote {path}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    xs = [r["servers"] for r in rows]
    ax.plot(xs, [r["page_p50_ms"] for r in rows], "o-", label="p50")
    ax.plot(xs, [r["page_p99_ms"] for r in rows], "s--", label="p99")
    ax.axhline(base["page_p50_ms"] * 1.5, color="grey", lw=0.8, ls=":", label="1.5x p50 @10")
    ax.set_xscale("log")
    ax.set_xlabel("upstream MCP servers (50 tools each)")
    ax.set_ylabel("tools/list page (100 tools), ms")
    ax.set_title("MCP catalog page cost vs catalog size")
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path("mcp_catalog"), dpi=120)
    print(f"wrote {plot_path('mcp_catalog')}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--relay", action="store_true")
    parser.add_argument("--only-relay", action="store_true")
    # routeiq.server settings for the relay's gateway, e.g. '{"gc_gen0_threshold": 700}'
    parser.add_argument("--server", default="{}", help="routeiq.server settings (JSON)")
    parser.add_argument("--name", default="mcp_relay", help="relay results file name")
    args = parser.parse_args()
    trio.run(main, args.pages, orjson.loads(args.server), args.name)
