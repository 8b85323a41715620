"""Multilingual benign (and written attack) samples for the injection corpus (issue #14).

Added for n-gram version 12, appended by ``guard_corpus.build`` after the persona
module (every earlier sample keeps its split). Version 11 had almost no
non-English benign text (deepset en/de, a few awesome-chatgpt prompts), and the
lead's one read of the sealed set found about a third of ordinary non-Latin-script
prompts flagged.

Public sources (git mirrors under ``guard_corpus.MIRRORS``, read at pinned commits):

- XQuAD (google-deepmind/xquad, CC BY-SA 4.0): SQuAD v1.1 questions and Wikipedia
  paragraphs professionally translated into ar, de, el, es, hi, ro, ru, th, tr, vi,
  zh. Questions are user texts, paragraphs tool documents. The data set is parallel:
  the group of a question or paragraph is its English paragraph's position, so
  every translation of one item (and the questions about it) lands in one split.
- FastAPI's translated documentation (fastapi/fastapi ``docs/<lang>/docs``, MIT),
  at the last commit before the 2025-09 translation clean-up (3481aad, which still
  had bn, fa, he, id, it, pl, vi): prose paragraphs (code blocks, includes,
  admonition markers and HTML removed) in ru, uk, zh, ja, ko, fa, he, bn, tr, vi,
  pt, es, fr, de, it, pl, id, as tool documents. A page's translations are one
  group (``fastapi <page path>``).

Written for this project (``guard_multilingual_written``): attacks in 14 languages
and code-switched, and their benign twins, one family per (kind, language).

Sizes: a few thousand texts, so at the trainer's 1/sqrt(size) source weighting they
do not swamp the English sources. Run this module to print the table.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator

from guard_corpus import Sample, ls_at, show_at

REPOS = {
    "xquad": ("google-deepmind/xquad", "7d30520c717524000f0d9d2f9c10a069acd9d285"),
    "fastapi": ("fastapi/fastapi", "3481aad827987b0bfabe55143af71091b2d5d2f7"),
}
XQUAD_LANGS = ("ar", "de", "el", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")
FASTAPI_LANGS = (
    "ru", "uk", "zh", "ja", "ko", "fa", "he", "bn", "tr", "vi", "pt", "es", "fr", "de", "it",
    "pl", "id",
)  # fmt: skip
#: Per language: questions and paragraphs of XQuAD, paragraphs of FastAPI's docs.
XQUAD_QUESTIONS = 110
XQUAD_PARAGRAPHS = 30
FASTAPI_PARAGRAPHS = 70
SEED = 1412
#: Source names (``MULTILINGUAL_SOURCES``: their prefixes, for per-source reports).
QUESTIONS = "xquad questions (multilingual)"
PARAGRAPHS = "xquad paragraphs (multilingual)"
DOCS = "fastapi docs (multilingual)"
MULTILINGUAL_SOURCES = ("xquad ", "fastapi docs", "multilingual ")
GROUP_PREFIX = "multilingual "


def _xquad(lang: str) -> Iterator[tuple[str, str, str]]:
    """(kind, text, group) of one language's XQuAD file, in file order."""
    data = json.loads(show_at(*REPOS["xquad"], f"xquad.{lang}.json"))["data"]
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            group = f"{GROUP_PREFIX}xquad {a}:{p}"
            yield "paragraph", paragraph["context"].lstrip("\ufeff").strip(), group
            for qa in paragraph["qas"]:
                yield "question", qa["question"].strip(), group


def xquad(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []
    for lang in XQUAD_LANGS:
        items = list(_xquad(lang))
        questions = [i for i in items if i[0] == "question" and len(i[1]) > 8]
        paragraphs = [i for i in items if i[0] == "paragraph"]
        for _, text, group in rng.sample(questions, XQUAD_QUESTIONS):
            out.append(Sample(text, QUESTIONS, 0, "user", group))
        for _, text, group in rng.sample(paragraphs, XQUAD_PARAGRAPHS):
            out.append(Sample(text, PARAGRAPHS, 0, "tool", group))
    return out


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_DROP_LINE = re.compile(r"^\s*(///|\{\*|\{!|<|#|\||!!!|\.\.\.|---|\*\*\*|\[.*\]:)")
_TAGS = re.compile(r"<[^>]+>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_NON_LATIN = re.compile(r"[^\x00-\u024f]")


def doc_paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a Markdown page: no code, includes, headings, tables,
    admonition markers or HTML; links reduced to their text."""
    text = _FENCE.sub("", markdown)
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip() and not _DROP_LINE.match(ln)]
        para = _LINK.sub(r"\1", _TAGS.sub("", " ".join(ln.strip() for ln in lines))).strip()
        if len(para) >= 60:
            out.append(para)
    return out


def fastapi_docs(rng: random.Random) -> list[Sample]:
    repo, commit = REPOS["fastapi"]
    out: list[Sample] = []
    for lang in FASTAPI_LANGS:
        prefix = f"docs/{lang}/docs/"
        pool: list[tuple[str, str]] = []
        for path in ls_at(repo, commit, prefix):
            if not path.endswith(".md") or "release-notes" in path:
                continue
            page = path[len(prefix) :]
            for para in doc_paragraphs(show_at(repo, commit, path)):
                # An untranslated paragraph of a non-Latin-script language is English.
                if lang in ("ru", "uk", "zh", "ja", "ko", "fa", "he", "bn"):
                    if len(_NON_LATIN.findall(para)) < len(para) // 4:
                        continue
                pool.append((para, page))
        for para, page in rng.sample(pool, min(FASTAPI_PARAGRAPHS, len(pool))):
            out.append(Sample(para[:1500], DOCS, 0, "tool", f"{GROUP_PREFIX}fastapi {page}"))
    return out


def build_multilingual(written: bool = True) -> list[Sample]:
    """The public multilingual benign samples, then (``written``) the written
    attacks and benign twins of ``guard_multilingual_written``."""
    rng = random.Random(SEED)
    samples = xquad(rng) + fastapi_docs(rng)
    if written:
        from guard_multilingual_written import build_written

        samples += build_written()
    return samples


def language_of(sample: Sample) -> str:
    """A rough script/language tag for per-language reports (written samples carry
    theirs in the group; public ones are told apart by script)."""
    if sample.group.startswith(GROUP_PREFIX + "written "):
        return sample.group.split()[2]
    for name, pattern in _SCRIPTS:
        if pattern.search(sample.text):
            return name
    return "latin"


_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar/fa", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)


if __name__ == "__main__":
    from collections import Counter

    from guard_corpus import split_of

    samples = build_multilingual()
    table = Counter((s.source, s.label, split_of(s)) for s in samples)
    for (source, label, split), n in sorted(table.items()):
        print(f"{label} {split:<6} {n:>5} {source}")
    print(Counter(language_of(s) for s in samples))
    print(len(samples), "samples,", len({s.group for s in samples}), "groups")
