"""What the semantic tier costs a request, through the real gateway process.

Gateways in the same run, same mock upstream (zero latency), one client (c=1):
``off`` (cache disabled) and the cache on with each encoder runtime
(``torch``, ``onnx``, ``onnx-int8``). Rounds alternate between the gateways so
the shared machine's load drifts over all of them alike. Every request in the
miss phase is a new cacheable question (a miss that embeds, searches, and is
stored after the response); the hit phase asks a rewording of a stored question
(a verified semantic hit). Reported: p50/p99 per gateway and the miss's added
p50/p99 over ``off`` (issue target: +5 ms p50, +10 ms p99).

Run: ``PYTHONPATH=. .venv/bin/python bench/semantic_cache_gateway.py``
(``--runtimes``, ``--rounds``, ``--per-round``). Writes
bench/results/semantic_cache_gateway.json and .png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import KEY, gateway, mock, plot_path, save, table


def question(i: int, salt: str) -> str:
    subjects = ["router", "invoice", "password", "VPN", "printer", "account", "laptop", "refund"]
    verbs = ["reset", "configure", "update", "cancel", "find", "share", "export", "repair"]
    return f"How do I {verbs[i % 8]} my {subjects[(i // 8) % 8]} {salt}{i} at the office?"


def ask(c: httpx.Client, text: str) -> tuple[float, str]:
    body = {
        "model": "bench-model",
        "temperature": 0,
        "messages": [{"role": "user", "content": text}],
    }
    t0 = time.perf_counter()
    r = c.post("/v1/chat/completions", json=body)
    ms = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    return ms, r.headers.get("x-routeiq-cache", "off")


def wait_ready(c: httpx.Client) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        r = c.get("/health/ready")
        if r.status_code == 200 and '"loading"' not in r.text:
            return
        time.sleep(0.5)
    raise RuntimeError("gateway not ready")


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q)) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtimes", default="torch,onnx,onnx-int8")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--per-round", type=int, default=50)
    args = ap.parse_args()
    runtimes = args.runtimes.split(",")
    names = ["off", *runtimes]
    misses: dict[str, list[float]] = {n: [] for n in names}
    hits: dict[str, list[float]] = {n: [] for n in names}
    outcomes: dict[str, dict[str, int]] = {n: {} for n in names}
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}", flush=True)
    with mock(0.0) as base:
        from contextlib import ExitStack

        with ExitStack() as stack:
            urls = {"off": stack.enter_context(gateway(base, cache={"enabled": False}))}
            for rt in runtimes:
                urls[rt] = stack.enter_context(
                    gateway(base, cache={"enabled": True, "semantic": {"runtime": rt}})
                )
            headers = {"authorization": f"Bearer {KEY}"}
            clients = {
                n: httpx.Client(base_url=u, headers=headers, timeout=60) for n, u in urls.items()
            }
            for c in clients.values():
                wait_ready(c)
            for n, c in clients.items():  # warm up connections and first-call paths
                for i in range(5):
                    ask(c, question(i, f"warm{n}"))
            stored: dict[str, list[str]] = {n: [] for n in names}
            for r in range(args.rounds):
                for n, c in clients.items():
                    for i in range(args.per_round):
                        text = question(r * args.per_round + i, "q")
                        ms, outcome = ask(c, text)
                        misses[n].append(ms)
                        outcomes[n][outcome] = outcomes[n].get(outcome, 0) + 1
                        stored[n].append(text)
                print(f"  miss round {r + 1}/{args.rounds} done", flush=True)
            time.sleep(1.0)  # the last stores land
            for r in range(args.rounds):
                for n, c in clients.items():
                    for text in stored[n][r * args.per_round : (r + 1) * args.per_round]:
                        ms, outcome = ask(c, text.replace("How do I", "How can I"))
                        hits[n].append(ms)
                        key = "reworded:" + outcome
                        outcomes[n][key] = outcomes[n].get(key, 0) + 1
            for c in clients.values():
                c.close()
    rows = []
    off50, off99 = pct(misses["off"], 50), pct(misses["off"], 99)
    for n in names:
        rows.append(
            {
                "gateway": n,
                "miss_p50_ms": pct(misses[n], 50),
                "miss_p99_ms": pct(misses[n], 99),
                "added_p50_ms": pct(misses[n], 50) - off50,
                "added_p99_ms": pct(misses[n], 99) - off99,
                "reworded_p50_ms": pct(hits[n], 50),
                "reworded_p99_ms": pct(hits[n], 99),
                "outcomes": outcomes[n],
            }
        )
    print(
        table(
            rows,
            [
                "gateway",
                "miss_p50_ms",
                "miss_p99_ms",
                "added_p50_ms",
                "added_p99_ms",
                "reworded_p50_ms",
                "reworded_p99_ms",
            ],
        )
    )
    for r in rows:
        print(f"  {r['gateway']}: {r['outcomes']}")
    save("semantic_cache_gateway", {"rows": rows, "load_avg_end": os.getloadavg()[0]})
    _plot(misses, hits, names)


def _plot(misses: dict[str, list[float]], hits: dict[str, list[float]], names: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    data = [misses[n] for n in names] + [hits[n] for n in names[1:]]
    labels = [f"miss\n{n}" for n in names] + [f"reworded\n{n}" for n in names[1:]]
    ax.boxplot(data, showfliers=False)
    ax.set_xticks(range(1, len(labels) + 1), labels, fontsize=7)
    ax.set_ylabel("request latency, c=1 (ms)")
    ax.set_title("semantic cache: miss and reworded-question latency vs cache off (same run)")
    fig.tight_layout()
    fig.savefig(plot_path("semantic_cache_gateway"), dpi=110)


if __name__ == "__main__":
    main()
