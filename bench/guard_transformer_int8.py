"""fp32 against int8: the transformer's merged graph on a sample of the calib split.

Both graphs are exported from the same adapter (``tf_scorer.ensure_graph``); a fixed
random sample of the calib split's scanned texts (never the test split) is scored by
each. Prints the logits' agreement (correlation, largest difference), direct and
indirect recall of the transformer alone at the calib false-positive rules
(<= 0.75% of benign user texts, <= 1% of benign tool texts), and the time per text.

Run: ``PYTHONPATH=. python bench/guard_transformer_int8.py [--sample 800]``; writes
bench/results/guard_transformer_int8.json and .png.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import build, split_of
from train_injection_model import DIRECT_FP, INDIRECT_FP, threshold_at
from train_transformer_stacking import scorer_for

from routeiq.plugins.guardrails.transformer import TRANSFORMER_PATH

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=800)
    args = ap.parse_args()
    calib = [s for s in build(semantic=True) if split_of(s) == "calib" and s.role != "system"]
    sample = random.Random(5).sample(calib, min(args.sample, len(calib)))
    texts = [s.text for s in sample]
    y = np.array([s.label for s in sample])
    roles = np.array([s.role for s in sample])
    report: dict[str, object] = {"sample": len(sample)}
    logits: dict[str, np.ndarray] = {}
    for variant in ("fp32", "int8"):
        scorer = scorer_for(TRANSFORMER_PATH, int8=variant == "int8")
        started = time.perf_counter()
        logits[variant] = np.concatenate(
            [scorer.logits(texts[i : i + 32]) for i in range(0, len(texts), 32)]
        )
        seconds = time.perf_counter() - started
        row: dict[str, float] = {"ms_per_text": round(1000 * seconds / len(texts), 2)}
        for role, max_fp in (("user", DIRECT_FP), ("tool", INDIRECT_FP)):
            m = roles == role
            cut = threshold_at(logits[variant][m], y[m], max_fp)
            row[f"recall_{role}"] = round(float(np.mean(logits[variant][m & (y == 1)] >= cut)), 4)
        report[variant] = row
    diff = np.abs(logits["fp32"] - logits["int8"])
    report["max_abs_diff"] = round(float(diff.max()), 4)
    report["mean_abs_diff"] = round(float(diff.mean()), 4)
    report["correlation"] = round(float(np.corrcoef(logits["fp32"], logits["int8"])[0, 1]), 5)
    print(json.dumps(report, indent=1))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "guard_transformer_int8.json"
    out.write_text(json.dumps(report, indent=1))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(5, 5))
    axis.scatter(logits["fp32"], logits["int8"], s=4, c=y, cmap="coolwarm")
    axis.set_xlabel("fp32 logit")
    axis.set_ylabel("int8 logit")
    axis.set_title(f"calib sample (n={len(sample)}), r={report['correlation']}")
    fig.tight_layout()
    fig.savefig(out.with_suffix(".png"))
    print(f"wrote {out} and .png")


if __name__ == "__main__":
    main()
