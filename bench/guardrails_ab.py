"""Phase-1 guardrail latency, this tree against an older commit's, in one process.

Separate runs of ``bench/guardrails.py`` cannot resolve a 10-20% change on the
shared 2-core machine (a training run beside it moves every figure by more than
that). So both trees' pipelines run in the same process and the samples
alternate (which side goes first alternates too): both sides see the same
moments of the machine's load, and the figure to read is the ratio.

"Before" is the whole of an older commit's ``routeiq``: ``git archive REF`` is
unpacked into a temporary directory and imported beside this tree as the
package ``routeiq_before`` (a copy with its imports renamed, as
``bench/governance_ab.py`` does), so the ratio covers every change between the
two. Each side has its own verdict cache, prefix memo and folding memo, reset
the same way ``bench/guardrails.py`` resets them:

- first turn, 5 messages after the system prompt: empty caches, every text scanned;
- next turn of a 50-message conversation: the 49 earlier messages warmed by
  their own phase 1, one new message.

The same Faker conversations for both sides (``guardrails.make_messages``).

    python bench/guardrails.py --before REF [--rounds 5] [--samples 150]

Prints a line per round and the pooled p50s; writes bench/results/guardrails_ab.json
and .png.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import trio
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import plot_path, save
from guardrails import SEED, context, make_messages, request_of

_IMPORT = re.compile(r"\b(from|import) routeiq\b")
ROOT = Path(__file__).resolve().parents[1]


def export(ref: str) -> Path:
    """``ref``'s tree (a directory, or a commit of this repository), unpacked."""
    if Path(ref).is_dir():
        return Path(ref)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "routeiq"], check=True, capture_output=True
    ).stdout
    tree = Path(tempfile.mkdtemp(prefix="guardrails-before-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def before_package(tree: Path) -> None:
    """``tree``'s routeiq, importable beside this one as ``routeiq_before``."""
    root = Path(tempfile.mkdtemp(prefix="routeiq-before-"))
    shutil.copytree(tree / "routeiq", root / "routeiq_before")
    for path in (root / "routeiq_before").rglob("*.py"):
        path.write_text(_IMPORT.sub(r"\1 routeiq_before", path.read_text()))
    sys.path.insert(0, str(root))


class Side:
    """One tree's pipeline with the default guardrails (action ``log``: every
    guardrail scans every text), and how to reset its caches."""

    def __init__(self, pkg: str) -> None:
        def module(name: str) -> Any:
            return importlib.import_module(f"{pkg}.{name}")

        guardrails = module("plugins.guardrails")
        settings = module("plugins.settings")
        self.cache_type = module("plugins.guardrails.cache").VerdictCache
        self.clear_memo = module("plugins.guardrails.normalize").clear_memo
        section = settings.GuardrailsSection(
            pii=guardrails.PIISettings(action="log"),
            injection=guardrails.InjectionSettings(action="log"),
            content=guardrails.ContentSettings(action="log"),
        )
        self.pipeline = module("plugins.pipeline").Pipeline(section)

    async def start(self) -> None:
        async with trio.open_nursery() as nursery:
            await nursery.start(self.pipeline.run)  # compiles the guardrails
            nursery.cancel_scope.cancel()

    def reset(self) -> None:
        p = self.pipeline
        p.cache = self.cache_type()
        p.prefixes.clear()
        for guardrail in p.table.get(None, None).input:
            phones = getattr(guardrail, "phones", None)
            if phones is not None:
                phones.clear()

    async def phase1(self, messages: list[str]) -> int:
        run = self.pipeline.begin(context(), request_of(messages), stream=False)
        start = time.perf_counter_ns()
        await run.phase1()
        return time.perf_counter_ns() - start

    async def first_turn(self, messages: list[str]) -> int:
        self.reset()
        self.clear_memo()
        return await self.phase1(messages)

    async def next_turn(self, history: list[str], new: str) -> int:
        self.reset()
        await self.phase1(history)  # the earlier turns
        self.clear_memo()
        return await self.phase1([*history, new])


async def one_round(sides: dict[str, Side], seed: int, samples: int) -> dict[str, Any]:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    firsts = [make_messages(fake, 5) for _ in range(samples)]
    history = make_messages(fake, 49)
    fresh = make_messages(fake, samples)
    found: dict[str, dict[str, list[int]]] = {n: {"first": [], "next": []} for n in sides}
    order = list(sides.items())
    for i in range(samples):
        for name, side in order if i % 2 else order[::-1]:
            found[name]["first"].append(await side.first_turn(firsts[i]))
        for name, side in order[::-1] if i % 2 else order:
            found[name]["next"].append(await side.next_turn(history, fresh[i]))
    row: dict[str, Any] = {"seed": seed, "samples": samples, "load": os.getloadavg()[0]}
    for name, turns in found.items():
        for turn, values in turns.items():
            row[f"{name}_{turn}_p50_ms"] = statistics.median(values) / 1e6
    for turn in ("first", "next"):
        after, before = row[f"after_{turn}_p50_ms"], row[f"before_{turn}_p50_ms"]
        row[f"{turn}_after_over_before"] = after / before
    row["raw"] = found
    return row


def plain(verdict: Any) -> tuple[Any, ...]:
    """A verdict of either tree as plain values (the two trees' classes differ)."""
    findings = tuple(
        (f.guardrail, f.type, f.start, f.end, f.score, f.rule) for f in verdict.findings
    )
    return (verdict.guardrail, findings, verdict.score, verdict.action, verdict.redacted)


def same_verdicts(sides: dict[str, Side], seeds: list[int], strict: bool = True) -> int:
    """Every guardrail's verdict on every text the rounds use (and the hard
    negatives) is the same in both trees; returns the number of texts. Not
    ``strict`` (a model was retrained between the trees): returns the number of
    (text, guardrail) verdicts that differ instead of stopping."""
    from guard_hard_negatives import injection_hard_negatives, pii_lookalikes

    texts = [h.text for h in (*injection_hard_negatives(), *pii_lookalikes())]
    for seed in seeds:
        fake = Faker("en_US")
        fake.seed_instance(seed)
        texts += [m for _ in range(20) for m in make_messages(fake, 5)]
        texts += make_messages(fake, 49) + make_messages(fake, 100)
    guards = {n: s.pipeline.table.get(None, None).input for n, s in sides.items()}
    differ = 0
    for text in texts:
        for old, new in zip(guards["before"], guards["after"], strict=True):
            if plain(old.check(text)) != plain(new.check(text)):
                if strict:
                    raise SystemExit(f"{new.name} verdicts differ on {text!r}")
                differ += 1
    return len(texts) if strict else differ


async def run_ab(rounds: int, samples: int, strict: bool = True) -> list[dict[str, Any]]:
    sides = {"before": Side("routeiq_before"), "after": Side("routeiq")}
    for side in sides.values():
        await side.start()
        await side.first_turn(make_messages(Faker("en_US"), 50))  # warm-up
    checked = same_verdicts(sides, [SEED + 1000 + r for r in range(rounds)], strict)
    if strict:
        print(f"verdicts identical in both trees: {checked} texts x 3 guardrails", flush=True)
    else:
        print(f"verdicts (score included) that differ, models differ: {checked}", flush=True)
    rows = []
    for r in range(rounds):
        row = await one_round(sides, SEED + 1000 + r, samples)
        rows.append(row)
        print(
            f"round {r + 1}, load {row['load']:.2f}: first turn 5 msgs p50 before"
            f" {row['before_first_p50_ms']:.3f} ms, after {row['after_first_p50_ms']:.3f} ms"
            f" ({row['first_after_over_before']:.3f}x); next turn of 50 p50 before"
            f" {row['before_next_p50_ms']:.3f} ms, after {row['after_next_p50_ms']:.3f} ms"
            f" ({row['next_after_over_before']:.3f}x)",
            flush=True,
        )
    return rows


def pooled(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for turn in ("first", "next"):
        for name in ("before", "after"):
            values = [v for r in rows for v in r["raw"][name][turn]]
            out[f"{name}_{turn}_p50_ms"] = statistics.median(values) / 1e6
        after, before = out[f"after_{turn}_p50_ms"], out[f"before_{turn}_p50_ms"]
        out[f"{turn}_after_over_before"] = after / before
        out[f"{turn}_ratio_median_of_rounds"] = statistics.median(
            r[f"{turn}_after_over_before"] for r in rows
        )
    return out


def plot(rows: list[dict[str, Any]], total: dict[str, Any], ref: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for axis, turn, target, title in (
        (axes[0], "first", 0.5, "first turn, 5 messages"),
        (axes[1], "next", 0.2, "next turn of 50 messages"),
    ):
        x = range(1, len(rows) + 1)
        for name in ("before", "after"):
            axis.plot(x, [r[f"{name}_{turn}_p50_ms"] for r in rows], marker="o", label=name)
        axis.axhline(target, color="red", linestyle="--", label=f"target {target} ms")
        axis.set_xlabel("round (interleaved samples)")
        axis.set_ylabel("phase 1 p50, ms")
        axis.set_title(f"{title}: after/before {total[f'{turn}_after_over_before']:.2f}x")
        axis.set_ylim(bottom=0)
        axis.legend(fontsize=8)
    fig.suptitle(f"Phase 1 (PII + injection n-grams + content): this tree vs {ref}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="guardrails.py --before")
    ap.add_argument("--before", required=True, help="a commit (or an exported tree) to compare")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--samples", type=int, default=150)
    ap.add_argument(
        "--models-differ",
        action="store_true",
        help="a model was retrained between the trees: count differing verdicts, do not stop",
    )
    args = ap.parse_args(argv)
    before_package(export(args.before))
    load_before = os.getloadavg()
    rows = trio.run(run_ab, args.rounds, args.samples, not args.models_differ)
    total = pooled(rows)
    print(
        f"pooled: first turn 5 msgs p50 {total['before_first_p50_ms']:.3f} ->"
        f" {total['after_first_p50_ms']:.3f} ms ({total['first_after_over_before']:.3f}x,"
        f" median of rounds {total['first_ratio_median_of_rounds']:.3f}x); next turn of 50 p50"
        f" {total['before_next_p50_ms']:.3f} -> {total['after_next_p50_ms']:.3f} ms"
        f" ({total['next_after_over_before']:.3f}x, median of rounds"
        f" {total['next_ratio_median_of_rounds']:.3f}x)"
    )
    loads = {"before": load_before, "after": os.getloadavg()}
    print(f"/proc/loadavg before/after: {loads}, cores: {os.cpu_count()}")
    for row in rows:
        del row["raw"]
    path = save(
        "guardrails_ab", {"before": args.before, "rounds": rows, "pooled": total, "loadavg": loads}
    )
    plot(rows, total, args.before, plot_path("guardrails_ab"))
    print(f"wrote {path} and .png")


if __name__ == "__main__":
    main(sys.argv[1:])
