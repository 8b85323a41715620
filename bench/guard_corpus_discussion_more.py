"""More benign text about prompt injection and guardrails, and attack twins of it.

n-gram v13 flags written defence prose it never trained on (calib: 12 of 37 defence
summaries as documents). This module adds:

- **guard project docs** (benign, tool documents and, a third, user questions about
  them): prose paragraphs of guardrails-ai/guardrails ``docs/`` (Markdown files and
  the Markdown cells of its notebooks; Apache-2.0) and of NVIDIA/NeMo-Guardrails
  beyond ``guard_corpus_extra`` (which took ``docs/*.md`` only): the top-level and
  ``examples/``, ``nemoguardrails/`` READMEs, the ``.rst`` pages and the notebooks'
  Markdown cells (Apache-2.0), and the README and notebooks' Markdown cells of
  sinanw/llm-security-prompt-injection (MIT; a study of injection classifiers whose
  data ``guard_corpus_semantic`` takes). One file = one group.
  **Payload rule**: a paragraph that *is* an attack payload is dropped, never labelled
  an attack: code blocks (fenced, indented, rst literal blocks, Colang), a quotation
  of 150 characters or more (a whole prompt, not an example), text naming the
  evaluation's material or a known jailbreak persona. Short quoted examples ("users
  type 'ignore previous instructions'") are kept: that is the hard case. A document
  quoting a whole prompt is ambiguous as a label, so it is left out rather than guessed.
- **written defence and analysis prose** and **attack twins** (same topic words, an
  instruction to the model with a live goal): ``guard_discussion_more_phrases``;
  a benign family and its attack twin are one group, in the roles ``ROLES`` gives.

(Azure/PyRIT's mirror holds only a "PyRIT has moved" README and a Pages stub, so
nothing is taken from it.) Appended in ``guard_corpus.build`` last, so every earlier
sample keeps its split.
"""

from __future__ import annotations

import json
import random
import re

from guard_corpus import Sample, ls_at, show_at
from guard_corpus_discussion import _EVAL_WORDS, _LONG_QUOTE, DISCUSSION_PREFIX
from guard_corpus_extra import _paragraphs
from guard_corpus_persona import Family, _fill, forbidden_name_hits

#: Public repositories (git mirrors, read at these commits) and their licences.
MORE_REPOS = {
    "guardrails_ai": ("guardrails-ai/guardrails", "c472d552e5f0bc0403f788ebb646b146003d98b0", "Apache-2.0"),  # noqa: E501
    "nemo": ("NVIDIA/NeMo-Guardrails", "e7c23d117f04805fc0eb3e4a8fd35a5e3c5b105f", "Apache-2.0"),
    "classifier_study": ("sinanw/llm-security-prompt-injection", "c8af0b015a9a4f3380f9e20214828c2dbeadc72c", "MIT"),  # noqa: E501
}  # fmt: skip
DOC_SOURCE = DISCUSSION_PREFIX + "guard project docs (guardrails-ai, NeMo)"
WRITTEN_SOURCE = DISCUSSION_PREFIX + "written defence prose"
ATTACK_SOURCE = DISCUSSION_PREFIX + "written attack twins (defence prose)"
GROUP_PREFIX = "discussion more "
SEED = 20261208

_TOPIC = re.compile(
    r"prompt|jailbr|injection|guard|rail|attack|LLM|malicious|validat|toxic|PII|secret"
    r"|moderat|safety|hallucinat|unsafe",
    re.I,
)
#: Colang and YAML lines that survive outside fences in some pages.
_CODE_LINE = re.compile(r"^\s*(define |flow |user |bot |\$|>>>|rails:|models:|- type:|import )")
_ASK = (
    "Our security team shared this from the {p} docs. What does it mean for us?\n\n",
    "Explain this paragraph to a new developer:\n\n",
    "Is this advice still good practice?\n\n",
)


def _rst_prose(text: str) -> str:
    text = re.sub(r"::\n(\n?[ \t]+.*\n?)+", "::\n\n", text)  # literal blocks
    return re.sub(r"^\.\. .*(\n[ \t]+.*)*", "", text, flags=re.M)  # directives


def _notebook_markdown(raw: str) -> str:
    cells = json.loads(raw).get("cells", [])
    parts = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else source)
    return "\n\n".join(parts)


