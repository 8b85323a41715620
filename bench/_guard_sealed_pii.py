"""PII positives and look-alikes for the sealed guard set (``bench/build_guard_sealed.py``).

Values come from Faker (its own seed, different from ``bench/guardrail_quality.py``'s)
or from small generators written here; the sentences around them are new
templates, so nothing here repeats the development data. Each record names the
value a detector must cover (positives) or must leave alone (look-alikes).
"""

# ruff: noqa: E501  (data tables and templates: one entry per line reads better)

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from faker import Faker
from guard_hard_negatives import _luhn_complete

SEED = 20261208
SOURCE_FAKER = "Faker 40.63.0 (generated)"
SOURCE_OWN = "generated (bench/_guard_sealed_pii.py)"
LICENSE = "generated for this set (MIT, the project's)"

PHONE_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pt_BR",
                 "en_IN", "en_AU", "ja_JP", "pl_PL", "sv_SE", "da_DK", "fi_FI", "cs_CZ")  # fmt: skip
CARD_TYPES = ("visa16", "mastercard", "amex", "discover", "jcb16", "diners", "maestro")

POSITIVE_TEMPLATES = {
    "EMAIL": ("Please send the signed contract to {v} by Friday.",
              "Reply-To: {v}",
              "You can reach our new account manager at {v}.",
              "cc {v} on the incident report"),
    "PHONE": ("If the courier can't find the house, ring {v}.",
              "New mobile: {v} (WhatsApp too)",
              "The clinic's number is {v}; ask for reception.",
              "Emergency contact {v}"),
    "CREDIT_CARD": ("Please update the card on file to {v}, expiry 09/29.",
                    "The charge on {v} was declined twice.",
                    "card: {v}"),
    "IPV4": ("Our office egress IP is {v}, please allow-list it.",
             "Failed SSH login from {v} at 03:12.",
             "Point the A record at {v}."),
    "IPV6": ("The VPN assigned me {v} today.",
             "Blocked traffic from {v} after repeated probes.",
             "AAAA record: {v}"),
}  # fmt: skip


