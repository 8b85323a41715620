"""Benign text *about* prompt injection and jailbreaks, and attacks dressed as it.

Model version 11 flags security discussion: a question that quotes "ignore
previous instructions" looks like the attack, because the corpus had little
benign text that talks about attacks (``guard_corpus_extra`` took the NeMo /
rebuff docs paragraphs that only *mention* attacks and left out those that quote
one). This module adds the quoting kind, and its attack twins:

- **paper requests** (benign, user): the titles of the papers listed in
  yueliu1999/Awesome-Jailbreak-on-LLMs (MIT), turned into requests ("Summarize
  the paper '<title>'", "Compare '<A>' and '<B>'"); one title = one group. Titles
  that share three words in a row with a hard-negative text of
  ``guard_hard_negatives`` / ``guard_hard_negatives_dev`` are left out (those
  are evaluation texts), as are titles naming a known jailbreak persona.
- **guard docs** (benign, tool documents and user questions about them):
  prose paragraphs of protectai/llm-guard ``docs/`` (MIT), deadbits/vigil-llm
  ``docs/`` and README (Apache-2.0) and NVIDIA/garak's README, FAQ and top-level
  ``docs/source/*.rst`` (Apache-2.0; never its ``data/`` folder, probe pages or
  the DAN / in-the-wild / cloze material); paragraphs that quote short attack
  strings are kept. One document = one group.
- **written discussion** (benign) and **written attack twins** (injections framed as
  research, tests, CTFs, summaries with an appended instruction, pages with a hidden
  note to the assistant): the phrase tables of ``guard_discussion_phrases``, written
  for this project; one family = one group.

Appended in ``guard_corpus.build`` after the persona corpus, so every earlier sample
keeps its split.
"""

from __future__ import annotations

import random
import re

from guard_corpus import Sample, ls_at, show_at
from guard_corpus_extra import _paragraphs, shingles
from guard_corpus_persona import Family, _fill, forbidden_name_hits

#: Public repositories (git mirrors, read at these commits) and their licences.
DISCUSSION_REPOS = {
    "jailbreak_papers": ("yueliu1999/Awesome-Jailbreak-on-LLMs", "5d4e29a1dca57e3efb21684dcd07dd496e9412b7", "MIT"),  # noqa: E501
    "llm_guard": ("protectai/llm-guard", "53af270c69316ed82cb71ba7b19d11b55bda3151", "MIT"),
    "vigil": ("deadbits/vigil-llm", "f2b4c134d060bae81d29fad07003f3c657e63fc8", "Apache-2.0"),
    "garak_docs": ("NVIDIA/garak", "cafbe992780df70015de7295ca026b70c4629ada", "Apache-2.0"),
    "atlas": ("mitre-atlas/atlas-data", "8ee2c689a7d3c65ddf2bfe4950a4f3ecffa6f48b", "Apache-2.0"),
    "langkit": ("whylabs/langkit", "5d6cab1e2ff32181ba5c514aaa2a4473421dc413", "Apache-2.0"),
}  # fmt: skip
PAPER_SOURCE = "discussion: paper requests (awesome-jailbreak titles)"
DOC_SOURCE = "discussion: guard docs"
ATLAS_SOURCE = "discussion: MITRE ATLAS techniques, mitigations, case studies"
WRITTEN_SOURCE = "discussion: written benign"
ATTACK_SOURCE = "discussion: written attack twins"
#: Source-name prefix of every sample here (per-source reports).
DISCUSSION_PREFIX = "discussion: "
SEED = 20261209

_TITLE_ROW = re.compile(r"^\|\s*\d{4}\.\d{2}\s*\|\s*\*\*(.+?)\*\*\s*\|")
_TOPIC = re.compile(r"prompt|jailbr|injection|guard|attack|LLM|malicious|scanner|detect", re.I)
#: garak material the issue keeps for evaluation (never read here).
_GARAK_EXCLUDED = ("data/", "dan", "inthewild", "cloze", "probes/", "detectors/")
#: Paragraphs naming the evaluation's material, or quoting the (excluded) OWASP list.
_EVAL_WORDS = re.compile(
    r"dan\b|inthewild|in the wild|cloze|do anything now|jailbreakchat|owasp", re.I
)

PAPER_TEMPLATES = (
    "Summarize the paper '{t}'.",
    "What defence does '{t}' propose, if any?",
    'Can you give me the main contribution of "{t}" in two sentences?',
    "I have to present '{t}' at our reading group. What should the slides cover?",
    "Is the attack in '{t}' still relevant to current models?",
    'Explain the threat model of the paper "{t}".',
    "What dataset and metrics does '{t}' use?",
    "Write a short critical review of '{t}'.",
)
COMPARE_TEMPLATES = (
    "Compare '{t}' and '{u}'.",
    'How does "{t}" differ from "{u}"?',
    "Which should I read first, '{t}' or '{u}'?",
)


