"""Gateway overhead on the chat hot path, as a ratio to a bare pass-through proxy.

One run starts the mock upstream (0 ms and 100 ms latency), the gateway and
the bare proxy (bench/bare_proxy.py: the floor of this stack), and drives
each with wrk at concurrency 1 and 32 (non-streaming chat completions).

Targets (issue 2): gateway p50 at concurrency 1 within 1.3x of the bare
proxy's; gateway throughput at concurrency 32 at least 0.8x of it.

    python bench/hot_path.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bare_proxy, gateway, mock, plot_path, save, table, wrk

BODY = {
    "model": "bench-model",
    "messages": [{"role": "user", "content": "Say hello to the bench."}],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    args = ap.parse_args()
    rows = []
    for latency in (0.0, 0.1):
        with mock(latency) as base:
            with bare_proxy(base) as bare_url, gateway(base) as gw_url:
                for conc in (1, 32):
                    results = {}
                    for name, url in (("bare", bare_url), ("gateway", gw_url)):
                        wrk(url + "/v1/chat/completions", BODY, connections=conc, seconds=2)  # warm
                        results[name] = wrk(
                            url + "/v1/chat/completions",
                            BODY,
                            connections=conc,
                            seconds=args.seconds,
                        )
                    for name, r in results.items():
                        rows.append(
                            {"upstream_ms": int(latency * 1000), "conc": conc, "target": name, **r}
                        )
                    b, g = results["bare"], results["gateway"]
                    rows.append(
                        {
                            "upstream_ms": int(latency * 1000),
                            "conc": conc,
                            "target": "ratio gw/bare",
                            "p50_ms": g["p50_ms"] / b["p50_ms"],
                            "p99_ms": g["p99_ms"] / b["p99_ms"],
                            "rps": g["rps"] / b["rps"],
                            "errors": g["errors"],
                        }
                    )
    cols = ["upstream_ms", "conc", "target", "p50_ms", "p99_ms", "rps", "errors"]
    print(table(rows, cols))
    ratios = {(r["upstream_ms"], r["conc"]): r for r in rows if r["target"] == "ratio gw/bare"}
    p50_ratio = ratios[(0, 1)]["p50_ms"]
    rps_ratio = ratios[(0, 32)]["rps"]
    verdict = {
        "p50_ratio_c1_0ms": p50_ratio,
        "p50_target_1.3x_met": p50_ratio <= 1.3,
        "rps_ratio_c32_0ms": rps_ratio,
        "rps_target_0.8x_met": rps_ratio >= 0.8,
    }
    print()
    for k, v in verdict.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    save("hot_path", {"rows": rows, "verdict": verdict, "seconds": args.seconds})
    _plot(rows)


def _plot(rows: list[dict[str, object]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    labels, bare_p50, gw_p50, bare_rps, gw_rps = [], [], [], [], []
    for lat in (0, 100):
        for conc in (1, 32):
            sel = {r["target"]: r for r in rows if r["upstream_ms"] == lat and r["conc"] == conc}
            labels.append(f"{lat}ms/c{conc}")
            bare_p50.append(sel["bare"]["p50_ms"])
            gw_p50.append(sel["gateway"]["p50_ms"])
            bare_rps.append(sel["bare"]["rps"])
            gw_rps.append(sel["gateway"]["rps"])
    x = range(len(labels))
    for ax, (b, g, title) in zip(
        axes,
        ((bare_p50, gw_p50, "p50 latency (ms)"), (bare_rps, gw_rps, "requests/s")),
        strict=True,
    ):
        ax.bar([i - 0.2 for i in x], b, 0.4, label="bare proxy")
        ax.bar([i + 0.2 for i in x], g, 0.4, label="gateway")
        ax.set_xticks(list(x), labels)
        ax.set_title(title)
        ax.set_yscale("log")
        ax.legend()
    fig.suptitle("Hot path: gateway vs bare pass-through (same run)")
    fig.tight_layout()
    fig.savefig(plot_path("hot_path"))


if __name__ == "__main__":
    main()
