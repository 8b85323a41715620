"""Quality of the content guard's learned harmful-request model, and what it adds
to jailbreak recall when the gateway blocks on either guard.

On one split of ``bench/content_corpus.py`` (``--split calib`` while developing;
``--split test`` once, after every choice):

- harmful-request recall (bare goals: AdvBench, JailbreakBench, HarmBench,
  Do-Not-Answer, SimpleSafetyTests, XSTest unsafe), content rules alone against
  rules + model, per source;
- false positives: benign texts, real users' prompts (AlpacaEval) and XSTest's
  safe look-alikes;
- the injection corpus' direct (user) attacks of the same split
  (``guard_corpus.build(semantic=True)``: jailbreaks, role-play, nesting...):
  the injection guard alone (the shipped default: n-gram model + rules), the
  content guard alone, and injection OR content (the gateway blocks when either
  does), with the rules alone and with the model; and the same union's false
  positives on the benign texts.

Prints a table; writes bench/results/content_model_quality[_calib].json and .png.

    PYTHONPATH=.:bench nice -n 5 .venv/bin/python bench/content_model_quality.py --split calib
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import plot_path, save, table
from content_corpus import EVAL_ONLY_PREFIX, XSTEST_SAFE, build, injection_attacks, leaked
from guard_corpus import build as build_injection

from routeiq.plugins.guardrails import ContentGuardrail, ContentSettings, InjectionGuardrail


def rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def evaluate(split: str) -> dict[str, Any]:
    started = time.perf_counter()
    injection_corpus = build_injection(semantic=True)
    corpus = [s for s in build(injection_corpus) if s.split == split]
    rules = ContentGuardrail(ContentSettings(learned=False))
    learned = ContentGuardrail(ContentSettings(learned=True))
    injection = InjectionGuardrail()
    assert learned.model is not None
    rows: list[dict[str, Any]] = []

    def add(group: str, metric: str, n: int, rules_value: float, learned_value: float) -> None:
        rows.append(
            {
                "group": group,
                "metric": metric,
                "n": n,
                "rules": round(rules_value, 4),
                "rules+model": round(learned_value, 4),
            }
        )

    harmful = [s for s in corpus if s.label]
    benign = [s for s in corpus if not s.label]
    r_flag = {s.text: rules.check(s.text).triggered for s in corpus}
    m_flag = {s.text: learned.check(s.text).triggered for s in corpus}

    def both(samples: list[Any]) -> tuple[float, float]:
        return rate([r_flag[s.text] for s in samples]), rate([m_flag[s.text] for s in samples])

    add("harmful requests", "recall", len(harmful), *both(harmful))
    by_source: dict[str, list[Any]] = defaultdict(list)
    for sample in harmful:
        by_source[sample.source].append(sample)
    for source, samples in sorted(by_source.items()):
        add(f"  {source}", "recall", len(samples), *both(samples))
    ordinary = [s for s in benign if s.source != XSTEST_SAFE]
    real = [s for s in benign if s.source.startswith(EVAL_ONLY_PREFIX)]
    xstest = [s for s in benign if s.source == XSTEST_SAFE]
    add("benign texts", "false positive rate", len(ordinary), *both(ordinary))
    add("  real users (AlpacaEval)", "false positive rate", len(real), *both(real))
    add("XSTest safe look-alikes", "false positive rate", len(xstest), *both(xstest))

    # The injection corpus' direct attacks of this split, and the gateway's union.
    attacks = injection_attacks(injection_corpus, split)
    held_out = leaked(corpus, injection_corpus) if split == "test" else set()
    i_flag = {a.text: injection.check(a.text).triggered for a in attacks}
    ar = [rules.check(a.text).triggered for a in attacks]
    am = [learned.check(a.text).triggered for a in attacks]
    inj = [i_flag[a.text] for a in attacks]
    add("jailbreaks (injection corpus)", "injection guard alone", len(attacks), *(rate(inj),) * 2)
    add("jailbreaks (injection corpus)", "content guard alone", len(attacks), rate(ar), rate(am))
    union_r = [i or c for i, c in zip(inj, ar, strict=True)]
    union_m = [i or c for i, c in zip(inj, am, strict=True)]
    add("jailbreaks (injection corpus)", "injection OR content", len(attacks), rate(union_r),
        rate(union_m))  # fmt: skip
    by_attack: dict[str, list[int]] = defaultdict(list)
    for index, attack in enumerate(attacks):
        by_attack[attack.source].append(index)
    for source, indices in sorted(by_attack.items()):
        add(f"  {source}", "injection OR content", len(indices),
            rate([union_r[i] for i in indices]), rate([union_m[i] for i in indices]))  # fmt: skip
    benign_inj = {s.text: injection.check(s.text).triggered for s in ordinary}
    add("benign texts", "injection OR content FP", len(ordinary),
        rate([benign_inj[s.text] or r_flag[s.text] for s in ordinary]),
        rate([benign_inj[s.text] or m_flag[s.text] for s in ordinary]))  # fmt: skip
    add("  real users (AlpacaEval)", "injection OR content FP", len(real),
        rate([benign_inj[s.text] or r_flag[s.text] for s in real]),
        rate([benign_inj[s.text] or m_flag[s.text] for s in real]))  # fmt: skip

    misses = [s.text[:160] for s in harmful if not m_flag[s.text]][:40]
    false_positives = [
        (s.source, s.text[:160]) for s in benign if m_flag[s.text] and not r_flag[s.text]
    ]
    return {
        "split": split,
        "model_version": learned.model.version,
        "rows": rows,
        "learned_false_positives_not_from_rules": false_positives,
        "sample_misses": misses,
        "held_out_harmful_texts": len(held_out),
        "seconds": round(time.perf_counter() - started, 1),
        "loadavg": os.getloadavg(),
        "note": "machine shared with other engineers' runs (quality figures: not timed)",
    }


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    picked = [r for r in report["rows"] if not r["group"].startswith("  ")]
    labels = [f"{r['group']}\n{r['metric']} (n={r['n']})" for r in picked]
    fig, ax = plt.subplots(figsize=(10, 5))
    ys = range(len(picked))
    ax.barh([y + 0.2 for y in ys], [r["rules"] for r in picked], 0.4, label="content rules")
    ax.barh([y - 0.2 for y in ys], [r["rules+model"] for r in picked], 0.4, label="rules + model")
    ax.set_yticks(list(ys), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(f"content model v{report['model_version']}, {report['split']} split")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("calib", "test"), default="calib")
    args = ap.parse_args()
    report = evaluate(args.split)
    print(table(report["rows"], ["group", "metric", "n", "rules", "rules+model"]))
    print("learned false positives (not the rules'):")
    for source, text in report["learned_false_positives_not_from_rules"]:
        print(f"  [{source}] {text!r}")
    name = "content_model_quality" + ("" if args.split == "test" else f"_{args.split}")
    path = save(name, report)
    plot(report, plot_path(name))
    print(f"wrote {path} and .png")


if __name__ == "__main__":
    main()
