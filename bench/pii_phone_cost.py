"""What the numbering-plan phone check costs the PII guardrail (issue #14).

Same run, same guardrail (``PIIGuardrail()`` defaults), times per message scan:

- ordinary chat text (Faker paragraphs, few digits): the baseline;
- PII-heavy text: four phone numbers of different countries, an e-mail, a card
  and an order number per message, every phone number new (cold verdict cache:
  each candidate reaches ``phonenumbers``), and the same texts again (warm cache);
- one ``PhoneJudge.judge`` call per candidate, cold and cached;
- start-up: importing phonenumbers and loading every region's metadata, in a
  fresh interpreter (paid once in ``PIIGuardrail.__init__``, never by a request).

Run: ``.venv/bin/python bench/pii_phone_cost.py``; writes
bench/results/pii_phone_cost.json and .png. Shared 2-core machine: read the ratios.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routeiq.plugins.guardrails import PIIGuardrail

RESULTS = Path(__file__).resolve().parent / "results"
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "en_IN", "es_ES", "it_IT", "pt_BR")
MESSAGES = 400
SEED = 14


def pii_heavy(count: int) -> list[str]:
    rng = random.Random(SEED)
    fakers = [Faker(locale) for locale in LOCALES]
    for index, fake in enumerate(fakers):
        fake.seed_instance(SEED + index)
    en = fakers[0]
    out = []
    for _ in range(count):
        numbers = [rng.choice(fakers).phone_number() for _ in range(4)]
        out.append(
            f"Hi, I'm {en.name()}. Call me on {numbers[0]} or my office {numbers[1]}; "
            f"my partner is on {numbers[2]}, fax {numbers[3]}. Email {en.email()}, card "
            f"{en.credit_card_number('visa16')}, order #{en.numerify('#######')}. {en.sentence()}"
        )
    return out


def ordinary(count: int) -> list[str]:
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    return [fake.paragraph(nb_sentences=4) for _ in range(count)]


def time_scans(guardrail: PIIGuardrail, texts: list[str]) -> list[float]:
    """Microseconds per ``scan`` of each text."""
    out = []
    for text in texts:
        started = time.perf_counter_ns()
        guardrail.scan(text)
        out.append((time.perf_counter_ns() - started) / 1000)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_us": round(statistics.median(ordered), 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99) - 1], 1),
        "mean_us": round(statistics.fmean(ordered), 1),
    }


def startup_ms() -> dict[str, float]:
    code = (
        "import time; t0 = time.perf_counter(); import phonenumbers; t1 = time.perf_counter();"
        "from routeiq.plugins.guardrails.phones import PhoneJudge; t2 = time.perf_counter();"
        "PhoneJudge(); t3 = time.perf_counter();"
        "print((t1 - t0) * 1e3, (t3 - t2) * 1e3)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    return {
        "import_phonenumbers_ms": round(min(r[0] for r in runs), 1),
        "judge_init_load_all_metadata_ms": round(min(r[1] for r in runs), 1),
    }


def main() -> None:
    load_before = os.getloadavg()[0]
    heavy, plain = pii_heavy(MESSAGES), ordinary(MESSAGES)
    guardrail = PIIGuardrail()
    guardrail.scan(plain[0])  # warm the regex engine, not the phone cache
    guardrail.phones.clear()
    plain_us = time_scans(guardrail, plain)
    cold_us = time_scans(guardrail, heavy)
    warm_us = time_scans(guardrail, heavy)
    candidates = [c for text in heavy for c in (m.group() for m in _phone_candidates(text))]
    guardrail.phones.clear()
    judge_cold, judge_warm = [], []
    for candidate in candidates:
        started = time.perf_counter_ns()
        guardrail.phones.judge(candidate)
        judge_cold.append((time.perf_counter_ns() - started) / 1000)
    for candidate in candidates:
        started = time.perf_counter_ns()
        guardrail.phones.judge(candidate)
        judge_warm.append((time.perf_counter_ns() - started) / 1000)
    report = {
        "messages": MESSAGES,
        "mean_chars": {
            "ordinary": round(statistics.fmean(len(t) for t in plain), 1),
            "pii_heavy": round(statistics.fmean(len(t) for t in heavy), 1),
        },
        "scan_ordinary": summary(plain_us),
        "scan_pii_heavy_cold": summary(cold_us),
        "scan_pii_heavy_warm": summary(warm_us),
        "judge_candidates": len(candidates),
        "judge_cold": summary(judge_cold),
        "judge_warm": summary(judge_warm),
        "startup": startup_ms(),
        "phone_regions": list(guardrail.settings.phone_regions),
        "loadavg_1m": {"before": load_before, "after": os.getloadavg()[0]},
        "cores": os.cpu_count(),
    }
    base = report["scan_ordinary"]["p50_us"]
    print(f"{'case':28} {'p50 us':>9} {'p99 us':>9} {'p50 / ordinary':>15}")
    for name in ("scan_ordinary", "scan_pii_heavy_cold", "scan_pii_heavy_warm"):
        row = report[name]
        print(f"{name:28} {row['p50_us']:9.1f} {row['p99_us']:9.1f} {row['p50_us'] / base:15.2f}")
    for name in ("judge_cold", "judge_warm"):
        row = report[name]
        print(f"{name + ' (per candidate)':28} {row['p50_us']:9.1f} {row['p99_us']:9.1f}")
    print(f"start-up: {report['startup']} (once, in PIIGuardrail.__init__)")
    print(f"load average before/after: {report['loadavg_1m']}, cores {report['cores']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pii_phone_cost.json").write_text(json.dumps(report, indent=1))
    plot(report, RESULTS / "pii_phone_cost.png")
    print(f"wrote {RESULTS / 'pii_phone_cost.json'} and .png")


def _phone_candidates(text: str):  # type: ignore[no-untyped-def]
    from routeiq.plugins.guardrails.pii import _PHONE_RE

    return _PHONE_RE.finditer(text)


def plot(report: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = ["scan_ordinary", "scan_pii_heavy_cold", "scan_pii_heavy_warm"]
    p50 = [report[n]["p50_us"] for n in names]  # type: ignore[index]
    p99 = [report[n]["p99_us"] for n in names]  # type: ignore[index]
    fig, ax = plt.subplots(figsize=(7, 4))
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], p50, 0.4, label="p50")
    ax.bar([x + 0.2 for x in xs], p99, 0.4, label="p99")
    ax.set_xticks(list(xs), ["ordinary", "PII-heavy, cold", "PII-heavy, warm"])
    ax.set_ylabel("microseconds per message scan")
    ax.set_title("PII guardrail scan with numbering-plan phone check")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
