"""CPU of one pass of the upstream pool's bookkeeping, by requests in flight.

httpcore runs ``_assign_requests_to_connections`` whenever a request starts or
ends, inside that request's loop step. This bench builds the state of a
gateway under the soak's load (bench/memory_soak.py: 1,000 requests in flight
against one upstream, the gateway's pool of 512 connections with 128 kept
idle) over real loopback sockets, then times single passes in the loop
thread's CPU time: with and without the periodic idle sweep (which polls idle
sockets), for httpcore's own pool and for ``LeanConnectionPool``.

    python bench/pool_pass.py [--passes 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpcore
import trio
import trio.testing

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import plot_path, save, table

from routeiq.llm.pool import LeanConnectionPool

RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


async def upstream(stream: trio.SocketStream) -> None:
    """Answers every request on the connection at once."""
    buf = b""
    try:
        while True:
            data = await stream.receive_some(65536)
            if not data:
                return
            buf += data
            while b"\r\n\r\n" in buf:
                _, buf = buf.split(b"\r\n\r\n", 1)
                await stream.send_all(RESPONSE)
    except trio.BrokenResourceError:
        return


async def measure(
    kind: str, in_flight: int, idle: int, passes: int, port: int, sweep: bool
) -> dict[str, Any]:
    """``in_flight`` requests hold their responses open; ``idle`` more connections
    were used and released (kept alive). Returns CPU ms per pass."""
    pool = httpcore.AsyncConnectionPool(max_connections=512, max_keepalive_connections=128)
    if kind != "httpcore":
        pool = LeanConnectionPool.adopt(pool)
    url = f"http://127.0.0.1:{port}/"
    host = [(b"host", b"upstream")]
    release = trio.Event()
    started = 0

    async def hold() -> None:
        nonlocal started
        response = await pool.handle_async_request(httpcore.Request("GET", url, headers=host))
        started += 1
        await release.wait()
        await response.aread()
        await response.aclose()

    async def use_once() -> None:
        response = await pool.handle_async_request(httpcore.Request("GET", url, headers=host))
        await response.aread()
        await response.aclose()

    times: list[float] = []
    async with trio.open_nursery() as nursery:
        # The idle connections first (each opened by a request that then ends).
        async with trio.open_nursery() as warm:
            for _ in range(idle):
                warm.start_soon(use_once)
        for _ in range(in_flight):
            nursery.start_soon(hold)
        while started < min(in_flight, 512):
            await trio.sleep(0.01)
        await trio.testing.wait_all_tasks_blocked()
        queued = sum(1 for r in pool._requests if r.is_queued())
        conns = len(pool._connections)
        for _ in range(passes):
            if sweep and isinstance(pool, LeanConnectionPool):
                pool._next_sweep = 0.0
            c0 = time.thread_time()
            closing = pool._assign_requests_to_connections()
            times.append(time.thread_time() - c0)
            assert not closing
            await trio.lowlevel.checkpoint()
        release.set()
    await pool.aclose()
    return {
        "pool": kind,
        "in_flight": in_flight,
        "connections": conns,
        "queued": queued,
        "sweep": sweep,
        "cpu_p50_ms": statistics.median(times) * 1000,
        "cpu_max_ms": max(times) * 1000,
    }


async def run(passes: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(trio.serve_tcp, upstream, 0)
        port = listeners[0].socket.getsockname()[1]
        for in_flight, idle in ((64, 128), (384, 128), (1000, 0)):
            for kind in ("httpcore", "lean"):
                for sweep in (False, True):
                    if kind == "httpcore" and sweep:
                        continue  # httpcore polls every connection on every pass anyway
                    rows.append(await measure(kind, in_flight, idle, passes, port, sweep))
                    print(table(rows[-1:], list(rows[-1])), flush=True)
        nursery.cancel_scope.cancel()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=200)
    ap.add_argument("--name", default="pool_pass")
    args = ap.parse_args()
    rows = trio.run(run, args.passes)
    cols = ["pool", "in_flight", "connections", "queued", "sweep", "cpu_p50_ms", "cpu_max_ms"]
    print()
    print(table(rows, cols))
    save(args.name, {"args": vars(args), "rows": rows})
    _plot(rows, args.name)


def _plot(rows: list[dict[str, Any]], name: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for kind in ("httpcore", "lean"):
        for sweep in (False, True):
            pts = [r for r in rows if r["pool"] == kind and r["sweep"] == sweep]
            if pts:
                label = f"{kind}{' + idle sweep' if sweep else ''}"
                ax.plot(
                    [r["in_flight"] for r in pts], [r["cpu_p50_ms"] for r in pts], "o-", label=label
                )
    ax.set_xlabel("requests in flight (pool: 512 connections, 128 kept idle)")
    ax.set_ylabel("CPU ms per pass (median)")
    ax.set_yscale("log")
    ax.set_title("Upstream pool bookkeeping per request start/end")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path(name))


if __name__ == "__main__":
    main()
