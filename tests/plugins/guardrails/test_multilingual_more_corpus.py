"""The added written multilingual corpus (``bench/guard_multilingual_more.py``, issue
#14, n-gram version 13): each core phrase is one group in one split, no group is
shared with the earlier written families, the twins cover the benign traps the issue
lists, no well-known jailbreak name or test hard negative is in it, and it is
appended after every earlier source (so no earlier sample changes split)."""

# ruff: noqa: RUF001  (non-Latin scripts)

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from guard_corpus import split_of
from guard_corpus_persona import forbidden_name_hits
from guard_hard_negatives import injection_hard_negatives
from guard_multilingual_more import (
    ATTACK_KINDS,
    ATTACK_SOURCE,
    BENIGN_SOURCE,
    MORE,
    build_more,
    families,
)
from guard_multilingual_written import build_written


def _bare(text: str) -> str:
    return re.sub(r"[\s，。！？：；、“”「」]", "", text)


LANGS = {"zh", "ja", "es", "pt", "tr", "ar", "pl"}


def test_groups_never_span_splits_and_hold_one_label() -> None:
    samples = build_more()
    splits: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[int]] = defaultdict(set)
    for s in samples:
        splits[s.group].add(split_of(s))
        labels[s.group].add(s.label)
        assert s.source == (ATTACK_SOURCE if s.label else BENIGN_SOURCE)
        assert s.role == "user"
    assert all(len(v) == 1 for v in splits.values())
    assert all(len(v) == 1 for v in labels.values())
    assert {split_of(s) for s in samples} == {"train", "calib", "test"}
    # Chinese, the weakest language, has attack families in every split.
    zh = {split_of(s) for s in samples if s.label and s.group.split()[2] == "zh"}
    assert zh == {"train", "calib", "test"}


def test_one_group_per_core_and_none_shared_with_older_families() -> None:
    fams = families()
    cores = [core for *_, core in fams]
    assert len(cores) == len(set(cores))
    groups = {g for g, *_ in fams}
    assert len(groups) == len(fams)
    assert not groups & {s.group for s in build_written()}
    by_group = defaultdict(list)
    for s in build_more():
        by_group[s.group].append(s.text)
    for group, _label, _kind, _lang, core in fams:
        assert 2 <= len(by_group[group]) <= 4, group
        head = _bare(core.split("{x}")[0])[:4]  # punctuation may be typed away
        assert all(head in _bare(text) for text in by_group[group]), group


def test_languages_kinds_and_benign_traps() -> None:
    assert {lang.code for lang in MORE} == LANGS
    for lang in MORE:
        assert set(lang.attacks) == set(ATTACK_KINDS), lang.code
        assert {"corrections", "os", "android", "iphone", "games"} <= set(lang.benign)
    texts = " ".join(s.text for s in build_more() if s.label == 0)
    for word in ("开发者模式", "越狱", "系统", "规则", "提示", "角色", "忽略", "翻译"):
        assert word in texts
    attacks = " ".join(s.text for s in build_more() if s.label == 1)
    assert "系統" in attacks  # Traditional as well as Simplified


def test_no_forbidden_names_or_hard_negatives() -> None:
    samples = build_more()
    assert not [s.text for s in samples if forbidden_name_hits(s.text)]
    hard = {h.text.strip() for h in injection_hard_negatives()}
    assert not {s.text.strip() for s in samples} & hard


def test_appended_after_every_earlier_source() -> None:
    import guard_corpus

    source = Path(guard_corpus.__file__).read_text()
    build = source[source.index("def build(") :]
    assert build.index("build_more()") > build.index("build_discussion()")
