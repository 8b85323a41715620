"""Guardrail latency: phase-1 scanning of 1, 5, 20, 50 messages, first turn and next turn.

All three guardrails (PII, injection, content) scan every message, one after
the other in-process (they are pure CPU functions; the pipeline runs them
concurrently, which on one trio thread costs the same CPU). Cases:

- first turn: empty verdict cache, every message is hashed and scanned;
- next turn: the conversation's earlier messages are cached and one new
  message arrives, so N-1 verdicts come from the cache and 1 is scanned;
- baseline (same run): the earlier design, every message rescanned on every
  turn with no cache; the ratio next-turn / baseline is the gain.

Messages are Faker text of chat-like length (questions, answers with code,
some with PII). Targets: 5 messages < 0.5 ms (first turn); next turn of a
50-message conversation < 0.2 ms.

Run: ``.venv/bin/python bench/guardrails.py``; writes bench/results/guardrails.json/.png.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routeiq.plugins.guardrails import (
    ContentGuardrail,
    Guardrail,
    InjectionGuardrail,
    PIIGuardrail,
    VerdictCache,
    message_digest,
    scan_conversation,
    scan_messages,
)
from routeiq.plugins.guardrails.normalize import clear_memo

SIZES = (1, 5, 20, 50)
REPEATS = 200
SEED = 7
RESULTS = Path(__file__).resolve().parent / "results"
CODE = '''def total(orders):
    """Sum the order amounts, skipping refunds."""
    return sum(o.amount for o in orders if not o.refunded)
'''


def make_messages(fake: Faker, count: int) -> list[str]:
    """Chat-like messages: questions, answers with code, some PII."""
    rng = random.Random(fake.random.random())
    out = []
    for index in range(count):
        kind = rng.random()
        if index % 2 == 0 and kind < 0.3:
            text = f"{fake.sentence()} My email is {fake.email()} and phone {fake.phone_number()}."
        elif index % 2 == 0:
            text = f"{fake.paragraph(nb_sentences=3)} Can you help with Python 3.11?"
        elif kind < 0.5:
            text = f"{fake.paragraph(nb_sentences=2)}\n\n```python\n{CODE}```\n{fake.sentence()}"
        else:
            text = fake.paragraph(nb_sentences=5)
        out.append(text)
    return out


def phase1(guardrails: list[Guardrail], messages: list[str], cache: VerdictCache) -> None:
    """One pass: each message hashed once, one LRU touch for all guardrails."""
    scan_conversation(guardrails, messages, cache)


def phase1_per_guardrail(
    guardrails: list[Guardrail], messages: list[str], cache: VerdictCache
) -> None:
    """What one task per guardrail would do: shared digests, one call each."""
    digests = [message_digest(m) for m in messages]
    for guardrail in guardrails:
        scan_messages(guardrail, messages, cache, digests)


def rescan(guardrails: list[Guardrail], messages: list[str]) -> None:
    for guardrail in guardrails:
        for message in messages:
            guardrail.check(message)


def summarize(samples_ns: list[int]) -> dict[str, float]:
    samples = sorted(s / 1e6 for s in samples_ns)
    return {
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        "mean_ms": statistics.fmean(samples),
    }


def measure(guardrails: list[Guardrail], fake: Faker, size: int) -> dict[str, object]:
    first: list[int] = []
    nxt: list[int] = []
    nxt_split: list[int] = []
    base: list[int] = []
    scans_next: list[int] = []
    history = make_messages(fake, size - 1)
    fresh = make_messages(fake, REPEATS)
    for repeat in range(REPEATS):
        conversation = [*history, fresh[repeat]]
        cache = VerdictCache()
        clear_memo()  # every timed section starts with no memoised folding
        start = time.perf_counter_ns()
        phase1(guardrails, conversation, cache)
        first.append(time.perf_counter_ns() - start)

        warm = VerdictCache()
        phase1(guardrails, history, warm)  # earlier turns
        before = warm.scans
        clear_memo()
        start = time.perf_counter_ns()
        phase1(guardrails, conversation, warm)
        nxt.append(time.perf_counter_ns() - start)
        scans_next.append(warm.scans - before)

        warm = VerdictCache()
        phase1(guardrails, history, warm)
        clear_memo()
        start = time.perf_counter_ns()
        phase1_per_guardrail(guardrails, conversation, warm)
        nxt_split.append(time.perf_counter_ns() - start)

        clear_memo()
        start = time.perf_counter_ns()
        rescan(guardrails, conversation)
        base.append(time.perf_counter_ns() - start)
    chars = sum(len(m) for m in [*history, *fresh]) / (len(history) + len(fresh))
    result: dict[str, object] = {
        "messages": size,
        "mean_chars_per_message": round(chars, 1),
        "first_turn": summarize(first),
        "next_turn": summarize(nxt),
        "next_turn_scan_messages_per_guardrail": summarize(nxt_split),
        "baseline_full_rescan": summarize(base),
        "scans_on_next_turn": max(scans_next),
    }
    result["next_over_baseline_p50"] = (
        result["next_turn"]["p50_ms"] / result["baseline_full_rescan"]["p50_ms"]  # type: ignore[index]
    )
    return result


def per_guardrail(fake: Faker) -> dict[str, float]:
    """p50 microseconds per message, each guardrail alone (no cache)."""
    messages = make_messages(fake, 400)
    out = {}
    for guardrail in (PIIGuardrail(), InjectionGuardrail(), ContentGuardrail()):
        samples = []
        for message in messages:
            clear_memo()
            start = time.perf_counter_ns()
            guardrail.check(message)
            samples.append(time.perf_counter_ns() - start)
        out[guardrail.name] = statistics.median(samples) / 1e3
    return out


def plot(report: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = report["sizes"]
    sizes = [r["messages"] for r in rows]  # type: ignore[attr-defined]
    fig, axis = plt.subplots(figsize=(7, 4.5))
    for key, label in (
        ("first_turn", "first turn (empty cache)"),
        ("next_turn", "next turn (cached history + 1 new)"),
        ("baseline_full_rescan", "baseline: rescan all, no cache"),
    ):
        axis.plot(sizes, [r[key]["p50_ms"] for r in rows], marker="o", label=label)  # type: ignore[index]
    axis.scatter([5], [0.5], marker="_", s=400, color="red", label="target 5 msgs < 0.5 ms")
    axis.scatter(
        [50], [0.2], marker="_", s=400, color="purple", label="target next turn 50 < 0.2 ms"
    )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(sizes, [str(s) for s in sizes])
    axis.set_xlabel("messages in the conversation")
    axis.set_ylabel("p50 latency, ms (3 guardrails)")
    axis.legend(fontsize=8)
    axis.set_title("Guardrail phase 1 latency")
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    guardrails: list[Guardrail] = [PIIGuardrail(), InjectionGuardrail(), ContentGuardrail()]
    phase1(guardrails, make_messages(fake, 50), VerdictCache())  # warm-up
    gc.collect()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    rows = [measure(guardrails, fake, size) for size in SIZES]
    report: dict[str, object] = {
        "repeats": REPEATS,
        "python": sys.version.split()[0],
        "sizes": rows,
        "per_guardrail_p50_us_per_message": per_guardrail(fake),
        "targets": {"five_messages_first_turn_ms": 0.5, "next_turn_50_ms": 0.2},
        "bench_seconds": 0.0,
    }
    report["bench_seconds"] = round(time.perf_counter() - started, 1)
    # The machine is shared: a load above the core count inflates every figure.
    report["loadavg_1m"] = {"before": load_before, "after": os.getloadavg()[0]}
    report["cores"] = os.cpu_count()
    header = f"{'msgs':>5} {'chars':>6} {'first p50':>10} {'first p99':>10} {'next p50':>9}"
    print(
        header + f" {'next p99':>9} {'next/guard':>10} {'rescan p50':>11} {'next/rescan':>11}"
        f" {'scans':>6}"
    )
    for r in rows:
        f, n, b = r["first_turn"], r["next_turn"], r["baseline_full_rescan"]
        split = r["next_turn_scan_messages_per_guardrail"]
        print(
            f"{r['messages']:>5} {r['mean_chars_per_message']:>6} {f['p50_ms']:>8.3f}ms"  # type: ignore[index]
            f" {f['p99_ms']:>8.3f}ms {n['p50_ms']:>7.3f}ms {n['p99_ms']:>7.3f}ms"  # type: ignore[index]
            f" {split['p50_ms']:>8.3f}ms"  # type: ignore[index]
            f" {b['p50_ms']:>9.3f}ms {r['next_over_baseline_p50']:>11.3f}"  # type: ignore[index]
            f" {r['scans_on_next_turn']:>6}"
        )
    per = report["per_guardrail_p50_us_per_message"]
    print("per message, each guardrail alone (p50):", {k: f"{v:.1f} us" for k, v in per.items()})  # type: ignore[attr-defined]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "guardrails.json").write_text(json.dumps(report, indent=1))
    plot(report, RESULTS / "guardrails.png")
    print(f"load average (1 min) before/after: {report['loadavg_1m']}, cores: {report['cores']}")
    print(f"wrote {RESULTS / 'guardrails.json'} and .png in {report['bench_seconds']} s")


if __name__ == "__main__":
    main()
