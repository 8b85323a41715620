"""Relay overhead through a real gateway process (shared by a2a.py and mcp_catalog.py).

An upstream (the a2a-sdk sample agent, or an mcp-SDK server) and a gateway
(``routeiq serve``, YAML config) run as separate processes; one raw httpx
client calls the upstream directly and through the gateway, alternating in
rounds so both see the same machine load. The gateway's own account of its
longest loop step (``/metrics``) is read after the scenario.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import trio
from _common import KEY, process

from tests.a2a.conftest import sample_agent

ROOT = Path(__file__).resolve().parents[1]
__all__ = ["sample_agent"]
Call = Callable[[], Awaitable[None]]


def mcp_upstream() -> Any:
    return process([str(Path(__file__).resolve().parent / "mcp_upstream.py")])


async def timed(fn: Call) -> float:
    t0 = time.perf_counter()
    await fn()
    return (time.perf_counter() - t0) * 1000.0


async def alternate(
    calls: dict[str, Call], rounds: int, per_round: int, warmup: int = 20
) -> dict[str, list[float]]:
    """Latencies (ms) of each call, taken in alternating rounds."""
    for fn in calls.values():
        for _ in range(warmup):
            await fn()
    out: dict[str, list[float]] = {name: [] for name in calls}
    for r in range(rounds):
        order = list(calls.items())
        if r % 2:
            order.reverse()
        for name, fn in order:
            for _ in range(per_round):
                out[name].append(await timed(fn))
    return out


def summary(
    lat: dict[str, list[float]], base: str, cpu: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """Median and p90 per path; ``added_p50_ms``: median minus the baseline's;
    ``paired_added_ms``: median of the per-call differences (calls are taken in
    alternation, so call i of each path ran under the same load);
    ``gateway_cpu_ms``: the gateway process's CPU per call (``cpu``)."""
    rows = []
    b50 = statistics.median(lat[base])
    for name, xs in lat.items():
        pairs = [x - b for x, b in zip(xs, lat[base], strict=False)]
        s = sorted(xs)
        rows.append(
            {
                "path": name,
                "n": len(xs),
                "p50_ms": statistics.median(s),
                "p90_ms": s[int(0.9 * (len(s) - 1))],
                "added_p50_ms": statistics.median(s) - b50,
                "paired_added_ms": statistics.median(pairs),
                "gateway_cpu_ms": (cpu or {}).get(name, float("nan")),
            }
        )
    return rows


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def cpu_per_call(pid: int, calls: dict[str, Call], n: int) -> dict[str, float]:
    """The gateway process's CPU milliseconds per call of each path (``n`` calls)."""
    out = {}
    for name, fn in calls.items():
        c0 = process_cpu(pid)
        for _ in range(n):
            await fn()
        out[name] = (process_cpu(pid) - c0) / n * 1000.0
    return out


class McpRaw:
    """A minimal streamable-HTTP MCP client (the same code for both paths)."""

    def __init__(self, http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        self.http = http
        self.url = url
        self.headers = {
            "accept": "application/json, text/event-stream",
            "content-type": "application/json",
            **headers,
        }
        self.n = 0

    async def rpc(self, method: str, params: dict[str, Any] | None = None) -> Any:
        self.n += 1
        body = {"jsonrpc": "2.0", "id": self.n, "method": method, "params": params or {}}
        r = await self.http.post(self.url, content=orjson.dumps(body), headers=self.headers)
        r.raise_for_status()
        if r.headers.get("mcp-session-id"):
            self.headers["mcp-session-id"] = r.headers["mcp-session-id"]
        text = r.text
        if r.headers.get("content-type", "").startswith("text/event-stream"):
            data = [ln[5:] for ln in text.splitlines() if ln.startswith("data:")]
            text = data[-1]
        reply = orjson.loads(text)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]

    async def open(self) -> None:
        info = {"name": "bench", "version": "1"}
        params = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": info}
        await self.rpc("initialize", params)
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await self.http.post(self.url, content=orjson.dumps(note), headers=self.headers)


def gateway_auth() -> dict[str, str]:
    return {"authorization": f"Bearer {KEY}"}


async def wait_for(check: Callable[[], Awaitable[bool]], seconds: float = 30.0) -> None:
    with trio.fail_after(seconds):
        while not await check():
            await trio.sleep(0.1)
