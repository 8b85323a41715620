"""The written Traditional-Chinese and Japanese corpus (``bench/guard_multilingual_cjk.py``,
issue #14): labels, roles and sources; one group per core phrase in one split, none
shared with earlier families; benign twins for every attack kind's surface words; no
well-known jailbreak name, hard negative or test text in it; appended last."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from guard_corpus import split_of
from guard_corpus_persona import forbidden_name_hits
from guard_hard_negatives import injection_hard_negatives
from guard_hard_negatives_dev import injection_hard_negatives_dev
from guard_multilingual_cjk import ATTACK_SOURCE, BENIGN_SOURCE, CJK, build_cjk, families
from guard_multilingual_more import ATTACK_KINDS, build_more
from guard_multilingual_written import build_written

from routeiq.plugins.guardrails.han_fold import load_pairs


def test_labels_roles_sources_and_splits() -> None:
    samples = build_cjk()
    splits: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[int]] = defaultdict(set)
    for s in samples:
        assert s.source == (ATTACK_SOURCE if s.label else BENIGN_SOURCE)
        assert s.role == "user"
        splits[s.group].add(split_of(s))
        labels[s.group].add(s.label)
    assert all(len(v) == 1 for v in splits.values())
    assert all(len(v) == 1 for v in labels.values())
    for tag, _ in CJK:  # attacks of both languages in every split
        got = {split_of(s) for s in samples if s.label and s.group.split()[2] == tag}
        assert got == {"train", "calib", "test"}, tag


def test_one_group_per_core_none_shared_with_older_families() -> None:
    fams = families()
    assert len({core for *_, core in fams}) == len(fams)
    groups = {group for group, *_ in fams}
    assert len(groups) == len(fams)
    older = {s.group for s in build_written()} | {s.group for s in build_more()}
    assert not groups & older
    by_group: dict[str, list[str]] = defaultdict(list)
    for s in build_cjk():
        by_group[s.group].append(s.text)
    assert all(2 <= len(by_group[group]) <= 4 for group in groups)


def test_every_kind_and_benign_trap() -> None:
    for _, lang in CJK:
        assert set(lang.attacks) == set(ATTACK_KINDS), lang.code
        assert {"corrections", "os", "hints", "games", "android", "iphone", "translation"} <= set(
            lang.benign
        )
    benign = " ".join(s.text for s in build_cjk() if s.label == 0)
    for word in ("忽略", "系統", "提示", "規則", "角色", "越獄", "無視", "システム", "プロンプト"):
        assert word in benign, word


def test_traditional_families_are_traditional() -> None:
    """The zh-hant families hold Traditional characters the fold changes."""
    traditional = set(load_pairs())
    for group, _label, _kind, _lang, core in families():
        if group.split()[2] == "zh-hant":
            assert traditional & set(core), core


def test_no_forbidden_names_hard_negatives_or_guard_test_texts() -> None:
    samples = build_cjk()
    assert not [s.text for s in samples if forbidden_name_hits(s.text)]
    hard = {h.text.strip() for h in [*injection_hard_negatives(), *injection_hard_negatives_dev()]}
    assert not {s.text.strip() for s in samples} & hard
    from tests.plugins.guardrails import test_multilingual_guard as guard_tests

    tested = {
        *guard_tests.ATTACKS.values(),
        *guard_tests.KNOWN_MISSES.values(),
        *guard_tests.ZH_ATTACKS,
        *guard_tests.ZH_MISSES,
        *guard_tests.BENIGN_TRAPS,
    }
    assert not {s.text for s in samples} & tested


def test_appended_after_every_earlier_source() -> None:
    import guard_corpus

    source = Path(guard_corpus.__file__).read_text()
    build = source[source.index("def build(") :]
    assert build.index("build_cjk()") > build.index("build_more()")
