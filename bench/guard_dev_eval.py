"""Compare candidate injection models on development data only (never the test split).

Reads the calib split of ``guard_corpus`` (where the thresholds are chosen) and
the development hard negatives of ``guard_hard_negatives_dev``; prints direct
recall and false positives (all benign user texts, real users' prompts, each
benign source), indirect recall and false positives, and the dev hard
negatives, for the shipped n-gram model, (``--embedding``) the shipped
embedding head and (``--transformer``) the transformer model as the gateway
serves it (the corpus then includes ``guard_corpus_semantic``'s sources, as
with ``--semantic``). ``bench/guardrail_quality.py`` is the one that reads the test
split; this script exists so that choosing between candidates does not.

Run: ``PYTHONPATH=. python bench/guard_dev_eval.py [--embedding] [--transformer] [--show]
[--ngram-previous NPZ]`` (the written families of ``guard_corpus_persona`` and
``guard_corpus_emotional`` are reported one by one, and direct recall on the sources
before them apart; the multilingual sources of ``guard_corpus_multilingual`` by
language; the suffix styles and twin kinds of ``guard_corpus_gcg`` one by one).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from guard_corpus import Sample, build, split_of
from guard_corpus_discussion import DISCUSSION_PREFIX
from guard_corpus_emotional import EMOTIONAL_SOURCES
from guard_corpus_gcg import GCG_SOURCES
from guard_corpus_multilingual import MULTILINGUAL_SOURCES, language_of
from guard_corpus_persona import PERSONA_SOURCES
from guard_hard_negatives import Hard
from guard_hard_negatives_dev import injection_hard_negatives_dev
from train_injection_model import DIRECT_FP, NGRAM_INDIRECT_FP, REAL_USER_FP, threshold_at

from routeiq.plugins.guardrails import InjectionGuardrail
from routeiq.plugins.guardrails.learned import InjectionModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding", action="store_true", help="also the embedding head")
    parser.add_argument("--show", action="store_true", help="print the dev errors")
    parser.add_argument(
        "--transformer", action="store_true", help="also the transformer model (as served)"
    )
    parser.add_argument(
        "--transformer-previous",
        type=Path,
        metavar="ADAPTER",
        help="also this adapter file (e.g. the previous transformer version), same run",
    )
    parser.add_argument(
        "--semantic", action="store_true", help="the corpus with guard_corpus_semantic's sources"
    )
    parser.add_argument(
        "--ngram-previous",
        type=Path,
        metavar="NPZ",
        help="also this n-gram model file (e.g. the previous version), same run",
    )
    args = parser.parse_args()
    guard = InjectionGuardrail()
    corpus = build(semantic=args.semantic or args.transformer or bool(args.transformer_previous))
    calib = [s for s in corpus if split_of(s) == "calib" and s.role != "system"]
    hard = injection_hard_negatives_dev()

    def verdict(text: str, role: str) -> bool:
        v = guard.check(text)
        return guard.for_kind(v, guard.role_kind(role), text).triggered

    flags = {"ngram": [verdict(s.text, s.role) for s in calib]}
    hard_flags = {"ngram": [verdict(h.text, h.role) for h in hard]}
    versions = {"ngram": guard.model.version if guard.model else "-"}
    if args.ngram_previous:
        old = InjectionGuardrail(model=InjectionModel.load(args.ngram_previous))

        def old_verdict(text: str, role: str) -> bool:
            return old.for_kind(old.check(text), old.role_kind(role), text).triggered

        flags["ngram_previous"] = [old_verdict(s.text, s.role) for s in calib]
        hard_flags["ngram_previous"] = [old_verdict(h.text, h.role) for h in hard]
        versions["ngram_previous"] = old.model.version if old.model else "-"
    if args.ngram_previous:
        matched(calib, hard, {"ngram": guard, "ngram_previous": old})
    if args.embedding:
        from guard_embeddings import embeddings

        from routeiq.plugins.guardrails.embedding_head import default_head, with_embedding

        head = default_head()
        users = [s.text for s in calib if s.role == "user"]
        vectors = iter(embeddings(users))
        flags["embedding"] = [
            with_embedding(guard, head, s.text, next(vectors)).triggered if s.role == "user" else f
            for s, f in zip(calib, flags["ngram"], strict=True)
        ]
        hv = embeddings([h.text for h in hard])
        hard_flags["embedding"] = [
            with_embedding(guard, head, h.text, v).triggered for h, v in zip(hard, hv, strict=True)
        ]
    if args.transformer:
        from guard_transformer_eval import transformer_judge

        # As served (scope uncertain: the stacking's band) and on every text.
        scopes: tuple[tuple[str, Literal["uncertain", "all"]], ...] = (
            ("transformer", "uncertain"),
            ("transformer_all", "all"),
        )
        for name, scope in scopes:
            judge = transformer_judge(scope=scope, cache=True)
            flags[name] = [
                v.triggered for v in judge([s.text for s in calib], [s.role for s in calib])
            ]
            hard_flags[name] = [
                v.triggered for v in judge([h.text for h in hard], [h.role for h in hard])
            ]
    if args.transformer_previous:
        from guard_transformer_eval import transformer_judge

        previous = transformer_judge(adapter=args.transformer_previous, cache=True)
        flags["transformer_previous"] = [
            v.triggered for v in previous([s.text for s in calib], [s.role for s in calib])
        ]
        hard_flags["transformer_previous"] = [
            v.triggered for v in previous([h.text for h in hard], [h.role for h in hard])
        ]
    for name, got in flags.items():
        print(f"== {name} (n-gram model {versions.get(name, versions['ngram'])})")
        for role, kind in (("user", "direct"), ("tool", "indirect")):
            pos = [f for s, f in zip(calib, got, strict=True) if s.role == role and s.label]
            neg = [f for s, f in zip(calib, got, strict=True) if s.role == role and not s.label]
            print(f"calib {kind}: recall {sum(pos) / len(pos):.4f} (n={len(pos)})"
                  f"  fp {sum(neg) / len(neg):.4f} ({sum(neg)} of {len(neg)})")  # fmt: skip
        by_source: dict[str, list[bool]] = defaultdict(list)
        older: list[bool] = []  # direct attacks of the sources before the persona corpus
        for s, f in zip(calib, got, strict=True):
            by_source[f"{s.label} {s.role} {s.source}"].append(f)
            if s.source.startswith(PERSONA_SOURCES + EMOTIONAL_SOURCES):  # and per family
                by_source[f"{s.label} {s.role} {s.group}"].append(f)
            elif s.source.startswith(MULTILINGUAL_SOURCES):  # and per language
                by_source[f"{s.label} {s.role} {s.source} [{language_of(s)}]"].append(f)
            elif s.source.startswith(DISCUSSION_PREFIX):  # per written family / paper / doc
                if "written" in s.source:
                    by_source[f"{s.label} {s.role} {s.group}"].append(f)
            elif s.source.startswith(GCG_SOURCES):  # per suffix style / material kind
                by_source[f"{s.label} {s.role} {s.group}"].append(f)
            elif s.label and s.role == "user":
                older.append(f)
        if older:
            print(f"calib direct, sources before the persona and discussion corpora: recall"
                  f" {sum(older) / len(older):.4f} (n={len(older)})")  # fmt: skip
        for key, values in sorted(by_source.items()):
            if key.startswith("0") and (sum(values) or "multilingual" in key):
                print(f"   fp {sum(values):>3} of {len(values):<5} {key}")
            if key.startswith("1"):
                print(f"   recall {sum(values) / len(values):.3f} n={len(values):<5} {key}")
        hf = hard_flags[name]
        print(f"dev hard negatives: {sum(hf)} of {len(hf)} ({sum(hf) / len(hf):.3f})")
        if args.show:
            for h, f in zip(hard, hf, strict=True):
                if f:
                    print(f"   [hard fp] {h.kind}: {h.text[:120]!r}")
            for s, f in zip(calib, got, strict=True):
                if f != bool(s.label) and (s.role == "user" or not s.label):
                    print(f"   [{'miss' if s.label else 'fp'}] {s.source}: {s.text[:160]!r}")


def matched(calib: list[Sample], hard: list[Hard], guards: dict[str, InjectionGuardrail]) -> None:
    """Direct recall of n-gram models at the *same* calib false-positive rate, each at
    its own score threshold: <= 0.75% of the benign user texts (all, or all but the
    written persona twins) and <= 1% of the AlpacaEval prompts, as training chooses it.
    "Older sources" are those before the persona and discussion corpora."""
    users = [s for s in calib if s.role == "user"]
    y = np.array([s.label for s in users])
    twin = np.array([s.source.startswith(PERSONA_SOURCES) for s in users])
    ml = np.array([s.source.startswith(MULTILINGUAL_SOURCES) for s in users])
    disc = np.array([s.source.startswith(DISCUSSION_PREFIX) for s in users])
    emo = np.array([s.source.startswith(EMOTIONAL_SOURCES) for s in users])
    alpaca = np.array([s.source.startswith("alpaca_eval") for s in users])
    gcg = np.array([s.source.startswith(GCG_SOURCES) for s in users])
    for name, guard in guards.items():
        score = np.array([guard.check(s.text).score for s in users])
        hard_score = np.array([guard.check(h.text).score for h in hard if h.role == "user"])
        for title, benign in (("all benign", y == 0), ("benign without twins", (y == 0) & ~twin)):
            cut = max(threshold_at(score[benign], y[benign], DIRECT_FP),
                      threshold_at(score[alpaca], y[alpaca], REAL_USER_FP))  # fmt: skip
            hit = score >= cut
            old = ~twin & ~disc & ~ml & ~gcg & ~emo

            def fp(mask: np.ndarray, hit: np.ndarray = hit) -> str:
                return f"{int(hit[(y == 0) & mask].sum())} of {int(((y == 0) & mask).sum())}"

            print(f"== {name} at the same FP ({title}): threshold {cut:.3f}, older-source"
                  f" recall {hit[(y == 1) & old].mean():.4f} (n={int(((y == 1) & old).sum())}),"
                  f" persona {hit[(y == 1) & twin].mean():.4f},"
                  f" multilingual {hit[(y == 1) & ml].mean():.4f},"
                  f" discussion twins {hit[(y == 1) & disc].mean():.4f},"
                  f" gcg-style {hit[(y == 1) & gcg].mean():.4f},"
                  f" emotional {hit[(y == 1) & emo].mean():.4f}; FP older sources"
                  f" {fp(old)}, persona twins {fp(twin)}, multilingual {fp(ml)},"
                  f" discussion {fp(disc)}, gcg twins {fp(gcg)}, emotional {fp(emo)},"
                  f" dev hard {int((hard_score >= cut).sum())} of {len(hard_score)}")  # fmt: skip
    # Indirect (tool texts) at the same FP, on all benign tool texts and on those
    # before the discussion corpus (its documents about attacks are the hard ones).
    tools = [s for s in calib if s.role == "tool"]
    yt = np.array([s.label for s in tools])
    dt = np.array([s.source.startswith(DISCUSSION_PREFIX) for s in tools])
    before, disc_benign = (yt == 0) & ~dt, (yt == 0) & dt
    for name, guard in guards.items():
        score = np.array([guard.check(s.text).score for s in tools])
        for title, benign in (
            ("all benign", yt == 0),
            ("benign before discussion", before),
        ):
            cut = threshold_at(score[benign], yt[benign], NGRAM_INDIRECT_FP)
            hit = score >= cut
            print(f"== {name} indirect at the same FP ({title}): threshold {cut:.3f}, recall older"
                  f" {hit[(yt == 1) & ~dt].mean():.4f} (n={int(((yt == 1) & ~dt).sum())}),"
                  f" discussion twins {hit[(yt == 1) & dt].mean():.4f}; FP older"
                  f" {int(hit[before].sum())} of {int(before.sum())}, discussion"
                  f" {int(hit[disc_benign].sum())} of {int(disc_benign.sum())}")  # fmt: skip


if __name__ == "__main__":
    main()
