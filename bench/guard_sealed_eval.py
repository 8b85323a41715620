"""Guardrails on the sealed held-out set (``bench/data/guard_sealed/``, issue #14).

Runs the shipped guards exactly as ``bench/guardrail_quality.py`` judges them (its
``verdict_as``: each text in its role, user = direct, tool = indirect; its PII
coverage rule ``covering``; the
embedding head on user texts when its weights exist) and
prints recall / false-positive rates per label, role, class and source.

The set is meant to be measured once per model, by the lead, after the model is
final: nothing in ``routeiq/`` may be tuned on it. Per-item misses are printed
only with ``--misses`` (for the lead; do not share them with whoever trains).

Run: ``PYTHONPATH=. python bench/guard_sealed_eval.py [--no-embedding] [--transformer]
[--ngram-previous MODEL] [--misses]``.
Writes bench/results/guard_sealed.json and .png.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

# Keep the sealed texts' vectors out of the cache the training scripts share.
os.environ.setdefault("GUARD_EMBED_CACHE", "/tmp/guard_sealed_embeddings.npz")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guardrail_quality import covering, rate, verdict_as

from routeiq.plugins.guardrails import (
    ContentGuardrail,
    ContentSettings,
    InjectionGuardrail,
    InjectionSettings,
    PIIGuardrail,
)
from routeiq.plugins.guardrails.embedding_head import EMBEDDING_PATH, default_head, with_embedding
from routeiq.plugins.guardrails.learned import InjectionModel

DATA = Path(__file__).resolve().parent / "data" / "guard_sealed"
RESULTS = Path(__file__).resolve().parent / "results"
COLOURS = {"pii": "tab:green", "lookalike": "tab:orange"}
TARGETS = {"recall": 0.90, "benign": 0.01, "hard_negative": 0.03, "pii_recall": 0.98,
           "pii_lookalike": 0.01}  # fmt: skip


def load(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def repo_of(source: str) -> str:
    """The repository (or generator) a record came from: "owner/name" or the source."""
    head = source.split(" in ", 1)[0]
    return head.split("@", 1)[0] if "@" in head else head


def injection_flags(
    records: list[dict[str, str]],
    embedding: bool,
    transformer: bool = False,
    graph_dir: Path | None = None,
    previous: Path | None = None,
    ngram_previous: Path | None = None,
) -> dict[str, list[bool]]:
    """Per guard configuration, one verdict per record (system texts are not scanned);
    ``transformer``: also ``injection_transformer``, the fine-tuned MiniLM stacked with
    the n-grams and rules, judged as the gateway does (``guard_transformer_eval``)."""
    guard = InjectionGuardrail()
    rules_only = InjectionGuardrail(InjectionSettings(learned=False))
    content = ContentGuardrail()
    flags: dict[str, list[bool]] = {
        "injection": [verdict_as(guard, r["text"], r["role"]).triggered for r in records],
        "injection_rules_only": [
            verdict_as(rules_only, r["text"], r["role"]).triggered for r in records
        ],
        "content": [content.check(r["text"]).triggered for r in records],
    }
    flags["injection_or_content"] = [
        a or b for a, b in zip(flags["injection"], flags["content"], strict=True)
    ]
    learned_content = ContentGuardrail(ContentSettings(learned=True))
    flags["content_learned"] = [learned_content.check(r["text"]).triggered for r in records]
    flags["injection_or_content_learned"] = [
        a or b for a, b in zip(flags["injection"], flags["content_learned"], strict=True)
    ]
    if ngram_previous is not None:  # another n-gram model file, judged in the same run
        other = InjectionGuardrail(model=InjectionModel.load(ngram_previous))
        flags["injection_ngram_previous"] = [
            verdict_as(other, r["text"], r["role"]).triggered for r in records
        ]
    if embedding and EMBEDDING_PATH.exists():
        from guard_embeddings import embeddings

        head = default_head()
        users = [i for i, r in enumerate(records) if r["role"] == "user"]
        vectors = embeddings([records[i]["text"] for i in users])
        by_index = {
            i: with_embedding(guard, head, records[i]["text"], v).triggered
            for i, v in zip(users, vectors, strict=True)
        }
        flags["injection_embedding"] = [
            by_index.get(i, flag) for i, flag in enumerate(flags["injection"])
        ]
    if transformer:
        from guard_transformer_eval import transformer_judge

        verdicts = transformer_judge(graph_dir)(
            [r["text"] for r in records], [r["role"] for r in records]
        )
        flags["injection_transformer"] = [v.triggered for v in verdicts]
        if previous is not None:  # another adapter file, judged in the same run
            verdicts = transformer_judge(graph_dir, adapter=previous)(
                [r["text"] for r in records], [r["role"] for r in records]
            )
            flags["injection_transformer_previous"] = [v.triggered for v in verdicts]
    return flags


def groups(record: dict[str, str]) -> list[tuple[str, str]]:
    """(dimension, value) pairs a record is counted under."""
    label = record["label"]
    out = [("label", label), ("label/role", f"{label} / {record['role']}"),
           ("class", f"{label} / {record['class']}"),
           ("source", f"{label} / {repo_of(record['source'])}")]  # fmt: skip
    if label == "attack":
        standalone = "context-dependent" if record.get("context_dependent") else "standalone"
        out.append(("label/role", f"attack ({standalone}) / {record['role']}"))
    return out


#: Groups smaller than this are pooled per label: a rate over one or two texts
#: would be a per-item verdict, and those stay with the lead (``--misses``).
MIN_GROUP = 5


def summarise(
    records: list[dict[str, str]],
    flags: list[bool],
    groups_of: Callable[[dict[str, str]], list[tuple[str, str]]] = groups,
) -> list[dict[str, object]]:
    """Share flagged per group (``groups_of``: the groups a record counts in)."""
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        for key in groups_of(record):
            sizes[key] += 1
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record, flag in zip(records, flags, strict=True):
        for key in groups_of(record):
            if sizes[key] < MIN_GROUP:
                key = (key[0], f"{record['label']} / (groups with n < {MIN_GROUP}, pooled)")
            counts[key][0] += int(flag)
            counts[key][1] += 1
    return [{"dimension": d, "group": g, "flagged": f, "n": n, "rate": rate(f, n),
             "wilson95": wilson(f, n)} for (d, g), (f, n) in sorted(counts.items())]  # fmt: skip


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a rate: most groups here are small."""
    if total == 0:
        return (float("nan"), float("nan"))
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def pii_rows(records: list[dict[str, str]]) -> list[dict[str, object]]:
    """Positives: a finding of any type covers the value (guardrail_quality's rule);
    look-alikes: any finding at all is a false positive."""
    pii = PIIGuardrail()
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record["label"] == "pii":
            hit = bool(covering(pii, record["text"], record["value"]))
        else:
            hit = pii.check(record["text"]).triggered
        for key in (
            ("label", record["label"]),
            ("class", f"{record['label']} / {record['class']}"),
        ):
            counts[key][0] += int(hit)
            counts[key][1] += 1
    return [{"dimension": d, "group": g, "flagged": f, "n": n, "rate": rate(f, n),
             "wilson95": wilson(f, n)} for (d, g), (f, n) in sorted(counts.items())]  # fmt: skip


