"""Memory soak: sustained load at high concurrency, sampling the gateway's RSS.

Load mix against the mock upstream: half streaming (a fifth of those drop the
connection mid-stream), most of the rest ordinary completions, and a tenth
bad requests (invalid JSON, unknown model, wrong types). RSS is sampled every
``--sample`` seconds; growth is measured from the end of warm-up to the end
of the load, then once more after the load has stopped.

Target (issue 2): RSS after warm-up grows less than 5% over the run and falls
back once the load stops. If it grows, a second, traced phase (tracemalloc
on in the gateway) prints the top allocation sites.

    python bench/memory_soak.py [--seconds 300] [--concurrency 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import (
    KEY,
    PIDS,
    costliest_steps,
    gateway,
    gc_and_loop,
    longest_steps,
    mock,
    plot_path,
    save,
    table,
)

from routeiq.llm.pool import lean_transport

CHAT = {"model": "bench-model", "messages": [{"role": "user", "content": "soak test message"}]}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Counts:
    def __init__(self) -> None:
        self.by_kind: dict[str, int] = {}
        self.status: dict[str, int] = {}
        # Client-side failures by type and message (which side closed, and when).
        self.errors: dict[str, int] = {}

    def add(self, kind: str, status: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        self.status[status] = self.status.get(status, 0) + 1


async def one(client: httpx.AsyncClient, url: str, rng: random.Random, counts: Counts) -> None:
    r = rng.random()
    kind = "stream" if r < 0.5 else "unary" if r < 0.9 else "bad"
    try:
        if r < 0.5:
            body = {**CHAT, "stream": True, "metadata": {"mock_chunks": 20, "mock_chunk_gap": 0.05}}
            drop = rng.random() < 0.2
            async with client.stream("POST", url, json=body) as resp:
                n = 0
                async for _ in resp.aiter_lines():
                    n += 1
                    if drop and n > 3:
                        break
            counts.add("stream-drop" if drop else "stream", str(resp.status_code))
        elif r < 0.9:
            resp = await client.post(url, json={**CHAT, "metadata": {"mock_latency": 0.2}})
            counts.add("unary", str(resp.status_code))
        else:
            bad = rng.choice(
                [
                    (b"{not json", "application/json"),
                    (
                        b'{"model": "nope", "messages": [{"role": "user", "content": "x"}]}',
                        "application/json",
                    ),
                    (b'{"model": "bench-model", "messages": "x"}', "application/json"),
                    (b"{}", "text/plain"),
                ]
            )
            resp = await client.post(url, content=bad[0], headers={"content-type": bad[1]})
            counts.add("bad", str(resp.status_code))
    except httpx.HTTPError as exc:
        counts.add("client-error", type(exc).__name__)
        key = f"{kind}: {type(exc).__name__}: {exc}"[:120]
        counts.errors[key] = counts.errors.get(key, 0) + 1


async def load(
    url: str, seconds: float, concurrency: int, pid: int, sample: float
) -> dict[str, Any]:
    counts = Counts()
    samples: list[tuple[float, float]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    t0 = time.monotonic()
    # The gateway's lean pool for the load generator too: httpcore's own pool
    # re-examines all 1,000 connections whenever a request starts or ends, and the
    # client starved itself (its own delays showed up as timeouts and low rates).
    async with httpx.AsyncClient(
        headers={"authorization": f"Bearer {KEY}"},
        transport=lean_transport(limits=limits),
        timeout=60,
    ) as client:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() - t0 < seconds:
                await one(client, url, rng, counts)

        async def sampler() -> None:
            while time.monotonic() - t0 < seconds:
                samples.append((time.monotonic() - t0, rss_mb(pid)))
                await trio.sleep(sample)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(sampler)
            for i in range(concurrency):
                nursery.start_soon(worker, i)
    samples.append((time.monotonic() - t0, rss_mb(pid)))
    return {
        "samples": samples,
        "kinds": counts.by_kind,
        "statuses": counts.status,
        "client_errors": counts.errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--concurrency", type=int, default=1000)
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=60)
    ap.add_argument("--settle", type=float, default=30)
    # Generation-1 collections between full ones (routeiq.server.gc_full_threshold);
    # 10 is CPython's default, to compare against.
    ap.add_argument("--gc-full-threshold", type=int, default=10_000)
    ap.add_argument("--gc-gen1-threshold", type=int, default=None)
    ap.add_argument("--gc-gen0-threshold", type=int, default=None)
    ap.add_argument("--name", default="memory_soak", help="results file name")
    ap.add_argument("--keep-alive", type=float, default=None, help="keep_alive_seconds")
    ap.add_argument(
        "--no-trace", action="store_true", help="skip the tracemalloc phase even if RSS grew"
    )
    args = ap.parse_args()
    server = {"max_in_flight": 4096, "gc_full_threshold": args.gc_full_threshold}
    if args.gc_gen1_threshold is not None:
        server["gc_gen1_threshold"] = args.gc_gen1_threshold
    if args.keep_alive is not None:
        server["keep_alive_seconds"] = args.keep_alive
    if args.gc_gen0_threshold is not None:
        server["gc_gen0_threshold"] = args.gc_gen0_threshold
    # Each long loop step attributed to its own CPU time, GC pauses and the OS.
    os.environ["ROUTEIQ_LOOP_PROFILE"] = "1"
    with mock() as base, gateway(base, server=server) as gw_url:
        pid = PIDS[gw_url]
        idle_rss = rss_mb(pid)
        result = trio.run(
            load, gw_url + "/v1/chat/completions", args.seconds, args.concurrency, pid, args.sample
        )
        time.sleep(args.settle)
        after_rss = rss_mb(pid)
        pauses = gc_and_loop(gw_url)
        steps = longest_steps(gw_url)
        costly = costliest_steps(gw_url)
    samples = result["samples"]
    warm = [mb for t, mb in samples if t >= args.warmup]
    warm_rss = warm[0] if warm else samples[-1][1]
    end_rss = samples[-1][1]
    peak = max(mb for _, mb in samples)
    growth = (end_rss - warm_rss) / warm_rss
    total = sum(result["kinds"].values())
    rows = [{"t_s": round(t, 1), "rss_mb": round(mb, 1)} for t, mb in samples] + [
        {"t_s": f"+{args.settle:.0f}s idle", "rss_mb": round(after_rss, 1)}
    ]
    print(table(rows, ["t_s", "rss_mb"]))
    print()
    print(f"requests: {total} ({total / args.seconds:.0f}/s)  kinds: {result['kinds']}")
    print(f"statuses: {result['statuses']}")
    for message, n in sorted(result["client_errors"].items(), key=lambda kv: -kv[1]):
        print(f"  {n:5d}  {message}")
    verdict = {
        "idle_rss_mb": idle_rss,
        "rss_after_warmup_mb": warm_rss,
        "rss_end_mb": end_rss,
        "rss_peak_mb": peak,
        "rss_after_settle_mb": after_rss,
        "growth_after_warmup": growth,
        "growth_target_5pct_met": growth < 0.05,
        "fell_back_after_load": after_rss < end_rss,
        "server_errors_5xx": sum(
            v for k, v in result["statuses"].items() if k.startswith("5") and k != "503"
        ),
    }
    for k, v in (verdict | pauses).items():
        print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")
    if steps:
        print("\nlongest loop steps (wall, the loop thread's CPU, GC inside; the rest is the OS):")
        print(table(steps, ["wall_ms", "cpu_ms", "gc_ms", "task"]))
    if costly:
        # The scrapes above are steps too; the load's own steps come first here
        # unless a scrape was costlier (task hypercorn..._handle, at .../health.py).
        print("\ncostliest loop steps in CPU (and where the task stopped after each):")
        print(table(costly, ["cpu_ms", "wall_ms", "gc_ms", "task", "at"]))
    out: dict[str, Any] = {
        "args": vars(args),
        "verdict": verdict,
        "pauses": pauses,
        "longest_steps": steps,
        "costliest_steps": costly,
        **result,
    }
    if growth >= 0.05 and not args.no_trace:
        # tracemalloc slows every allocation: trace a lighter load so snapshots finish.
        out["top_sites"] = traced_phase(60.0, min(args.concurrency, 100))
    save(args.name, out)
    _plot(samples, args.warmup, after_rss, args.settle, args.name)


def traced_phase(seconds: float, concurrency: int) -> list[dict[str, Any]]:
    print(f"\nRSS grew: tracing allocations for {seconds:.0f} s")
    os.environ["ROUTEIQ_TRACEMALLOC"] = "1"
    headers = {"authorization": f"Bearer {KEY}"}
    try:
        with mock() as base, gateway(base, server={"max_in_flight": 4096}) as gw_url:
            pid = PIDS[gw_url]
            trio.run(load, gw_url + "/v1/chat/completions", 30.0, concurrency, pid, 10.0)
            httpx.post(gw_url + "/routeiq/debug/tracemalloc/baseline", headers=headers, timeout=600)
            trio.run(load, gw_url + "/v1/chat/completions", seconds, concurrency, pid, 10.0)
            top = httpx.get(gw_url + "/routeiq/debug/tracemalloc/top", headers=headers, timeout=600)
            sites = top.json()["sites"]
    finally:
        os.environ.pop("ROUTEIQ_TRACEMALLOC", None)
    for s in sites:
        print(f"{s['size_diff'] / 1024:10.1f} KiB {s['count_diff']:8d}  {s['site']}")
    return list(sites)


def _plot(
    samples: list[tuple[float, float]], warmup: float, after: float, settle: float, name: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(
        [t for t, _ in samples], [mb for _, mb in samples], "o-", label="gateway RSS under load"
    )
    ax.plot([samples[-1][0] + settle], [after], "s", label=f"after {settle:.0f} s idle")
    ax.axvline(warmup, color="grey", ls="--", label="end of warm-up")
    ax.set_xlabel("seconds")
    ax.set_ylabel("RSS (MiB)")
    ax.set_title("Memory soak")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path(name))


if __name__ == "__main__":
    main()