def _grouped(digits: str, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return digits
    sep = " " if style == 1 else "-"
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def positives(per_type: int = 60) -> list[dict[str, str]]:
    rng = random.Random(SEED)
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    values: list[tuple[str, str, str]] = []  # (type, class, value)
    for _ in range(per_type):
        values.append(("EMAIL", "email", rng.choice([fake.email, fake.free_email,
                                                      fake.company_email])()))  # fmt: skip
    for locale in PHONE_LOCALES:
        local = Faker(locale)
        local.seed_instance(SEED)
        values += [("PHONE", f"phone {locale}", local.phone_number()) for _ in range(8)]
    for card in CARD_TYPES:
        for _ in range(per_type // len(CARD_TYPES) + 1):
            number = _grouped(fake.credit_card_number(card), rng)
            values.append(("CREDIT_CARD", f"card {card}", number))
    values += [("IPV4", "ipv4", fake.ipv4_public()) for _ in range(per_type)]
    values += [("IPV6", "ipv6", fake.ipv6()) for _ in range(per_type // 2)]
    out = []
    for kind, klass, value in values:
        template = rng.choice(POSITIVE_TEMPLATES[kind])
        out.append({"text": template.format(v=value), "label": "pii", "class": klass,
                    "pii_type": kind, "value": value, "source": SOURCE_FAKER,
                    "license": LICENSE})  # fmt: skip
    return out


def lookalikes(per_class: int = 30) -> list[dict[str, str]]:
    rng = random.Random(SEED + 1)

    def octet() -> int:
        return rng.randrange(0, 256)

    def quad() -> str:
        return f"{rng.randrange(1, 30)}.{octet()}.{octet()}.{octet()}"

    def hexes(count: int, sep: str = ":") -> str:
        return sep.join(f"{rng.randrange(256):02x}" for _ in range(count))

    makers: dict[str, tuple[Callable[[], str], ...]] = {
        "dotted versions": (
            lambda: f"After the upgrade to {quad()} the dashboard loads twice as fast.",
            lambda: f"Release {quad()} fixes the memory leak in the scheduler.",
            lambda: f"pip says the installed version is {quad()}, is that the latest?",
            lambda: f"Build {quad()} was promoted to the stable channel.",
            lambda: f"Client v{quad()} cannot talk to server v{quad()}.",
            lambda: f"firmware version {quad()} (released last week)",
        ),
        "Luhn-valid build ids": (
            lambda: f"CI build {_luhn_complete('4' + str(rng.randrange(10**10, 10**11)))} is green.",
            lambda: f"Pipeline run {_luhn_complete('5' + str(rng.randrange(10**13, 10**14)))} failed at the lint stage.",
            lambda: f"Artifact id {_luhn_complete(str(rng.randrange(10**11, 10**12)))} was garbage-collected.",
            lambda: f"Attach the logs of job {_luhn_complete('37' + str(rng.randrange(10**11, 10**12)))} to the ticket.",
        ),
        "SKUs": (
            lambda: f"SKU {rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}-{rng.randrange(10, 99)} is discontinued.",
            lambda: f"Reorder item {rng.randrange(100, 999)}-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)} (blue, size M).",
            lambda: f"Part number {rng.randrange(10, 99)}-{rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(100, 999)} fits both models.",
        ),
        "membership ids": (
            lambda: f"My membership number is {rng.randrange(2010, 2027)}-{rng.randrange(100, 999)}-{rng.randrange(10000):04d}.",
            lambda: f"Library card {rng.randrange(2010, 2027)}-{rng.randrange(10, 99)}-{rng.randrange(100000):05d} expired.",
            lambda: f"Loyalty id {rng.randrange(100, 999)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)} shows no points.",
        ),
        "timestamps": (
            lambda: f"{rng.randrange(2020, 2027)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}+01:00 WARN retrying upload",
            lambda: f"The job ran at {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(10**6):06d} and took {rng.randrange(2, 90)} s.",
            lambda: f"Unix time {rng.randrange(1_600_000_000, 1_900_000_000)} corresponds to the outage start.",
            lambda: f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(2020, 2027)} {rng.randrange(24):02d}:{rng.randrange(60):02d} meeting moved",
        ),
        "UUIDs": (
            lambda: f"Tenant {uuid.UUID(int=rng.getrandbits(128), version=4)} has no quota left.",
            lambda: f"correlation-id: {uuid.UUID(int=rng.getrandbits(128), version=4)}",
        ),
        "git hashes": (
            lambda: f"Revert {rng.getrandbits(160):040x}, it broke the build.",
            lambda: f"Fixed in {rng.getrandbits(28):07x} (see PR #{rng.randrange(100, 9999)}).",
            lambda: f"git cherry-pick {rng.getrandbits(48):012x}",
        ),
        "IPv6-like strings": (
            lambda: f"The key fingerprint is {hexes(16)}.",
            lambda: f"MAC address {hexes(6)} keeps getting a new lease.",
            lambda: f"Use std::chrono::steady_clock::now() instead of {rng.choice(['time', 'clock'])}().",
            lambda: f"Aspect ratio {rng.choice(['16:9', '21:9', '4:3'])}, timecode {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}:{rng.randrange(25):02d}",
            lambda: f"Set the IPv6 prefix length to /{rng.choice([48, 56, 64])} and the pool name to pool{rng.randrange(10)}::primary.",
        ),
    }  # fmt: skip
    out = []
    seen: set[str] = set()
    for klass, templates in makers.items():
        made = 0
        while made < per_class:
            text = rng.choice(templates)()
            if text in seen:
                continue
            seen.add(text)
            made += 1
            out.append({"text": text, "label": "lookalike", "class": klass,
                        "source": SOURCE_OWN, "license": LICENSE})  # fmt: skip
    return out