def print_report(report: dict[str, object]) -> None:
    guards = report["injection"]  # type: ignore[index]
    names = list(guards)  # type: ignore[arg-type]
    print("injection guard on the sealed set: share flagged (attack: recall; others: FP rate)")
    print("machine shared with other engineers' test runs: only the run time is affected\n")
    header = f"{'group':<72} {'n':>5} " + " ".join(f"{n[:18]:>18}" for n in names)
    for dimension in ("label", "label/role", "class", "source"):
        print(f"-- by {dimension}")
        print(header)
        rows = guards[names[0]]  # type: ignore[index]
        for index, row in enumerate(rows):
            if row["dimension"] != dimension:
                continue
            cells = " ".join(f"{guards[n][index]['rate']:>18.3f}" for n in names)  # type: ignore[index]
            print(f"{row['group'][:72]:<72} {row['n']:>5} {cells}")
        print()
    print(f"-- 95% Wilson intervals, {names[0]}")
    for row in guards[names[0]]:  # type: ignore[index]
        if row["dimension"] in ("label", "label/role"):
            low, high = row["wilson95"]
            print(
                f"{row['group'][:72]:<72} {row['n']:>5} {row['rate']:.3f} [{low:.3f}, {high:.3f}]"
            )
    print()
    print("-- PII guard (pii: recall, value covered; lookalike: FP rate)")
    for row in report["pii"]:  # type: ignore[attr-defined]
        print(f"{row['dimension']:<6} {row['group']:<40} n={row['n']:<4} {row['rate']:.3f}")


