"""Phase 1 with the injection transformer on (``injection.transformer: true``).

The transformer pass scores a request's new messages in one ONNX call in a worker
thread (``routeiq/plugins/transformer_pass.py``), so it adds wall time to phase 1
but little loop time. Measured on the real pipeline (``RequestRun.phase1()`` under
trio, PII + injection + content, action ``log``), in the same run, the n-gram-only
pipeline (``transformer: false``) as the baseline, and the transformer on every
new text (``transformer_scope: all``) beside it on the uncertain ones only
(``uncertain``, the default: the stacking's band; ``scored_share`` says how many of
the timed messages went to the ONNX session):

- first turn of 5 messages (empty verdict cache, every message scored);
- next turn of a 50-message conversation (49 cached, one new message);

each: phase 1 wall time, and the loop's longest single task step while it ran (a
trio ``Instrument``), p50/p99. Also the time the pipeline took to prepare the
graph (export if not cached + session) before serving.

Run: ``PYTHONPATH=. python bench/guard_transformer_latency.py`` (or
``bench/guardrails.py --transformer``); writes
bench/results/guard_transformer_latency.json and .png.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Literal

import trio
import trio.abc
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_embedding_latency import LongestStep, summarize
from guardrails import context, make_messages, request_of

from routeiq.plugins.guardrails import ContentSettings, InjectionSettings, PIISettings
from routeiq.plugins.guardrails.cache import VerdictCache
from routeiq.plugins.guardrails.normalize import clear_memo
from routeiq.plugins.guardrails.tf_scorer import TransformerScorer
from routeiq.plugins.pipeline import Pipeline
from routeiq.plugins.settings import GuardrailsSection

REPEATS = int(os.environ.get("GUARD_TF_REPEATS", "60"))
RESULTS = Path(__file__).resolve().parent / "results"


def section(transformer: bool, scope: Literal["uncertain", "all"] = "all") -> GuardrailsSection:
    return GuardrailsSection(
        pii=PIISettings(action="log"),
        injection=InjectionSettings(action="log", transformer=transformer, transformer_scope=scope),
        content=ContentSettings(action="log"),
    )


#: Texts sent to the ONNX session since the last ``reset`` (all runs share it).
SCORED: list[int] = []


def count_scored() -> None:
    """Wrap ``TransformerScorer.logits`` to count the texts it scores."""
    real = TransformerScorer.logits

    def counting(self: TransformerScorer, texts: Any) -> Any:
        SCORED.append(len(texts))
        return real(self, texts)

    TransformerScorer.logits = counting  # type: ignore[method-assign]


async def timed(
    pipeline: Pipeline, instrument: LongestStep, messages: list[str]
) -> tuple[int, int]:
    """(wall ns, longest loop step ns) of one phase 1."""
    run = pipeline.begin(context(), request_of(messages), stream=False)
    assert run is not None
    await trio.lowlevel.checkpoint()  # a step starts here...
    instrument.reset()
    start = time.perf_counter_ns()
    await run.phase1()
    wall = time.perf_counter_ns() - start
    await trio.lowlevel.checkpoint()  # ...and the one running phase 1 ends here
    return wall, instrument.longest


def reset(pipeline: Pipeline) -> None:
    pipeline.cache = VerdictCache()
    pipeline.prefixes.clear()
    clear_memo()


async def run_bench() -> dict[str, Any]:
    instrument = LongestStep()
    trio.lowlevel.add_instrument(instrument)
    fake = Faker("en_US")
    out: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    count_scored()
    runs: tuple[tuple[str, bool, Literal["uncertain", "all"]], ...] = (
        ("ngram_only", False, "all"),
        ("transformer", True, "all"),
        ("tf_uncertain", True, "uncertain"),
    )
    for name, transformer, scope in runs:
        fake.seed_instance(23)  # the same conversations for all
        firsts = [make_messages(fake, 5) for _ in range(REPEATS)]
        history = make_messages(fake, 49)
        fresh = make_messages(fake, REPEATS)
        pipeline = Pipeline(section(transformer, scope), [], [])
        samples: dict[str, list[tuple[int, int]]] = {"first_turn_5": [], "next_turn_50": []}
        async with trio.open_nursery() as nursery:
            started = time.perf_counter()
            await nursery.start(pipeline.run)  # builds the graph (transformer) first
            prepare = time.perf_counter() - started
            reset(pipeline)
            await timed(pipeline, instrument, firsts[0])  # warm-up
            SCORED.clear()
            judged = 0
            for repeat in range(REPEATS):
                reset(pipeline)
                samples["first_turn_5"].append(await timed(pipeline, instrument, firsts[repeat]))
                judged += 5
                reset(pipeline)
                before_history = sum(SCORED)
                warm = pipeline.begin(context(), request_of(history), stream=False)
                assert warm is not None
                await warm.phase1()
                clear_memo()
                conversation = [*history, fresh[repeat]]
                # the history's own scoring (untimed) does not count
                SCORED.append(before_history - sum(SCORED))
                samples["next_turn_50"].append(await timed(pipeline, instrument, conversation))
                judged += 1
            nursery.cancel_scope.cancel()
        out[name] = {
            "pipeline_ready_seconds": round(prepare, 2),
            # user texts (the assistant's are scanned too: direct) sent to the ONNX
            # session, per new message timed
            "scored_share": round(sum(SCORED) / judged, 3) if transformer else 0.0,
            **{
                case: {
                    "phase1": summarize([w for w, _ in rows]),
                    "longest_loop_step": summarize([s for _, s in rows]),
                }
                for case, rows in samples.items()
            },
        }
    trio.lowlevel.remove_instrument(instrument)
    for case in ("first_turn_5", "next_turn_50"):
        base = out["ngram_only"][case]
        for name in ("transformer", "tf_uncertain"):
            tf = out[name][case]
            tf["phase1_over_ngram_p50"] = tf["phase1"]["p50_ms"] / base["phase1"]["p50_ms"]
            tf["loop_step_over_ngram_p50"] = (
                tf["longest_loop_step"]["p50_ms"] / base["longest_loop_step"]["p50_ms"]
            )
    return {
        "repeats": REPEATS,
        "runs": out,
        "loadavg_1m": {"before": load_before, "after": os.getloadavg()[0]},
        "cores": os.cpu_count(),
    }


def print_report(report: dict[str, Any]) -> None:
    print(
        f"{'run':<12} {'case':<13} {'phase1 p50':>11} {'p99':>9} {'loop step p50':>14} {'p99':>9}"
    )
    for name, row in report["runs"].items():
        for case in ("first_turn_5", "next_turn_50"):
            p, s = row[case]["phase1"], row[case]["longest_loop_step"]
            print(
                f"{name:<12} {case:<13} {p['p50_ms']:>9.3f}ms {p['p99_ms']:>7.3f}ms"
                f" {s['p50_ms']:>12.3f}ms {s['p99_ms']:>7.3f}ms"
            )
    for name in ("transformer", "tf_uncertain"):
        tf = report["runs"][name]
        for case in ("first_turn_5", "next_turn_50"):
            print(
                f"{name}/ngram, {case}: phase 1 {tf[case]['phase1_over_ngram_p50']:.2f}x,"
                f" longest loop step {tf[case]['loop_step_over_ngram_p50']:.2f}x (p50)"
            )
        print(f"{name}: texts sent to the transformer per new message {tf['scored_share']}")
    tf = report["runs"]["transformer"]
    print(
        f"pipeline ready in {tf['pipeline_ready_seconds']} s with the transformer"
        f" (graph export if not cached, session); load {report['loadavg_1m']}"
        f" on {report['cores']} cores"
    )


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, key, title in (
        (axes[0], "phase1", "phase 1 wall time p50 (ms)"),
        (axes[1], "longest_loop_step", "longest loop step p50 (ms)"),
    ):
        for offset, name in enumerate(("ngram_only", "transformer", "tf_uncertain")):
            values = [
                report["runs"][name][c][key]["p50_ms"] for c in ("first_turn_5", "next_turn_50")
            ]
            axis.bar([i + 0.28 * offset for i in range(2)], values, width=0.28, label=name)
        axis.set_xticks([0.28, 1.28], ["first turn, 5 msgs", "next turn, 50 msgs"])
        axis.set_title(title)
        axis.legend()
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    report = trio.run(run_bench)
    print_report(report)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "guard_transformer_latency.json"
    out.write_text(json.dumps(report, indent=1))
    plot(report, out.with_suffix(".png"))
    print(f"wrote {out} and .png")


if __name__ == "__main__":
    main()
