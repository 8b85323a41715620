"""Time to first token and inter-chunk gaps: through the gateway vs direct to the mock.

The mock streams 20 chunks, 20 ms apart, after a 50 ms time to first token.
The same client (httpx on trio, in this process) reads N streams directly
from the mock and N through the gateway, at concurrency 1 and 8.

Targets (issue 2): added TTFT p99 under 5 ms; no inter-chunk gap more than
5 ms off the upstream's (compared with the direct run's gaps).

    python bench/streaming_ttft.py [--streams 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from _common import KEY, gateway, mock, plot_path, save, table

BODY = {
    "model": "bench-model",
    "stream": True,
    "messages": [{"role": "user", "content": "stream a long answer for the bench please"}],
    "metadata": {"mock_chunks": 20, "mock_chunk_gap": 0.02, "mock_ttft": 0.05},
}
GAP = 0.02


async def one_stream(client: httpx.AsyncClient, url: str) -> tuple[float, list[float]]:
    t0 = time.perf_counter()
    times: list[float] = []
    async with client.stream("POST", url, json=BODY) as r:
        assert r.status_code == 200, r.status_code
        async for line in r.aiter_lines():
            if line.startswith("data: {") and '"content"' in line:
                times.append(time.perf_counter())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return times[0] - t0, gaps


async def measure(url: str, n: int, conc: int) -> dict[str, Any]:
    ttfts: list[float] = []
    gaps: list[float] = []
    headers = {"authorization": f"Bearer {KEY}"}
    limiter = trio.CapacityLimiter(conc)
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        for _ in range(3):  # warm the connections
            await one_stream(client, url)

        async def worker() -> None:
            async with limiter:
                ttft, g = await one_stream(client, url)
                ttfts.append(ttft)
                gaps.extend(g)

        async with trio.open_nursery() as nursery:
            for _ in range(n):
                nursery.start_soon(worker)
    ttfts.sort()
    dev = sorted(abs(g - GAP) for g in gaps)
    return {
        "ttft_p50_ms": statistics.median(ttfts) * 1000,
        "ttft_p99_ms": ttfts[int(0.99 * (len(ttfts) - 1))] * 1000,
        "gap_dev_p99_ms": dev[int(0.99 * (len(dev) - 1))] * 1000,
        "gap_dev_max_ms": dev[-1] * 1000,
        "streams": len(ttfts),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=100)
    args = ap.parse_args()
    rows: list[dict[str, Any]] = []
    with mock() as base, gateway(base) as gw_url:
        for conc in (1, 8):
            direct = trio.run(measure, base + "/chat/completions", args.streams, conc)
            through = trio.run(measure, gw_url + "/v1/chat/completions", args.streams, conc)
            rows.append({"conc": conc, "path": "direct", **direct})
            rows.append({"conc": conc, "path": "gateway", **through})
            rows.append(
                {
                    "conc": conc,
                    "path": "added by gateway",
                    "ttft_p50_ms": through["ttft_p50_ms"] - direct["ttft_p50_ms"],
                    "ttft_p99_ms": through["ttft_p99_ms"] - direct["ttft_p99_ms"],
                    "gap_dev_p99_ms": through["gap_dev_p99_ms"] - direct["gap_dev_p99_ms"],
                    "gap_dev_max_ms": through["gap_dev_max_ms"] - direct["gap_dev_max_ms"],
                }
            )
    cols = [
        "conc",
        "path",
        "ttft_p50_ms",
        "ttft_p99_ms",
        "gap_dev_p99_ms",
        "gap_dev_max_ms",
        "streams",
    ]
    print(table(rows, cols))
    added = {r["conc"]: r for r in rows if r["path"] == "added by gateway"}
    verdict = {
        "added_ttft_p99_ms_c1": added[1]["ttft_p99_ms"],
        "ttft_target_5ms_met_c1": added[1]["ttft_p99_ms"] < 5,
        "added_gap_dev_max_ms_c1": added[1]["gap_dev_max_ms"],
        "gap_target_5ms_met_c1": added[1]["gap_dev_max_ms"] < 5,
        "added_ttft_p99_ms_c8": added[8]["ttft_p99_ms"],
        "added_gap_dev_max_ms_c8": added[8]["gap_dev_max_ms"],
    }
    print()
    for k, v in verdict.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    save("streaming_ttft", {"rows": rows, "verdict": verdict, "streams": args.streams})
    _plot(rows)


def _plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    sel = [r for r in rows if r["path"] in ("direct", "gateway")]
    labels = [f"{r['path']} c{r['conc']}" for r in sel]
    ax.bar(labels, [r["ttft_p50_ms"] for r in sel], label="TTFT p50")
    ax.plot(labels, [r["ttft_p99_ms"] for r in sel], "ko", label="TTFT p99")
    ax.set_ylabel("ms")
    ax.set_title("Time to first token: direct vs through the gateway (same run)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path("streaming_ttft"))


if __name__ == "__main__":
    main()
