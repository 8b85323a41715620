"""Hot reload under load: does a config swap drop, fail or cut anything?

A real gateway process (``routeiq serve --config``) in front of the mock upstream
(streams of 6 chunks 10 ms apart). 16 concurrent clients (8 streaming, 8 not) run
for ``--seconds`` twice: once without reloads (the baseline of the same run), once
while the config file is rewritten and reloaded ``--reloads`` times (alternately
``POST /config/reload`` and ``SIGHUP``). Then a reload removes a model while 8 of
its streams are running: new requests for it must 404 and the 8 streams finish.

Targets (issue 12): 0 non-2xx and no stream cut during 10 reloads in 30 s at c=16.

    python bench/hot_reload.py [--seconds 30] [--reloads 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import trio
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KEY, PIDS, gateway_config, mock, plot_path, process, save, table

AUTH = {"authorization": f"Bearer {KEY}"}
CHAT = {"messages": [{"role": "user", "content": "hello reload"}]}


def write_config(path: Path, base: str, *, retries: int, gone: bool) -> None:
    models = ["bench-model"] + (["gone-model"] if gone else [])
    cfg = {
        "model_list": [
            {
                "model_name": name,
                "litellm_params": {"model": f"openai/{name}", "api_base": base, "api_key": "x"},
            }
            for name in models
        ],
        "router_settings": {"num_retries": retries},
        "general_settings": {"master_key": KEY},
    }
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")


async def one(client: httpx.AsyncClient, url: str, model: str, stream: bool) -> tuple[int, bool]:
    """Status and whether a stream ended with ``[DONE]`` (always True when not streaming)."""
    body = {"model": model, "stream": stream, **CHAT}
    if not stream:
        r = await client.post(url, json=body)
        return r.status_code, True
    async with client.stream("POST", url, json=body) as r:
        data = b"".join([piece async for piece in r.aiter_raw()])
    return r.status_code, data.rstrip().endswith(b"data: [DONE]")


async def load(
    gw: str, seconds: float, reloads: int, path: Path, base: str, pid: int
) -> dict[str, Any]:
    url = gw + "/v1/chat/completions"
    lat: list[tuple[float, float]] = []  # (start offset, seconds)
    counts = {"requests": 0, "non_2xx": 0, "cut": 0, "reload_failed": 0}
    marks: list[float] = []
    t0 = time.monotonic()
    done = trio.Event()
    async with httpx.AsyncClient(headers=AUTH, timeout=60) as client:

        async def worker(i: int) -> None:
            while not done.is_set():
                start = time.monotonic()
                status, complete = await one(client, url, "bench-model", i % 2 == 1)
                lat.append((start - t0, time.monotonic() - start))
                counts["requests"] += 1
                if status != 200:
                    counts["non_2xx"] += 1
                elif not complete:
                    counts["cut"] += 1

        async with trio.open_nursery() as nursery:
            for i in range(16):
                nursery.start_soon(worker, i)
            for k in range(reloads):
                await trio.sleep(seconds / (reloads + 1))
                write_config(path, base, retries=1 + k % 3, gone=True)
                marks.append(time.monotonic() - t0)
                if k % 2 == 0:
                    r = await client.post(gw + "/config/reload")
                    if r.status_code != 200:
                        counts["reload_failed"] += 1
                else:
                    os.kill(pid, signal.SIGHUP)
            await trio.sleep(max(0.0, seconds - (time.monotonic() - t0)))
            done.set()
    elapsed = time.monotonic() - t0
    xs = sorted(s for _, s in lat)
    return {
        **counts,
        "rps": counts["requests"] / elapsed,
        "p50_ms": statistics.median(xs) * 1000,
        "p99_ms": xs[int(0.99 * (len(xs) - 1))] * 1000,
        "timeline": lat,
        "marks": marks,
    }


async def removal(gw: str, path: Path, base: str) -> dict[str, Any]:
    url = gw + "/v1/chat/completions"
    results: list[tuple[int, bool]] = []
    body = {
        "model": "gone-model",
        "stream": True,
        **CHAT,
        "metadata": {"mock_chunks": 20, "mock_chunk_gap": 0.05},
    }
    async with httpx.AsyncClient(headers=AUTH, timeout=60) as client:

        async def stream() -> None:
            async with client.stream("POST", url, json=body) as r:
                data = b"".join([piece async for piece in r.aiter_raw()])
            results.append((r.status_code, data.rstrip().endswith(b"data: [DONE]")))

        async with trio.open_nursery() as nursery:
            for _ in range(8):
                nursery.start_soon(stream)
            await trio.sleep(0.3)  # the streams are running (each takes ~1 s)
            write_config(path, base, retries=2, gone=False)
            reload_status = (await client.post(gw + "/config/reload")).status_code
            after = await client.post(url, json={"model": "gone-model", **CHAT})
            in_flight_at_404 = 8 - len(results)
    return {
        "reload_status": reload_status,
        "new_request_status": after.status_code,
        "streams_running_when_404": in_flight_at_404,
        "streams_complete": sum(1 for s, ok in results if s == 200 and ok),
        "streams": len(results),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--reloads", type=int, default=10)
    args = ap.parse_args()
    with mock(chunks=6, chunk_gap=0.01) as base:
        path = gateway_config(base)
        write_config(path, base, retries=2, gone=True)
        serve = ["-m", "routeiq.cli", "serve", "--config", str(path), "--port", "0", "--quiet"]
        with process(serve) as gw:
            pid = PIDS[gw]
            baseline = trio.run(load, gw, args.seconds, 0, path, base, pid)
            reloading = trio.run(load, gw, args.seconds, args.reloads, path, base, pid)
            gone = trio.run(removal, gw, path, base)
    cols = ["phase", "reloads", "requests", "rps", "p50_ms", "p99_ms", "non_2xx", "cut"]
    rows = [
        {"phase": "baseline", "reloads": 0, **_public(baseline)},
        {"phase": "reloading", "reloads": args.reloads, **_public(reloading)},
        {
            "phase": "ratio reloading/baseline",
            "reloads": "",
            "requests": "",
            "rps": reloading["rps"] / baseline["rps"],
            "p50_ms": reloading["p50_ms"] / baseline["p50_ms"],
            "p99_ms": reloading["p99_ms"] / baseline["p99_ms"],
            "non_2xx": "",
            "cut": "",
        },
    ]
    print(table(rows, cols))
    print()
    for k, v in gone.items():
        print(f"removal: {k}: {v}")
    verdict = {
        "non_2xx_during_reloads": reloading["non_2xx"],
        "cut_streams_during_reloads": reloading["cut"],
        "reloads_failed": reloading["reload_failed"],
        "target_met": reloading["non_2xx"] == 0
        and reloading["cut"] == 0
        and reloading["reload_failed"] == 0
        and gone["new_request_status"] == 404
        and gone["streams_complete"] == 8,
    }
    for k, v in verdict.items():
        print(f"{k}: {v}")
    save(
        "hot_reload",
        {"rows": rows, "removal": gone, "verdict": verdict, "seconds": args.seconds},
    )
    _plot(baseline, reloading)


def _public(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k not in ("timeline", "marks")}


def _plot(baseline: dict[str, Any], reloading: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for name, r, color in (
        ("baseline", baseline, "tab:gray"),
        ("reloading", reloading, "tab:blue"),
    ):
        pts = r["timeline"]
        ax.scatter([t for t, _ in pts], [s * 1000 for _, s in pts], s=2, c=color, label=name)
    for m in reloading["marks"]:
        ax.axvline(m, color="tab:red", lw=0.8)
    ax.set_xlabel("seconds into the run (red: a reload)")
    ax.set_ylabel("request latency, ms")
    ax.set_yscale("log")
    ax.set_title("Latency at c=16 with and without config reloads (same run)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path("hot_reload"))


if __name__ == "__main__":
    main()