def _doc_paths() -> list[tuple[str, str]]:
    repo, commit, _ = MORE_REPOS["guardrails_ai"]
    paths = [
        ("guardrails_ai", p)
        for p in [*ls_at(repo, commit, "docs"), "README.md"]
        if p.endswith((".md", ".ipynb")) and "/pydocs/" not in p
    ]
    repo, commit, _ = MORE_REPOS["nemo"]
    for path in ls_at(repo, commit, "."):
        if path.startswith("docs/") and path.endswith(".md"):
            continue  # guard_corpus_extra's
        if path.startswith(("tests/", "qa/", ".github/")) or "/kb/" in path:
            continue  # test fixtures and the example bots' knowledge bases
        if path.startswith("CHANGELOG") or path == "LICENSE.md":
            continue
        if path.endswith((".md", ".rst", ".ipynb")):
            paths.append(("nemo", path))
    repo, commit, _ = MORE_REPOS["classifier_study"]  # its data: guard_corpus_semantic's
    paths += [("classifier_study", p) for p in ["README.md", *ls_at(repo, commit, "notebooks")]]
    return paths


def keep(para: str) -> bool:
    """Whether a docs paragraph is on-topic prose (see the module's payload rule)."""
    lines = para.splitlines()
    indented = sum(line[:1] in (" ", "\t") for line in lines)
    code = sum(bool(_CODE_LINE.match(line)) for line in lines)
    return bool(
        _TOPIC.search(para)
        and not _EVAL_WORDS.search(para)
        and not _LONG_QUOTE.search(para)
        and not forbidden_name_hits(para)
        and 2 * indented <= len(lines)
        and not code
        and para.count("`") < 12
    )


def guard_docs() -> list[Sample]:
    """Prose paragraphs of the two projects' docs, as documents (tool) and, for a third
    of them, as a user asking about the paragraph; one file = one group."""
    rng = random.Random(SEED)
    out: list[Sample] = []
    for name, path in _doc_paths():
        repo, commit, _ = MORE_REPOS[name]
        text = show_at(repo, commit, path)
        if path.endswith(".ipynb"):
            text = _notebook_markdown(text)
        elif path.endswith(".rst"):
            text = _rst_prose(text)
        group = f"{GROUP_PREFIX}doc {repo}/{path}"
        for para in _paragraphs(text):
            if not keep(para):
                continue
            out.append(Sample(para, DOC_SOURCE, 0, role="tool", group=group))
            if rng.random() < 1 / 3:
                ask = rng.choice(_ASK).format(p=repo.split("/")[1])
                out.append(Sample(ask + para, DOC_SOURCE, 0, group=group))
    return out


def compose(family: Family, index: int, role: str) -> str:
    """One sample of a written family, slots and placeholders filled."""
    from guard_discussion_more_phrases import QUOTED_MORE
    from guard_discussion_phrases import APPS, GOALS, QUOTED

    rng = random.Random(f"discussion more {family.name} {role} {index}")
    text = family.joiner.join(p for p in (_fill(slot, rng) for slot in family.slots) if p)
    values = {
        "q": rng.choice((*QUOTED, *QUOTED_MORE)), "app": rng.choice(APPS),
        "goal": rng.choice(GOALS), "n": str(rng.randint(100, 9999)),
        "k": str(rng.randint(1, 9)), "year": str(rng.choice((2025, 2026))),
    }  # fmt: skip
    text = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    return re.sub(r"(?<=\S) {2,}", " ", text).strip()


def build_written() -> list[Sample]:
    """The written families (no mirrors needed), each one group across its roles."""
    from guard_discussion_more_phrases import ATTACK_MORE, BENIGN_MORE, ROLES, TWINS

    out: dict[str, Sample] = {}
    for family in (*BENIGN_MORE, *ATTACK_MORE):
        source = ATTACK_SOURCE if family.label else WRITTEN_SOURCE
        for role in ROLES.get(family.name, ("user",)):
            texts: list[str] = []
            for index in range(family.count * 3):
                text = compose(family, index, role)
                if text not in texts and text not in out:
                    texts.append(text)
                if len(texts) == family.count:
                    break
            for text in texts:
                group = GROUP_PREFIX + TWINS.get(family.name, family.name)
                out[text] = Sample(text, source, family.label, role=role, group=group)
    return list(out.values())


def build_discussion_more() -> list[Sample]:
    """Every sample of this module."""
    return [*guard_docs(), *build_written()]


if __name__ == "__main__":
    from collections import Counter

    from guard_corpus import split_of

    samples = build_discussion_more()
    totals = Counter((s.source, s.role, s.label, split_of(s)) for s in samples)
    for key, n in sorted(totals.items()):
        print(n, *key)
    groups = Counter((s.label, split_of(s)) for s in {s.group: s for s in samples}.values())
    print("groups", dict(sorted(groups.items())), "samples", len(samples))
    by_family = {(s.group, split_of(s)) for s in samples if "doc " not in s.group}
    for group, split in sorted(by_family):
        print(split, group)
