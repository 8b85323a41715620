"""The multilingual corpus (``bench/guard_corpus_multilingual.py``, issue #14): groups
never span two splits (translations of one item stay together), no text of it is
one of the test hard negatives (``bench/guard_hard_negatives.py``), and the written
families use no well-known jailbreak name and cover the languages the issue lists."""

# ruff: noqa: RUF001  (Cyrillic text)

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from guard_corpus import MIRRORS, Sample, split_of
from guard_corpus_multilingual import REPOS, build_multilingual, doc_paragraphs
from guard_corpus_persona import forbidden_name_hits
from guard_hard_negatives import injection_hard_negatives
from guard_multilingual_written import GROUP_PREFIX, LANGS, build_written

WRITTEN_LANGS = {"ru", "zh", "ja", "ko", "pt", "it", "ar", "hi", "tr", "pl", "vi", "es", "fr", "de"}


def _one_split_per_group(samples: list[Sample]) -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for s in samples:
        assert s.group, s.text[:80]
        splits[s.group].add(split_of(s))
    spanning = {g: v for g, v in splits.items() if len(v) > 1}
    assert not spanning
    assert {split_of(s) for s in samples} == {"train", "calib", "test"}


def _no_hard_negative(samples: list[Sample]) -> None:
    hard = {h.text.strip() for h in injection_hard_negatives()}
    assert len(hard) > 50
    texts = {s.text.strip() for s in samples}
    assert not texts & hard
    # nor a hard negative inside a longer sample
    assert not [h for h in hard if len(h) > 30 and any(h in t for t in texts)]


def test_written_families_are_groups_in_one_split() -> None:
    samples = build_written()
    _one_split_per_group(samples)
    for s in samples:
        assert s.group.startswith(GROUP_PREFIX)
    labels: dict[str, set[int]] = defaultdict(set)
    for s in samples:
        labels[s.group].add(s.label)
    assert all(len(v) == 1 for v in labels.values())


def test_written_languages_kinds_and_names() -> None:
    assert {lang.code for lang in LANGS} == WRITTEN_LANGS
    samples = build_written()
    groups = {s.group for s in samples}
    for code in WRITTEN_LANGS:
        for kind in ("override", "extraction", "persona", "refusal"):
            assert f"{GROUP_PREFIX}{code} {kind}" in groups
        for kind in ("role prompts", "corrections", "translation", "security questions"):
            assert f"{GROUP_PREFIX}{code} {kind}" in groups
    for pair in ("en-ru", "en-zh", "ru-en", "zh-en"):
        assert f"{GROUP_PREFIX}{pair} override" in groups
    assert not [s.text for s in samples if forbidden_name_hits(s.text)]
    _no_hard_negative(samples)


def test_doc_paragraphs_drop_code_and_markup() -> None:
    page = (
        "# Заголовок\n\nПервый абзац о том, как объявить параметры пути в **FastAPI** "
        "и почему это удобно.\n\n```Python\nprint('код')\n```\n\n/// tip\n\n"
        "Совет: смотрите [документацию](https://example.org) подробнее, "
        "там всё описано по шагам.\n\n///\n"
    )
    assert doc_paragraphs(page) == [
        "Первый абзац о том, как объявить параметры пути в **FastAPI** и почему это удобно.",
        "Совет: смотрите документацию подробнее, там всё описано по шагам.",
    ]


def _mirrors_present() -> bool:
    return all((MIRRORS / repo.replace("/", "+") / "repo").exists() for repo, _ in REPOS.values())


@pytest.mark.skipif(not _mirrors_present(), reason="needs the git mirrors of XQuAD and FastAPI")
def test_public_sources_keep_translations_in_one_split() -> None:
    samples = build_multilingual(written=False)
    assert 2000 <= len(samples) <= 5000
    _one_split_per_group(samples)
    _no_hard_negative(samples)
    # XQuAD is parallel: one item's translations share its group.
    by_group: dict[str, int] = defaultdict(int)
    for s in samples:
        if s.group.startswith("multilingual xquad"):
            by_group[s.group] += 1
    assert max(by_group.values()) >= 5
    assert all(s.label == 0 for s in samples)
