"""Benign sources added with model version 10, for the classes version 9 got wrong.

Version 9's false positives on ordinary user text were mostly role-play requests
("I want you to act as...") and, among hand-written hard negatives, security
discussion and code/config with ignore/override/system words. None of its
benign training sources had much of either. Added here (all benign):

- f/awesome-chatgpt-prompts ``prompts.csv`` (CC0-1.0): community "act as" and
  task prompts, user role. Dropped: the few that are jailbreaks or ask the model
  to drop its rules (``_JAILBREAK``), and every prompt that shares an 8-word
  shingle with an AlpacaEval prompt (AlpacaEval is the real-users evaluation set
  and some of its OASST/Koala prompts were copied from this list).
- Security prose *about* prompt injection and jailbreaks (mention, not use):
  paragraphs of NVIDIA/NeMo-Guardrails ``docs/`` (Apache-2.0) and
  protectai/rebuff's docs (Apache-2.0), user role; paragraphs that quote an
  attack verbatim (``_QUOTED_ATTACK``) are left out, since they *are* one.
- Code and config with the words attacks use (ignore, override, system,
  previous, important, kill, bypass, admin, ...): snippets of 1 to 12 lines
  around such a line in the files of the installed Python packages (each
  package's own licence), user role (a developer pasting code).

Samples split by ``guard_corpus.split_of`` like every other source (so each
source also has calib and test rows, reported per source); they are appended
after the older sources and draw from their own random generator, so the
older sources' samples and splits are unchanged.
"""

from __future__ import annotations

import csv
import io
import random
import re
import subprocess
import sysconfig
from pathlib import Path

from guard_corpus import MIRRORS, Sample

#: Public repositories of the version-10 sources (git mirrors, read at these commits).
EXTRA_REPOS = {
    "awesome_chatgpt_prompts": ("f/awesome-chatgpt-prompts", "aa0cc20aad30d36fe77cc8458005bae2f5819453"),  # noqa: E501
    "nemo_guardrails": ("NVIDIA/NeMo-Guardrails", "e7c23d117f04805fc0eb3e4a8fd35a5e3c5b105f"),
    "rebuff": ("protectai/rebuff", "4d2fe064abf164e7381556d23e48e210080f8afa"),
}  # fmt: skip
SEED = 20261208
#: The sources' names (prefixes), for reports that compare with version 9's corpus.
EXTRA_SOURCES = (
    "awesome-chatgpt-prompts",
    "guardrail docs",
    "package code/config with trigger words",
)

_JAILBREAK = re.compile(
    r"\bDAN\b|jailbr|developer mode|no restrictions|without (?:any )?restrictions|unfiltered"
    r"|uncensored|content polic|openai polic|amoral|ignore (?:all|any|previous|your)"
    r"|do anything now|no (?:ethical|moral)|bypass|unrestricted",
    re.IGNORECASE,
)
_QUOTED_ATTACK = re.compile(
    r"ignore (?:all |the |your )?(?:previous|prior|above)|disregard (?:all|any|the|your|previous)"
    r"|you are now|\bDAN\b|do anything now|pwned|reveal (?:your|the) (?:system )?prompt"
    r"|forget (?:all|everything|your)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


def _git(name: str, *args: str) -> str:
    repo, _ = EXTRA_REPOS[name]
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if not mirror.exists():
        raise SystemExit(f"missing git mirror of {repo} at {mirror} (fetch it first)")
    out = subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True)
    return out.stdout.decode("utf-8", errors="replace")


def _show(name: str, path: str) -> str:
    return _git(name, "show", f"{EXTRA_REPOS[name][1]}:{path}")


def _ls(name: str, prefix: str) -> list[str]:
    return _git(name, "ls-tree", "-r", "--name-only", EXTRA_REPOS[name][1], prefix).split()


def shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def awesome_prompts(evaluation: list[str]) -> list[Sample]:
    """Role-play and task prompts, less jailbreaks and near copies of ``evaluation``."""
    csv.field_size_limit(1 << 26)
    rows = list(csv.DictReader(io.StringIO(_show("awesome_chatgpt_prompts", "prompts.csv"))))
    held: set[tuple[str, ...]] = set()
    for text in evaluation:
        held |= shingles(text)
    out: list[Sample] = []
    for row in rows:
        text = (row.get("prompt") or "").strip()
        if row.get("type", "TEXT") != "TEXT" or not 20 <= len(text) <= 4000:
            continue
        if _JAILBREAK.search(text) or shingles(text) & held:
            continue
        out.append(Sample(text, "awesome-chatgpt-prompts (role-play requests)", 0))
    return out


def _paragraphs(markdown: str) -> list[str]:
    text = re.sub(r"```.*?```", "\n\n", markdown, flags=re.DOTALL)
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if block.startswith(("#", "|", "<", "!", "---", ":::", "..")):
            continue
        if 80 <= len(block) <= 1500:
            out.append(block)
    return out


_TOPIC = re.compile(r"prompt|jailbreak|injection|guardrail|attack|LLM|malicious|rail", re.I)


def security_prose() -> list[Sample]:
    """Paragraphs about LLM security from two guardrail projects' documentation."""
    texts: list[str] = []
    for path in _ls("nemo_guardrails", "docs"):
        if path.endswith(".md"):
            texts += _paragraphs(_show("nemo_guardrails", path))
    for path in [*_ls("rebuff", "docs"), "README.md"]:
        if path.endswith(".md"):
            texts += _paragraphs(_show("rebuff", path))
    return [
        Sample(t, "guardrail docs (prose about attacks)", 0)
        for t in dict.fromkeys(texts)
        if _TOPIC.search(t) and not _QUOTED_ATTACK.search(t)
    ]


_TRIGGER = re.compile(
    r"\b(?:ignore[ds]?|ignoring|override[sn]?|overrid(?:e|ing)|system|previous|instructions?"
    r"|important|kill(?:s|ed)?|bypass|admin|forget|disregard|prompt|developer|jailbreak"
    r"|pretend|act as|terminate|execute)\b",
    re.IGNORECASE,
)
_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".css", ".sh", ".js", ".txt")


def code_with_trigger_words(count: int) -> list[Sample]:
    """Snippets of installed packages' code and config around a line with a trigger word."""
    rng = random.Random(SEED)
    root = Path(sysconfig.get_paths()["purelib"])
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in _CODE_SUFFIXES
        and "garak" not in str(p)
        and p.is_file()
        and 200 < p.stat().st_size < 400_000
    )
    out: list[Sample] = []
    seen: set[str] = set()
    for path in rng.sample(files, min(len(files), count * 3)):
        if len(out) >= count:
            break
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        hits = [i for i, line in enumerate(lines) if _TRIGGER.search(line)]
        if not hits:
            continue
        at = rng.choice(hits)
        before, after = rng.randint(0, 5), rng.randint(0, 6)
        snippet = "\n".join(lines[max(0, at - before) : at + after + 1]).strip()
        if (
            20 <= len(snippet) <= 1500
            and snippet not in seen
            and not _QUOTED_ATTACK.search(snippet)
        ):
            seen.add(snippet)
            out.append(
                Sample(snippet, f"package code/config with trigger words ({path.suffix})", 0)
            )
    return out


def build_extra(evaluation: list[str]) -> list[Sample]:
    """All version-10 benign samples (``evaluation``: texts never to be near-copied)."""
    return awesome_prompts(evaluation) + security_prose() + code_with_trigger_words(1500)
