"""Phase 1 with the injection guardrail's embedding pass (``injection.embedding: true``).

The pass embeds each new user message off the loop (the gateway's micro-batching
``Embedder``, onnx-int8 as the semantic cache runs it, in a worker thread), so it
adds wall time to phase 1 but little loop time. Measured on the real pipeline
(``RequestRun.phase1()`` under trio), next turn of a 21-message conversation
(history remembered, one new user message), in the same run:

- without the pass (``embedding: false``): the n-gram verdict, all on the loop;
- with the pass: wall time of phase 1, and the loop's longest step while it ran
  (a trio ``Instrument`` timing every task step), against the same figure without.

Run: ``PYTHONPATH=. .venv/bin/python bench/guard_embedding_latency.py``; writes
bench/results/guard_embedding_latency.json and .png.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import trio
import trio.abc
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guardrails import context, make_messages, request_of

from routeiq.cache.embedder import Embedder, load_model
from routeiq.plugins.guardrails import ContentSettings, InjectionSettings, PIISettings
from routeiq.plugins.pipeline import Pipeline
from routeiq.plugins.settings import GuardrailsSection

REPEATS = 150
HISTORY = 20
RESULTS = Path(__file__).resolve().parent / "results"


class LongestStep(trio.abc.Instrument):
    """The longest single task step since ``reset`` (the loop is busy for its length)."""

    def __init__(self) -> None:
        self.longest = 0
        self._started = 0

    def reset(self) -> None:
        self.longest = 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._started = time.perf_counter_ns()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        self.longest = max(self.longest, time.perf_counter_ns() - self._started)


def section(embedding: bool) -> GuardrailsSection:
    return GuardrailsSection(
        pii=PIISettings(action="log"),
        injection=InjectionSettings(action="log", embedding=embedding),
        content=ContentSettings(action="log"),
    )


def summarize(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "max_ms": ms[-1],
    }


async def run_bench() -> dict[str, Any]:
    instrument = LongestStep()
    trio.lowlevel.add_instrument(instrument)
    model = await trio.to_thread.run_sync(lambda: load_model(runtime="onnx-int8"))
    fake = Faker("en_US")
    fake.seed_instance(11)
    history = make_messages(fake, HISTORY)
    fresh = [f"{fake.paragraph(nb_sentences=2)} Can you help?" for _ in range(REPEATS)]
    out: dict[str, Any] = {}
    for name, embedding in (("ngram_only", False), ("with_embedding", True)):
        pipeline = Pipeline(section(embedding), [], [])
        wall: list[int] = []
        steps: list[int] = []
        async with trio.open_nursery() as nursery:
            await nursery.start(pipeline.run)
            embedder = Embedder(model=model, runtime="onnx-int8")
            await nursery.start(embedder.run)
            pipeline.embedder = embedder
            # History: an even count, so the new message is a user message.
            warm = pipeline.begin(context(), request_of(history), stream=False)
            assert warm is not None
            await warm.phase1()
            for text in fresh:
                await trio.lowlevel.checkpoint()  # a step starts here...
                instrument.reset()
                run = pipeline.begin(context(), request_of([*history, text]), stream=False)
                assert run is not None
                start = time.perf_counter_ns()
                await run.phase1()
                wall.append(time.perf_counter_ns() - start)
                await trio.lowlevel.checkpoint()  # ...and the one running phase 1 ends here
                steps.append(instrument.longest)
            out[name] = {
                "phase1": summarize(wall),
                "longest_loop_step": summarize(steps),
                "embedded_texts": embedder.stats.encoded_texts,
            }
            nursery.cancel_scope.cancel()
    trio.lowlevel.remove_instrument(instrument)
    return {
        "repeats": REPEATS,
        "history_messages": HISTORY,
        "runs": out,
        "loadavg_1m": os.getloadavg()[0],
        "cores": os.cpu_count(),
    }


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["runs"])
    fig, axis = plt.subplots(figsize=(7, 4))
    for offset, (key, label) in enumerate(
        (("phase1", "phase 1 wall p50"), ("longest_loop_step", "longest loop step p50"))
    ):
        values = [report["runs"][n][key]["p50_ms"] for n in names]
        axis.bar([i + offset * 0.4 for i in range(len(names))], values, width=0.4, label=label)
    axis.set_xticks([i + 0.2 for i in range(len(names))], names)
    axis.set_ylabel("ms")
    axis.set_title("next turn, one new user message (21 messages)")
    axis.legend()
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    report = trio.run(run_bench)
    print(
        f"{'run':<16} {'phase1 p50':>11} {'p99':>9} {'loop step p50':>14} {'p99':>9}"
        f" {'embedded':>9}"
    )
    for name, row in report["runs"].items():
        p, s = row["phase1"], row["longest_loop_step"]
        print(
            f"{name:<16} {p['p50_ms']:>9.3f}ms {p['p99_ms']:>7.3f}ms {s['p50_ms']:>12.3f}ms"
            f" {s['p99_ms']:>7.3f}ms {row['embedded_texts']:>9}"
        )
    print(f"load average {report['loadavg_1m']:.1f} on {report['cores']} cores")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "guard_embedding_latency.json").write_text(json.dumps(report, indent=1))
    plot(report, RESULTS / "guard_embedding_latency.png")
    print(f"wrote {RESULTS / 'guard_embedding_latency.json'} and .png")


if __name__ == "__main__":
    main()
