"""The written emotional-pressure and one-liner corpus (``bench/guard_corpus_emotional.py``,
issue #14): each attack family and its twins are one group in one split, benign twins
outnumber the attacks and share their frames, every placeholder is filled, no
well-known jailbreak name, excluded source or test hard negative is in it, and it is
appended after every earlier source (so no earlier sample changes split)."""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from guard_corpus import EXCLUDED, Sample, split_of
from guard_corpus_emotional import (
    EMOTIONAL_SOURCES,
    GROUP_PREFIX,
    build_emotional,
    families,
    typed,
)
from guard_corpus_persona import forbidden_name_hits
from guard_emotional_phrases import PAYLOADS
from guard_hard_negatives import injection_hard_negatives
from guard_hard_negatives_dev import injection_hard_negatives_dev


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    return build_emotional()


def test_each_attack_family_and_its_twins_are_one_group_in_one_split(
    samples: list[Sample],
) -> None:
    fams = families()
    names = [f.name for f in fams]
    assert len(names) == len(set(names))
    attacks = {f.name for f in fams if f.label}
    assert all(f.twin_of in attacks for f in fams if not f.label)  # every twin names its attack
    assert not [f for f in fams if f.label and f.twin_of]
    splits: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[int]] = defaultdict(set)
    for s in samples:
        assert s.group.startswith(GROUP_PREFIX) and s.group != s.text
        assert s.source.startswith(EMOTIONAL_SOURCES)
        assert s.source.endswith("attacks (written)" if s.label else "benign twins (written)")
        splits[s.group].add(split_of(s))
        labels[s.group].add(s.label)
    assert set(splits) == {GROUP_PREFIX + n for n in attacks}
    assert all(len(v) == 1 for v in splits.values())
    paired = [g for g, v in labels.items() if v == {0, 1}]
    assert len(paired) >= 40  # most attack families have twins in their split
    by_split: dict[tuple[int, str], set[str]] = defaultdict(set)
    for s in samples:
        by_split[(s.label, split_of(s))].add(s.group)
    for label in (0, 1):
        for split in ("train", "calib", "test"):
            assert by_split[(label, split)], (label, split)


def test_roles_languages_and_balance(samples: list[Sample]) -> None:
    roles = Counter((s.role, s.label) for s in samples)
    assert set(roles) == {("user", 0), ("user", 1), ("system", 0)}  # app prompts: benign
    attacks = [s for s in samples if s.label]
    assert len(samples) - len(attacks) >= len(attacks) >= 1000
    langs = {f.lang for f in families()}
    assert langs == {"en", "es", "fr", "de", "pt"}
    for lang in langs:  # attacks and twins in every language
        assert {f.label for f in families() if f.lang == lang} == {0, 1}
    kinds = Counter((f.kind, f.label) for f in families())
    assert min(kinds.values()) >= 8, kinds


def test_placeholders_filled_texts_unique_and_deterministic(samples: list[Sample]) -> None:
    assert not [s.text for s in samples if re.search(r"\{\w+\}", s.text)]
    assert len({s.text for s in samples}) == len(samples)
    assert [s.text for s in build_emotional()] == [s.text for s in samples]
    # Attacker payloads appear in attacks only; twins carry ordinary requests.
    payloads = {p.lower() for pays in PAYLOADS.values() for p in pays}
    benign = " ".join(s.text.lower() for s in samples if not s.label)
    assert not [p for p in payloads if p in benign]


def test_twins_share_the_attack_frames(samples: list[Sample]) -> None:
    texts = {
        label: " ".join(s.text.lower() for s in samples if s.label == label) for label in (0, 1)
    }
    for words in (
        "passed away", "is dying in hospital", "i'm desperate", "from now on", "no rules",
        "filter", "policy doesn't exist", "bedtime story", "begging", "you're the smartest",
        "unfiltered", "nobody will know", "sin reglas", "sans règles", "ohne regeln", "sem regras",
    ):  # fmt: skip
        assert words in texts[0], words
    for words in ("passed away", "is dying in hospital", "from now on", "no rules", "filter"):
        assert words in texts[1], words


def test_registers_are_the_same_for_both_labels(samples: list[Sample]) -> None:
    import random

    rng = random.Random(1)
    assert (
        typed("Please help me, you are great.", "lower", "en", rng)
        == "please help me, you are great"
    )
    assert typed("Ma grand-mère.", "typo", "fr", rng) == "ma grand-mere."
    lower = {
        label: sum(s.text == s.text.lower() for s in samples if s.label == label)
        for label in (0, 1)
    }
    assert lower[0] > 200 and lower[1] > 200


def test_no_forbidden_names_sources_or_hard_negatives(samples: list[Sample]) -> None:
    assert not [s.text for s in samples if forbidden_name_hits(s.text)]
    assert not [s for s in samples if any(x in s.source.lower() for x in EXCLUDED)]
    hard = {h.text.strip() for h in [*injection_hard_negatives(), *injection_hard_negatives_dev()]}
    assert not {s.text.strip() for s in samples} & hard


def test_appended_after_every_earlier_source() -> None:
    import guard_corpus

    source = Path(guard_corpus.__file__).read_text()
    build = source[source.index("def build(") :]
    assert build.index("build_emotional()") > build.index("build_more()")
