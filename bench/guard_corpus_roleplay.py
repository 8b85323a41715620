"""Role-play, nested-scene and task-nesting jailbreaks, for transformer model version 2.

Version 1 of the transformer misses persona / virtualisation framings: a long
prompt that casts the model as someone ("You are a smooth-talking con artist ...")
or nests the request in a fiction, a table or a piece of code to complete. These
readers add public examples of those styles (read from git mirrors under
``$GUARD_DATA_MIRRORS`` at the commits below; none derives from jailbreakchat.com
or DAN collections):

- Aatrox103/SAP (Apache-2.0; "Attack Prompt Generation for Red Teaming and
  Defending Large Language Models", EMNLP Findings 2023): the semi-automatic
  attack prompts of ``datasets/SAP{5,10,20,30,200}/<category>/generated_cases.json``
  ("Attack Prompt"), role-play and persona framings around a harmful task, 8
  categories; grouped by category (all of a category's prompts in one split: they
  were generated from the same in-context seeds).
- tmlr-group/DeepInception (MIT): the nested-scene ("create a science fiction with
  more than 5 characters ... layer i create layer i+1") prompts of ``res/*.json``,
  grouped by file (each file varies one template).
- NJUNLP/ReNeLLM (MIT): its three scenario-nesting templates
  (``utils/scenario_nest_utils.py``: code completion, LaTeX table filling, story
  continuation) around AdvBench harmful behaviours (``data/advbench/harmful_behaviors.csv``,
  from llm-attacks, MIT); 120 behaviours per template, chosen by a fixed seed,
  grouped by template.

Not used: allenai/wildteaming (no licence file in the repository),
jujumilk3/leaked-system-prompts (no licence file), and the lead's reserved
and excluded repositories (see MODEL_CARD.md).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import random

from guard_corpus import Sample
from guard_corpus_semantic import git_in, print_splits

ROLEPLAY_REPOS = {
    "sap": ("Aatrox103/SAP", "8f2c4dfaad564a583bd476660740cf6082577b0e"),
    "deepinception": ("tmlr-group/DeepInception", "fc5689e76c4dd87a14babf1eadf890532f2b6880"),
    "renellm": ("NJUNLP/ReNeLLM", "522d8e1df7d6ee9cfba4b09caa9990c613b0a4a6"),
}
#: Source-name prefixes of these samples (for per-source reports).
ROLEPLAY_SOURCES = ("SAP", "DeepInception", "ReNeLLM")
RENELLM_PER_TEMPLATE = 120
_RENELLM_NAMES = ("code completion", "table filling", "story continuation")


def _git(name: str, *args: str) -> bytes:
    return git_in(ROLEPLAY_REPOS, name, *args)


def _show(name: str, path: str) -> bytes:
    return _git(name, "show", f"{ROLEPLAY_REPOS[name][1]}:{path}")


def _ls(name: str, prefix: str) -> list[str]:
    out = _git(name, "ls-tree", "-r", "--name-only", ROLEPLAY_REPOS[name][1], prefix)
    return [p.decode() for p in out.split()]


def sap() -> list[Sample]:
    """SAP's role-play attack prompts, one group per harm category."""
    out: dict[str, Sample] = {}
    for path in sorted(_ls("sap", "datasets")):
        if not path.endswith("/generated_cases.json"):
            continue
        category = path.split("/")[2]
        for row in json.loads(_show("sap", path)):
            text = str(row.get("Attack Prompt", "")).strip()
            if len(text) > 40:
                out.setdefault(
                    text, Sample(text, "SAP role-play attacks", 1, group=f"SAP {category}")
                )
    return list(out.values())


def deepinception() -> list[Sample]:
    """DeepInception's nested-scene prompts, one group per result file."""
    out: dict[str, Sample] = {}
    for path in sorted(_ls("deepinception", "res")):
        if not path.endswith(".json"):
            continue
        for row in json.loads(_show("deepinception", path)):
            texts = [row.get("inception_attack", ""), *row.get("questions", [])]
            for text in (str(t).strip() for t in texts):
                if "layer" in text and len(text) > 80:
                    out.setdefault(
                        text, Sample(text, "DeepInception nested scenes", 1, group=f"DI {path}")
                    )
    return list(out.values())


def renellm() -> list[Sample]:
    """ReNeLLM's scenario templates around AdvBench behaviours, one group per template."""
    module = ast.parse(_show("renellm", "utils/scenario_nest_utils.py").decode())
    templates: list[str] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SCENARIOS" for t in node.targets
        ):
            templates = [str(ast.literal_eval(e)) for e in node.value.elts]  # type: ignore[attr-defined]
    rows = csv.DictReader(
        io.StringIO(_show("renellm", "data/advbench/harmful_behaviors.csv").decode())
    )
    goals = [r["goal"].strip() for r in rows if r.get("goal")]
    out: list[Sample] = []
    for name, template in zip(_RENELLM_NAMES, templates, strict=True):
        for goal in random.Random(f"renellm {name}").sample(goals, RENELLM_PER_TEMPLATE):
            text = template.replace("<>", goal)
            out.append(Sample(text, "ReNeLLM scenario nesting", 1, group=f"ReNeLLM {name}"))
    return out


def build_roleplay() -> list[Sample]:
    return sap() + deepinception() + renellm()


if __name__ == "__main__":
    print_splits(build_roleplay())
