"""Big request bodies and the trio loop: the longest task step while one client
sends big chat bodies and another measures small-request latency, against a
baseline in the same run (the small client alone), for the code as of git
``--before`` (default ``d6d75f1``, the commit before the big-body work) and the current code.

Each big body is a ~1.35 MB chat request whose one user message has 50,000 text
parts (the shape an outside probe found holding the loop 100-300 ms). Figures are
the gateway's own wall-time instrument (``routeiq_loop_task_step_*`` on
``/metrics``: the longest step, and the steps over 5 and 20 ms during the run) and
the small client's latencies. The instrument times task steps only: time the loop
thread spends waiting for the GIL between steps (a worker thread holding it) shows
in the small client's latency, which is why both are reported. On a shared machine
read the ratios to the baseline, not the absolute times.

    python bench/big_body.py [--seconds 8] [--parts 50000] [--before REF]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KEY, gateway, mock, plot_path, save, table
from hot_path import checkout

HEADERS = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
SMALL = orjson.dumps(
    {"model": "bench-model", "messages": [{"role": "user", "content": "Say hello to the bench."}]}
)


def loop_steps(url: str) -> dict[str, float]:
    """The longest step since start and the number of steps over 5 and 20 ms."""
    text = httpx.get(url + "/metrics", headers=HEADERS).text
    name = "routeiq_loop_task_step_seconds"

    def read(pattern: str) -> float:
        m = re.search(pattern, text, re.M)
        assert m is not None, pattern
        return float(m.group(1))

    count = read(name + r"_count (\S+)")
    return {
        "max_ms": read(r"^routeiq_loop_task_step_max_seconds (\S+)$") * 1000,
        "over_5ms": count - read(name + r'_bucket\{le="0.005"\} (\S+)'),
        "over_20ms": count - read(name + r'_bucket\{le="0.02"\} (\S+)'),
    }


# The big-body sender: posts the body in a loop, prints "sent ok" on SIGTERM.
SENDER = """
import signal, sys, httpx, orjson
url, key, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
content = [{"type": "text", "text": f"part {i:06d}"} for i in range(parts)]
body = orjson.dumps({"model": "bench-model", "messages": [{"role": "user", "content": content}]})
sent = ok = 0
def stop(*_):
    print(sent, ok, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
headers = {"authorization": "Bearer " + key, "content-type": "application/json"}
with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
    while True:
        sent += 1
        ok += c.post("/v1/chat/completions", content=body).status_code == 200
"""


async def small_client(url: str, seconds: float) -> dict[str, Any]:
    """Sequential small chat requests for ``seconds``: their latencies."""
    lat: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=60) as c:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            r = await c.post("/v1/chat/completions", content=SMALL)
            lat.append((time.perf_counter() - t0) * 1000)
            errors += r.status_code != 200
            await trio.sleep(0.005)
    lat.sort()
    return {
        "small_requests": len(lat),
        "small_errors": errors,
        "small_p50_ms": statistics.median(lat),
        "small_p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
    }


def phase(
    name: str, base: str, root: Path | None, big_parts: int | None, seconds: float
) -> dict[str, Any]:
    kw: dict[str, Any] = {} if root is None else {"root": root}
    with gateway(base, **kw) as url:
        for _ in range(20):  # warm the pool and the code paths
            httpx.post(url + "/v1/chat/completions", content=SMALL, headers=HEADERS)
        before = loop_steps(url)
        sender = None
        if big_parts:  # its own process: its sending must not stall the small client
            cmd = [sys.executable, "-c", SENDER, url, KEY, str(big_parts)]
            sender = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            time.sleep(1.5)  # it builds its body and starts sending
        try:
            res = trio.run(small_client, url, seconds)
        finally:
            sent = ok = 0
            if sender is not None:
                sender.terminate()
                out, _ = sender.communicate(timeout=30)
                counts = out.decode().split()
                sent, ok = (int(counts[-2]), int(counts[-1])) if len(counts) >= 2 else (0, 0)
        after = loop_steps(url)
    return (
        {"phase": name, "warm_max_step_ms": round(before["max_ms"], 2)}
        | res
        | {
            "big_sent": sent,
            "big_ok": ok,
            "max_step_ms": round(after["max_ms"], 2),
            "steps_over_5ms": int(after["over_5ms"] - before["over_5ms"]),
            "steps_over_20ms": int(after["over_20ms"] - before["over_20ms"]),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--parts", type=int, default=50_000)
    ap.add_argument("--before", default="d6d75f1", help="git ref of the code before the fix")
    args = ap.parse_args()
    print(f"big bodies: {args.parts} text parts each (~{args.parts * 37 / 1e6:.2f} MB)")
    rows = []
    with mock(0.0) as base, checkout(args.before) as old:
        for code, root in (("before", old), ("after", None)):
            rows.append(phase(f"{code}: small only", base, root, None, args.seconds))
            rows.append(phase(f"{code}: + big bodies", base, root, args.parts, args.seconds))
    cols = [
        "phase",
        "max_step_ms",
        "steps_over_5ms",
        "steps_over_20ms",
        "small_p50_ms",
        "small_p99_ms",
        "small_requests",
    ]
    cols += ["small_errors", "big_sent", "big_ok"]
    print(table(rows, cols))
    by = {r["phase"]: r for r in rows}
    ratios = {}
    for code in ("before", "after"):
        alone, loaded = by[f"{code}: small only"], by[f"{code}: + big bodies"]
        ratios[code] = {
            "max_step_ratio": loaded["max_step_ms"] / max(alone["max_step_ms"], 1e-9),
            "small_p99_ratio": loaded["small_p99_ms"] / alone["small_p99_ms"],
            "small_p50_ratio": loaded["small_p50_ms"] / alone["small_p50_ms"],
        }
    for code, r in ratios.items():
        print(f"{code}: " + ", ".join(f"{k} {v:.2f}x" for k, v in r.items()))
    save(
        "big_body",
        {"args": vars(args), "rows": rows, "ratios": ratios},
    )
    _plot(rows)


def _plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    names = [r["phase"] for r in rows]
    axes[0].bar(names, [r["max_step_ms"] for r in rows])
    axes[0].set_ylabel("longest loop step (ms, wall)")
    axes[1].bar(names, [r["small_p99_ms"] for r in rows])
    axes[1].set_ylabel("small request p99 (ms)")
    for ax in axes:
        ax.tick_params(axis="x", rotation=30, labelsize=7)
    fig.suptitle("Big bodies (50,000 parts) beside small requests")
    fig.tight_layout()
    fig.savefig(plot_path("big_body"))


if __name__ == "__main__":
    main()
