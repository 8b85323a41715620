"""What does one state operation cost, per backend?

Memory backend: get/set/incr/update per call (target: microseconds).
Redis backend: the same operations through RedisStore, against a raw PING
round trip through the same coredis client (the baseline, measured in the same
run), plus a PING over a bare trio socket (what the network alone costs).

Runs its own redis-server on a free 127.0.0.1 port. Prints a table, writes
bench/results/state_ops.json and bench/results/state_ops.png.

    .venv/bin/python bench/state_ops.py [--n 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
import orjson
import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from routeiq.state import MemoryStore, RedisStore, StateSettings
from tests.redis_fixture import RedisServer

RESULTS = Path(__file__).resolve().parent / "results"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _measure(fn: Callable[[int], Awaitable[object]], n: int) -> dict[str, float]:
    """Per-call latency in microseconds over ``n`` sequential calls (after warm-up)."""
    for i in range(min(200, n)):
        await fn(i)
    samples = np.empty(n)
    clock = time.perf_counter
    for i in range(n):
        start = clock()
        await fn(i)
        samples[i] = clock() - start
    samples *= 1e6
    return {
        "p50_us": float(np.percentile(samples, 50)),
        "p99_us": float(np.percentile(samples, 99)),
        "mean_us": float(samples.mean()),
    }


def _bump(raw: bytes | None) -> bytes:
    doc = orjson.loads(raw) if raw is not None else {"n": 0}
    doc["n"] += 1
    return orjson.dumps(doc)


async def _ops(store: MemoryStore | RedisStore) -> dict[str, Callable[[int], Awaitable[object]]]:
    await store.set("hot", b"x" * 64)
    return {
        "get": lambda i: store.get("hot"),
        "set(ttl)": lambda i: store.set(f"k{i % 1000}", b"x" * 64, ttl=60.0),
        "get_many(10)": lambda i: store.get_many([f"k{j}" for j in range(10)]),
        "incr(ttl)": lambda i: store.incr("rpm", 1, ttl=60.0),
        "update(json)": lambda i: store.update("doc", _bump, ttl=60.0),
    }


async def _raw_socket_ping(port: int, n: int) -> dict[str, float]:
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    async with stream:

        async def ping(_: int) -> None:
            await stream.send_all(b"*1\r\n$4\r\nPING\r\n")
            reply = b""
            while not reply.endswith(b"\r\n"):
                reply += await stream.receive_some(64)

        return await _measure(ping, n)


async def main(n: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    memory = MemoryStore(max_keys=100_000)
    for name, fn in (await _ops(memory)).items():
        results[f"memory {name}"] = await _measure(fn, n * 10)

    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server not found on PATH: apt-get install -y redis-server")
    server = RedisServer(executable, _free_port(), Path(tempfile.mkdtemp(prefix="bench-redis-")))
    server.start()
    try:
        settings = StateSettings(backend="redis", redis_url=server.url, op_timeout=1.0)
        store = RedisStore(settings, rng=random.Random(0))
        async with trio.open_nursery() as nursery:
            await nursery.start(store.run)
            client = store._client
            assert client is not None and store.health == "up"
            results["redis raw socket PING"] = await _raw_socket_ping(server.port, n)
            results["redis client PING (baseline)"] = await _measure(lambda i: client.ping(), n)
            for name, fn in (await _ops(store)).items():
                results[f"redis {name}"] = await _measure(fn, n)
            assert store.counters.fallback_ops == 0
            nursery.cancel_scope.cancel()
    finally:
        server.stop()
    return results


def report(results: dict[str, dict[str, float]]) -> None:
    base = results["redis client PING (baseline)"]
    columns = ("p50 us", "p99 us", "mean us", "p50/PING", "p99/PING")
    print(f"{'operation':34} " + " ".join(f"{c:>9}" for c in columns))
    for name, r in results.items():
        ratio = ""
        if name.startswith("redis"):
            ratio = f"{r['p50_us'] / base['p50_us']:9.2f} {r['p99_us'] / base['p99_us']:9.2f}"
        print(f"{name:34} {r['p50_us']:9.2f} {r['p99_us']:9.2f} {r['mean_us']:9.2f} {ratio}")
        if name.startswith("redis"):
            r["p50_vs_client_ping"] = r["p50_us"] / base["p50_us"]
            r["p99_vs_client_ping"] = r["p99_us"] / base["p99_us"]

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "state_ops.json").write_text(json.dumps(results, indent=2))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(names) + 1.5))
    ax.barh(y - 0.2, [results[k]["p50_us"] for k in names], 0.4, label="p50")
    ax.barh(y + 0.2, [results[k]["p99_us"] for k in names], 0.4, label="p99")
    ax.set_yticks(y, names)
    ax.set_xscale("log")
    ax.set_xlabel("microseconds per call (log scale)")
    ax.set_title("State operations: memory vs Redis (baseline: PING via the same client)")
    ax.invert_yaxis()
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "state_ops.png", dpi=110)
    print(f"wrote {RESULTS / 'state_ops.json'} and {RESULTS / 'state_ops.png'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="calls per Redis operation")
    args = parser.parse_args()
    report(trio.run(main, args.n))