def parse_titles(readme: str, held_out: list[str]) -> list[str]:
    """The paper titles of the list's table rows, less those sharing three words in a
    row with a ``held_out`` text and those naming a known jailbreak persona."""
    held: set[tuple[str, ...]] = set()
    for text in held_out:
        held |= shingles(text, 3)
    out = []
    for line in readme.splitlines():
        m = _TITLE_ROW.match(line)
        if not m:
            continue
        title = re.sub(r"\s+", " ", m.group(1)).strip()
        if (
            len(title) >= 15
            and not forbidden_name_hits(title)
            and not _EVAL_WORDS.search(title)
            and not shingles(title, 3) & held
        ):
            out.append(title)
    return list(dict.fromkeys(out))


def paper_requests(held_out: list[str], readme: str | None = None) -> list[Sample]:
    """One or two requests per listed paper title (user role), and some comparisons
    (``readme``: the list's text; default the pinned commit's README)."""
    if readme is None:
        repo, commit, _ = DISCUSSION_REPOS["jailbreak_papers"]
        readme = show_at(repo, commit, "README.md")
    titles = parse_titles(readme, held_out)
    rng = random.Random(SEED)
    out: list[Sample] = []
    for title in titles:
        for template in rng.sample(PAPER_TEMPLATES, rng.randint(1, 2)):
            out.append(Sample(template.format(t=title), PAPER_SOURCE, 0, group="paper " + title))
    for title in rng.sample(titles, len(titles) // 4):
        other = rng.choice(titles)
        if other != title:  # grouped with its first title
            text = rng.choice(COMPARE_TEMPLATES).format(t=title, u=other)
            out.append(Sample(text, PAPER_SOURCE, 0, group="paper " + title))
    return out


def _doc_paths() -> list[tuple[str, str]]:
    paths: list[tuple[str, str]] = []
    repo, commit, _ = DISCUSSION_REPOS["llm_guard"]
    paths += [("llm_guard", p) for p in ls_at(repo, commit, "docs") if p.endswith(".md")]
    repo, commit, _ = DISCUSSION_REPOS["vigil"]
    paths += [
        ("vigil", p) for p in [*ls_at(repo, commit, "docs"), "README.md"] if p.endswith(".md")
    ]
    repo, commit, _ = DISCUSSION_REPOS["langkit"]
    docs = [p for p in ls_at(repo, commit, "langkit/docs") if p.endswith(".md")]
    paths += [("langkit", p) for p in ["README.md", *docs]]
    repo, commit, _ = DISCUSSION_REPOS["garak_docs"]
    rst = [
        p for p in ls_at(repo, commit, "docs/source") if p.count("/") == 2 and p.endswith(".rst")
    ]
    for path in ["README.md", "FAQ.md", *rst]:
        if not any(x in path.lower() for x in _GARAK_EXCLUDED):
            paths.append(("garak_docs", path))
    return paths


_ASK = (
    "Can you explain this passage from the {p} docs?\n\n",
    "What does this mean for our chatbot?\n\n",
    "Rewrite this paragraph in plain English:\n\n",
)


def guard_docs() -> list[Sample]:
    """Prose paragraphs of three guard projects' docs, as retrieved documents (tool)
    and, for a third of them, as a user asking about the paragraph."""
    rng = random.Random(SEED + 1)
    out: list[Sample] = []
    for name, path in _doc_paths():
        repo, commit, _ = DISCUSSION_REPOS[name]
        markdown = show_at(repo, commit, path)
        if path.endswith(".rst"):  # rst literal blocks and directives are not prose
            markdown = re.sub(r"::\n(\n?[ \t]+.*\n?)+", "::\n\n", markdown)
        group = f"doc {repo}/{path}"
        for para in _paragraphs(markdown):
            lines = para.splitlines()
            indented = sum(line[:1] in (" ", "\t") for line in lines)
            if (
                not _TOPIC.search(para)
                or _EVAL_WORDS.search(para)
                or _LONG_QUOTE.search(para)
                or forbidden_name_hits(para)
                or 2 * indented > len(lines)
            ):
                continue  # off topic, names the evaluation's material, or a code block
            out.append(Sample(para, DOC_SOURCE, 0, role="tool", group=group))
            if rng.random() < 1 / 3:
                ask = rng.choice(_ASK).format(p=repo.split("/")[1])
                out.append(Sample(ask + para, DOC_SOURCE, 0, group=group))
    return out


_LINK = re.compile(r"\{\{\s*create_internal_link\((\w+)\)\s*\}\}")
_TEMPLATE = re.compile(r"\{\{[^}]*\}\}")
#: A quotation this long is a whole attack prompt, not an example of one.
_LONG_QUOTE = re.compile(r"[\"\u201c][^\"\u201d]{150,}[\"\u201d]")
_ATLAS_ASK = (
    "Explain this MITRE ATLAS entry to our developers:\n\n",
    "Does this apply to our RAG chatbot?\n\n",
    "Summarize in two sentences:\n\n",
)


def _atlas_text(text: str) -> str:
    text = _LINK.sub(lambda m: m.group(1).replace("_", " "), text)
    return re.sub(r"[ \t]+", " ", _TEMPLATE.sub("", text)).strip()


def atlas() -> list[Sample]:
    """MITRE ATLAS technique and mitigation descriptions and case-study summaries with
    their procedure steps, as documents (tool) and, a third, as a user's question;
    one entry = one group."""
    import yaml  # PyYAML (dev): the ATLAS data files

    repo, commit, _ = DISCUSSION_REPOS["atlas"]
    entries: list[tuple[str, str]] = []
    for path in ("data/techniques.yaml", "data/mitigations.yaml"):
        for item in yaml.safe_load(show_at(repo, commit, path)):
            entries.append((item["id"], f"{item['name']}\n\n{item['description']}"))
    for path in ls_at(repo, commit, "data/case-studies"):
        study = yaml.safe_load(show_at(repo, commit, path))
        steps = " ".join(step.get("description", "") for step in study.get("procedure", []))
        entries.append((study["id"], f"{study['name']}\n\n{study['summary']}\n\n{steps}"))
    rng = random.Random(SEED + 2)
    out: list[Sample] = []
    for key, raw in entries:
        text = _atlas_text(raw)[:3000]
        if len(text) < 80 or _EVAL_WORDS.search(text) or forbidden_name_hits(text):
            continue
        if _LONG_QUOTE.search(text):
            continue
        out.append(Sample(text, ATLAS_SOURCE, 0, role="tool", group=f"atlas {key}"))
        if rng.random() < 1 / 3:
            out.append(Sample(rng.choice(_ATLAS_ASK) + text, ATLAS_SOURCE, 0, group=f"atlas {key}"))
    return out


def compose(family: Family, index: int, role: str = "user") -> tuple[str, str]:
    """One sample of a written family (slots and placeholders filled) and its first part."""
    from guard_discussion_phrases import APPS, GOALS, QUOTED

    rng = random.Random(f"discussion {family.name} {index}" + ("" if role == "user" else role))
    parts = [_fill(slot, rng) for slot in family.slots]
    text = family.joiner.join(p for p in parts if p)
    goal = rng.choice(GOALS)
    q, q2 = rng.sample(QUOTED, 2)
    values = {
        "q": q, "q2": q2, "app": rng.choice(APPS), "goal": goal, "goal_lc": goal,
        "n": str(rng.randint(100, 9999)), "k": str(rng.randint(1, 9)),
        "year": str(rng.choice((2025, 2026))),
    }  # fmt: skip
    text = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    return re.sub(r"(?<=\S) {2,}", " ", text).strip(), parts[0]


def written(families: tuple[Family, ...], role: str) -> list[Sample]:
    out: list[Sample] = []
    for family in families:
        source = ATTACK_SOURCE if family.label else WRITTEN_SOURCE
        texts: dict[str, str] = {}
        for index in range(family.count * 3):
            text, opening = compose(family, index, role)
            # An attack family's openings are groups of their own (seven families
            # alone would leave calib without user attacks); a benign family is one.
            texts.setdefault(text, f"{family.name} / {opening}" if family.label else family.name)
            if len(texts) == family.count:
                break
        out += [
            Sample(t, source, family.label, role=role, group="discussion " + g)
            for t, g in texts.items()
        ]
    return out


def build_written() -> list[Sample]:
    """The written families only (no mirrors needed)."""
    from guard_discussion_phrases import (
        ATTACK_DOCS,
        ATTACK_FAMILIES,
        BENIGN_DOCS,
        BENIGN_FAMILIES,
        RISK_AND_DEFENCE,
    )

    samples = [
        *written(BENIGN_FAMILIES, "user"),
        *written(RISK_AND_DEFENCE, "user"),
        *written(RISK_AND_DEFENCE[:2], "tool"),
        *written(BENIGN_DOCS, "tool"),
        *written(ATTACK_FAMILIES, "user"),
        *written(ATTACK_DOCS, "tool"),
    ]
    return list({s.text: s for s in reversed(samples)}.values())[::-1]  # first one wins


def build_discussion(held_out: list[str] | None = None) -> list[Sample]:
    """Every sample of this module (``held_out``: hard-negative texts whose paper
    titles are left out; default both hard-negative sets)."""
    if held_out is None:
        held_out = hard_negative_texts()
    return [*paper_requests(held_out), *guard_docs(), *build_written(), *atlas()]


def hard_negative_texts() -> list[str]:
    from guard_hard_negatives import injection_hard_negatives
    from guard_hard_negatives_dev import injection_hard_negatives_dev

    return [h.text for h in [*injection_hard_negatives(), *injection_hard_negatives_dev()]]


if __name__ == "__main__":
    from collections import Counter

    from guard_corpus import split_of

    samples = build_discussion()
    totals = Counter((s.source, s.role, s.label, split_of(s)) for s in samples)
    for key, n in sorted(totals.items()):
        print(n, *key)
    groups = Counter((s.label, split_of(s)) for s in {s.group: s for s in samples}.values())
    print("groups", dict(sorted(groups.items())), "samples", len(samples))