def plot(report: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    guards = report["injection"]  # type: ignore[index]
    wanted = ("attack (standalone) / user", "attack (standalone) / tool",
              "attack (context-dependent) / user", "benign / user", "benign / tool",
              "hard_negative / user", "hard_negative / tool")  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / len(guards)  # type: ignore[arg-type]
    for offset, (name, rows) in enumerate(guards.items()):  # type: ignore[attr-defined]
        values = []
        for group in wanted:
            found = [
                r["rate"] for r in rows if r["dimension"] == "label/role" and r["group"] == group
            ]
            values.append(found[0] if found else float("nan"))
        axes[0].bar([i + offset * width for i in range(len(wanted))], values, width, label=name)
    for i, group in enumerate(wanted):
        kind = group.split(" ", 1)[0]
        target = TARGETS["recall" if kind == "attack" else kind]
        axes[0].hlines(target, i - 0.1, i + 0.8, colors="red", linestyles="dashed")
    ticks = [w.replace(" / ", "\n").replace(" (", "\n(") for w in wanted]
    axes[0].set_xticks([i + 0.4 - width / 2 for i in range(len(wanted))], ticks, fontsize=7)
    axes[0].set_title("injection: share flagged per label / role (red: target)")
    axes[0].legend(fontsize=7)
    pii = [r for r in report["pii"] if r["dimension"] == "class"]  # type: ignore[attr-defined]
    axes[1].barh([r["group"] for r in pii], [r["rate"] for r in pii],
                 color=[COLOURS[r["group"].split(" ", 1)[0]] for r in pii])  # fmt: skip
    axes[1].tick_params(axis="y", labelsize=6)
    axes[1].set_title("PII: recall (green) / look-alike FP (orange)")
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-embedding", action="store_true", help="skip the embedding head")
    parser.add_argument(
        "--transformer", action="store_true", help="also the transformer model (injection)"
    )
    parser.add_argument(
        "--transformer-previous",
        type=Path,
        help="with --transformer: also this adapter file (e.g. the previous version)",
    )
    parser.add_argument(
        "--ngram-previous", type=Path, help="also this n-gram model file (the previous version)"
    )
    parser.add_argument(
        "--misses", action="store_true", help="print misclassified items (lead only)"
    )
    args = parser.parse_args()
    records = load("injection.jsonl")
    started = time.perf_counter()
    flags = injection_flags(
        records,
        embedding=not args.no_embedding,
        transformer=args.transformer,
        previous=args.transformer_previous,
        ngram_previous=args.ngram_previous,
    )
    report: dict[str, object] = {
        "data": str(DATA.relative_to(DATA.parent.parent.parent)),
        "manifest": json.loads((DATA / "manifest.json").read_text())["injection_sha256"],
        "injection": {name: summarise(records, f) for name, f in flags.items()},
        "pii": pii_rows(load("pii.jsonl")),
        "targets": TARGETS,
    }
    report["eval_seconds"] = round(time.perf_counter() - started, 1)
    print_report(report)
    if args.misses:
        for record, flag in zip(records, flags["injection"], strict=True):
            if flag != (record["label"] == "attack"):
                where = f"{record['label']} {record['role']}"
                print(f"[{where}] {record['class']}: {record['text'][:200]!r}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "guard_sealed.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    plot(report, RESULTS / "guard_sealed.png")
    print(f"\nwrote {RESULTS / 'guard_sealed.json'} and .png ({report['eval_seconds']} s)")


if __name__ == "__main__":
    main()
