"""What a next turn pays per earlier message: this tree against an older commit's.

``bench/guardrails.py``'s next turn of 50 messages mixes two costs: scanning
the one new message (with the caches cold after the warm-up) and recognising
the 50 earlier ones as already judged. This bench isolates the second: the new
message's verdicts are in the verdict cache already (judged once on its own,
as the answer pre-warm does for an assistant's reply), so phase 1 scans
nothing and its time is the pipeline's fixed cost plus the history's. Timed
for histories of 10, 50 and 200 messages; the slope between 10 and 200 is the
cost per earlier message. Beside it, the pipeline's own work on a first turn
(5 messages after the system prompt, their verdicts cached, nothing remembered):
phase 1 less the scanning.

Both trees run in one process, samples interleaved (``bench/guardrails_ab.py``
builds the older tree as ``routeiq_before``); the same Faker conversations.

    python bench/guard_history_cost.py --before REF [--samples 300]

Prints a table and the per-message slopes; writes
bench/results/guard_history_cost.json and .png.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import trio
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import plot_path, save
from guardrails import SEED, context, make_messages, request_of
from guardrails_ab import Side, before_package, export

SIZES = (10, 50, 200)


async def unscanned(side: Side, messages: list[str]) -> int:
    """Nanoseconds of phase 1 on ``messages``, which must scan no text."""
    run = side.pipeline.begin(context(), request_of(messages), stream=False)
    scans = side.pipeline.cache.scans
    start = time.perf_counter_ns()
    await run.phase1()
    elapsed = time.perf_counter_ns() - start
    assert side.pipeline.cache.scans == scans, "the timed turn scanned a text"
    return elapsed


async def cached_next_turn(side: Side, history: list[str], new: str) -> int:
    """Nanoseconds of a next turn whose new message is already judged."""
    side.reset()
    await side.phase1(history)  # the earlier turns
    await side.phase1([new])  # the new message judged on its own (its verdicts cached)
    return await unscanned(side, [*history, new])


async def cached_first_turn(side: Side, messages: list[str]) -> int:
    """Nanoseconds of a first turn whose texts are all judged already."""
    side.reset()
    await side.phase1(messages)  # the verdicts cached ...
    side.pipeline.prefixes.clear()  # ... but no conversation remembered
    return await unscanned(side, messages)


async def run(samples: int) -> dict[str, Any]:
    sides = {"before": Side("routeiq_before"), "after": Side("routeiq")}
    for side in sides.values():
        await side.start()
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    histories = {size: make_messages(fake, size - 1) for size in SIZES}
    fresh = make_messages(fake, samples)
    firsts = [make_messages(fake, 5) for _ in range(samples)]
    found: dict[str, dict[int, list[int]]] = {n: {s: [] for s in SIZES} for n in sides}
    first: dict[str, list[int]] = {n: [] for n in sides}
    order = list(sides.items())
    for i in range(samples):
        for size in SIZES:
            for name, side in order if (i + size) % 2 else order[::-1]:
                found[name][size].append(await cached_next_turn(side, histories[size], fresh[i]))
        for name, side in order if i % 2 else order[::-1]:
            first[name].append(await cached_first_turn(side, firsts[i]))
    out: dict[str, Any] = {"samples": samples, "sizes": list(SIZES)}
    for name in sides:
        p50 = {size: statistics.median(found[name][size]) / 1e3 for size in SIZES}
        out[name] = {
            "p50_us": p50,
            "per_message_us": (p50[SIZES[-1]] - p50[SIZES[0]]) / (SIZES[-1] - SIZES[0]),
            "first_turn_5_cached_p50_us": statistics.median(first[name]) / 1e3,
        }
    return out


def plot(report: dict[str, Any], ref: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(6.5, 4))
    for name in ("before", "after"):
        side = report[name]
        axis.plot(
            SIZES,
            [side["p50_us"][s] for s in SIZES],
            marker="o",
            label=f"{name}: {side['per_message_us']:.3f} us per earlier message",
        )
    axis.set_xlabel("messages in the conversation (the last one new, its verdicts cached)")
    axis.set_ylabel("phase 1 p50, us")
    axis.set_ylim(bottom=0)
    axis.set_title(f"Recognising a judged history: this tree vs {ref}", fontsize=9)
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="a commit (or an exported tree) to compare")
    ap.add_argument("--samples", type=int, default=300)
    args = ap.parse_args()
    before_package(export(args.before))
    load_before = os.getloadavg()
    report = trio.run(run, args.samples)
    report["loadavg"] = {"before": load_before, "after": os.getloadavg()}
    report["ref"] = args.before
    print(f"{'messages':>9} {'before p50':>11} {'after p50':>10} {'after/before':>13}")
    for size in SIZES:
        b, a = report["before"]["p50_us"][size], report["after"]["p50_us"][size]
        print(f"{size:>9} {b:>9.1f}us {a:>8.1f}us {a / b:>13.3f}")
    b, a = (report[n]["first_turn_5_cached_p50_us"] for n in ("before", "after"))
    print(f"first turn of 5, verdicts cached: {b:9.1f}us {a:8.1f}us {a / b:13.3f}")
    print(
        "per earlier message (slope 10 -> 200):"
        f" before {report['before']['per_message_us']:.3f} us,"
        f" after {report['after']['per_message_us']:.3f} us"
    )
    print(f"/proc/loadavg before/after: {report['loadavg']}, cores: {os.cpu_count()}")
    path = save("guard_history_cost", report)
    plot(report, args.before, plot_path("guard_history_cost"))
    print(f"wrote {path} and .png")


if __name__ == "__main__":
    main()
