"""Semantic cache quality: would the cache serve one text's answer for the other?

Each labelled pair (A, B) is read as "A's answer is cached, B is asked". A semantic
hit is cosine(A, B) >= threshold with all-MiniLM-L6-v2 (the gateway's model and
normalisation); a *verified* hit also passes ``routeiq.cache.verify`` (with the
tokenizer's ``[UNK]`` spans, as in the gateway). Reported per threshold, before
and after verification:

- false-hit rate: hits among pairs that do NOT mean the same (lower is better),
- recall: hits among pairs that DO mean the same,
- precision: share of hits that are same-meaning pairs.

Data: SICK (Marelli et al., LREC 2014; CC BY-NC-SA 3.0), 9,840 English sentence
pairs with relatedness scores (1-5) and entailment labels, read from the public
copy ``SICK.txt`` of GitHub repository praguna/sick_dataset (commit 6dbe1aa):
fetch it and pass ``--sick PATH`` (default ``$SICK_PATH`` or /tmp/SICK.txt).
Labels used: same meaning = ENTAILMENT with relatedness >= 4.5; different
meaning = CONTRADICTION or NEUTRAL (neither sentence entails the other); the rest
(one-way entailment below 4.5, e.g. "an old man" -> "a man") is left out.
SICK's word swaps ("a lady in front of a crowd" / "a crowd in front of a lady"),
negations ("spectators are (not) watching") and swapped quantities are the
failures the verification targets. The MRPC/STS copies in brmson/dataset-sts and
the Quora pairs in GPTCache's repository are an outside evaluation's held-out data
and are not used.

Split: pairs are cut in blocks of 50 consecutive pair ids (SICK builds several
pairs from one source sentence, and their ids are close), even blocks "tune" (read
while writing the rules), odd blocks "held-out" (only the summary was read). Both
are reported.

Run: ``PYTHONPATH=. .venv/bin/python bench/semantic_cache_quality.py``.
Writes bench/results/semantic_cache_quality.json and .png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import plot_path, save, table
from routeiq.cache.embedder import Embedder, load_model
from routeiq.cache.keys import semantic_text
from routeiq.cache.semantic import DEFAULT_THRESHOLD
from routeiq.cache.verify import Facts, disagreement

THRESHOLDS = [0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99]
BLOCK = 50


@dataclass(frozen=True, slots=True)
class Pair:
    pid: int
    a: str
    b: str
    same: bool

    @property
    def split(self) -> str:
        return "tune" if (self.pid // BLOCK) % 2 == 0 else "held-out"


def load_sick(path: Path) -> list[Pair]:
    pairs = []
    with path.open(encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5:
                continue
            pid, a, b, score, label = int(cols[0]), cols[1], cols[2], float(cols[3]), cols[4]
            if label == "ENTAILMENT" and score >= 4.5:
                pairs.append(Pair(pid, a, b, True))
            elif label in ("CONTRADICTION", "NEUTRAL"):
                pairs.append(Pair(pid, a, b, False))
    return pairs


def norm(text: str) -> str:
    # The gateway embeds the last user turn, whitespace collapsed (routeiq.cache.keys).
    out = semantic_text([{"role": "user", "content": text}])
    return out or text


def rates(
    pairs: list[Pair], sims: np.ndarray, verdicts: list[str | None], t: float, verify: bool
) -> dict[str, Any]:
    same = np.array([p.same for p in pairs])
    hit = sims >= t
    if verify:
        hit = hit & np.array([v is None for v in verdicts])
    n_same, n_diff = int(same.sum()), int((~same).sum())
    true_hits, false_hits = int((hit & same).sum()), int((hit & ~same).sum())
    return {
        "threshold": t,
        "verify": verify,
        "false_hit_rate": false_hits / n_diff if n_diff else 0.0,
        "recall": true_hits / n_same if n_same else 0.0,
        "precision": true_hits / (true_hits + false_hits) if true_hits + false_hits else 1.0,
        "false_hits": false_hits,
        "true_hits": true_hits,
        "same_pairs": n_same,
        "different_pairs": n_diff,
    }


def encode_all(
    embedder: Embedder, texts: list[str], source: Path, runtime: str = "torch"
) -> np.ndarray:
    """All texts' vectors; kept beside the data (re-runs while reading rules are quick)."""
    import hashlib

    digest = hashlib.blake2b("\n".join(texts).encode(), digest_size=8).hexdigest()
    cached = source.with_name(f"{source.stem}.minilm-{runtime}.{digest}.npy")
    if cached.exists():
        out: np.ndarray = np.load(cached)
        return out
    out = np.concatenate(
        [embedder.encode_sync(texts[i : i + 64]) for i in range(0, len(texts), 64)]
    )
    try:
        np.save(cached, out)
    except OSError:
        pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sick", default=os.environ.get("SICK_PATH", "/tmp/SICK.txt"))
    ap.add_argument("--show", choices=["tune", "held-out"], help="print remaining errors")
    ap.add_argument("--runtime", default="torch", choices=["torch", "onnx", "onnx-int8"])
    args = ap.parse_args()
    pairs = load_sick(Path(args.sick))
    embedder = Embedder(model=load_model(runtime=args.runtime))
    texts = sorted({norm(t) for p in pairs for t in (p.a, p.b)})
    t0 = time.perf_counter()
    index = {t: i for i, t in enumerate(texts)}
    vectors = encode_all(embedder, texts, Path(args.sick), args.runtime)
    facts: list[Facts] = []
    for i in range(0, len(texts), 256):
        facts.extend(embedder.facts_sync(texts[i : i + 256]))
    encode_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sims = np.array([float(vectors[index[norm(p.a)]] @ vectors[index[norm(p.b)]]) for p in pairs])
    verdicts = [disagreement(facts[index[norm(p.b)]], facts[index[norm(p.a)]]) for p in pairs]
    verify_us = (time.perf_counter() - t0) / len(pairs) * 1e6

    results: dict[str, list[dict[str, Any]]] = {}
    rejected: dict[str, dict[str, dict[str, int]]] = {}
    for split in ("tune", "held-out"):
        idx = [i for i, p in enumerate(pairs) if p.split == split]
        sub = [pairs[i] for i in idx]
        s_sims, s_verd = sims[idx], [verdicts[i] for i in idx]
        rows = []
        for t in THRESHOLDS:
            for verify in (False, True):
                rows.append(rates(sub, s_sims, s_verd, t, verify))
        results[split] = rows
        at = s_sims >= DEFAULT_THRESHOLD
        counts: dict[str, dict[str, int]] = {"same": {}, "different": {}}
        for p, above, v in zip(sub, at, s_verd, strict=True):
            if above and v is not None:
                bucket = counts["same" if p.same else "different"]
                bucket[v] = bucket.get(v, 0) + 1
        rejected[split] = counts
        print(f"\n== SICK {split}: {len(sub)} pairs ==")
        print(
            table(
                [
                    {
                        "threshold": r["threshold"],
                        "verify": "on" if r["verify"] else "off",
                        "false_hit_%": 100 * r["false_hit_rate"],
                        "recall_%": 100 * r["recall"],
                        "precision_%": 100 * r["precision"],
                        "false_hits": r["false_hits"],
                        "true_hits": r["true_hits"],
                    }
                    for r in rows
                ],
                [
                    "threshold",
                    "verify",
                    "false_hit_%",
                    "recall_%",
                    "precision_%",
                    "false_hits",
                    "true_hits",
                ],
            )
        )
        print(f"refused at {DEFAULT_THRESHOLD} by rule: {counts}")
        if args.show == split:
            for p, s, v in zip(sub, s_sims, s_verd, strict=True):
                if s >= DEFAULT_THRESHOLD and ((v is None) != p.same):
                    kind = "FALSE HIT" if not p.same else f"LOST ({v})"
                    print(f"{kind} {s:.3f} | {p.a} | {p.b}")

    def at_default(split: str, verify: bool) -> dict[str, Any]:
        return next(
            r
            for r in results[split]
            if r["threshold"] == DEFAULT_THRESHOLD and r["verify"] == verify
        )

    summary = {}
    for split in results:
        off, on = at_default(split, False), at_default(split, True)
        summary[split] = {
            "false_hit_rate_off": off["false_hit_rate"],
            "false_hit_rate_on": on["false_hit_rate"],
            "recall_off": off["recall"],
            "recall_on": on["recall"],
            "recall_kept": on["recall"] / off["recall"] if off["recall"] else 0.0,
            "precision_off": off["precision"],
            "precision_on": on["precision"],
        }
    print(f"\nat threshold {DEFAULT_THRESHOLD}:")
    for split, s in summary.items():
        print(
            f"  {split}: false-hit {100 * s['false_hit_rate_off']:.2f}% -> "
            f"{100 * s['false_hit_rate_on']:.2f}% (target <= 0.3%), recall "
            f"{100 * s['recall_off']:.1f}% -> {100 * s['recall_on']:.1f}% "
            f"({100 * s['recall_kept']:.0f}% kept, target >= 80%), precision "
            f"{100 * s['precision_off']:.1f}% -> {100 * s['precision_on']:.1f}%"
        )
    print(f"encode {len(texts)} texts: {encode_s:.1f} s; verification {verify_us:.1f} us/pair")
    save(
        "semantic_cache_quality" + ("" if args.runtime == "torch" else "_" + args.runtime),
        {
            "runtime": args.runtime,
            "data": "SICK (praguna/sick_dataset SICK.txt @6dbe1aa)",
            "labels": "same: ENTAILMENT & relatedness>=4.5; different: CONTRADICTION or NEUTRAL",
            "default_threshold": DEFAULT_THRESHOLD,
            "summary": summary,
            "rejected_at_default": rejected,
            "verify_us_per_pair": verify_us,
            "sweep": results,
        },
    )
    plot(results, "" if args.runtime == "torch" else "_" + args.runtime)


def plot(results: dict[str, list[dict[str, Any]]], suffix: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, (split, rows) in zip(axes, results.items(), strict=True):
        for verify, style in ((False, "--"), (True, "-")):
            sel = [r for r in rows if r["verify"] == verify]
            label = "verified" if verify else "threshold only"
            ax.plot(
                [100 * r["false_hit_rate"] for r in sel],
                [100 * r["recall"] for r in sel],
                style,
                marker="o",
                label=label,
            )
            for r in sel:
                if r["threshold"] in (0.85, 0.9, 0.95, 0.98):
                    ax.annotate(
                        f"{r['threshold']:.2f}",
                        (100 * r["false_hit_rate"], 100 * r["recall"]),
                        fontsize=7,
                    )
        ax.set_xscale("symlog", linthresh=0.1)
        ax.axvline(0.3, color="grey", lw=0.8, ls=":")
        ax.set_title(f"SICK {split}")
        ax.set_xlabel("false-hit rate on different-meaning pairs (%)")
        ax.legend()
    axes[0].set_ylabel("recall on same-meaning pairs (%)")
    fig.suptitle("semantic cache: threshold sweep, before/after verification")
    fig.tight_layout()
    fig.savefig(plot_path("semantic_cache_quality" + suffix), dpi=110)


if __name__ == "__main__":
    main()
