"""More PII look-alikes, and more national phone formats as positives (issue #14).

Written after ``guard_hard_negatives.pii_lookalikes`` (the 300 look-alikes
the phone rules were first fitted on) by the engineer who moved the phone
check onto numbering plans, so its classes are different and wider: SKUs,
part numbers, membership/loyalty ids, invoice numbers, tracking numbers,
dotted/dashed serials, timestamps, UUID fragments, git hashes, versions; half
of them with a neutral lead (no id word to lean on). Each class has a
positive twin: a real phone number in the same neighbourhood (same kind of
sentence, a phone word or none), which must still be caught.

Phone positives: Faker ``phone_number()`` in 30 locales (14 more than
``guardrail_quality.PHONE_LOCALES``).

``guardrail_quality.py --pii-only`` reports all of these by the usual hash
split: "dev" (looked at while tuning) and "test" (not looked at). Both come from
the same templates, so "test" here is a held-out *sample*, not a held-out
*writer*: the lead's sealed set is the independent check.
"""

# ruff: noqa: E501  (templates read better unwrapped)

from __future__ import annotations

import random
import string
import uuid

from faker import Faker
from guard_hard_negatives import Hard

MORE_PHONE_LOCALES = (
    "de_AT", "de_CH", "fr_CH", "fr_BE", "nl_BE", "da_DK", "fi_FI", "no_NO", "cs_CZ", "hu_HU",
    "ro_RO", "pt_PT", "es_MX", "en_IE", "en_NZ", "tr_TR", "el_GR", "ru_RU", "ko_KR", "he_IL",
    "pl_PL", "id_ID", "th_TH", "uk_UA", "sk_SK", "hr_HR", "es_AR", "es_CO", "zh_TW", "vi_VN",
)  # fmt: skip

NEUTRAL = ("", "see", "we got", "note:", "re:", "->", "it says")


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _shape(rng: random.Random, lengths: tuple[int, ...], sep: str) -> str:
    return sep.join(_d(rng, n) for n in lengths)


def more_lookalikes(seed: int = 1414, per_kind: int = 80) -> list[Hard]:
    """Generated identifiers that are not PII (none is a phone number)."""
    rng = random.Random(seed)
    shapes = ((2, 4, 2), (3, 3, 3), (4, 3, 4), (2, 2, 2, 2, 2), (5, 5), (6, 4), (4, 4, 2),
              (3, 4, 3), (2, 3, 3, 2), (4, 2, 4), (3, 5), (2, 6, 2), (4, 4, 4))  # fmt: skip

    def lead(word: str) -> str:
        return word if rng.random() < 0.5 else rng.choice(NEUTRAL)

    def year() -> int:
        return rng.randrange(2015, 2027)

    makers = {
        "SKUs": lambda: (
            f"{lead('SKU')} {_shape(rng, rng.choice(shapes), rng.choice('-.'))} is back in stock"
        ),
        "part numbers": lambda: rng.choice(
            [
                f"{lead('P/N')} {_shape(rng, rng.choice(shapes), '-')} fits the 2019 model",
                f"replace {lead('part')} {_d(rng, 4)}.{_d(rng, 3)}.{_d(rng, 2)} and the gasket",
            ]
        ),
        "membership and loyalty ids": lambda: rng.choice(
            [
                f"{lead('membership id')} {year()}-{_d(rng, 3)}-{_d(rng, 4)}",
                f"{lead('loyalty number')} {_shape(rng, (4, 4, 4), ' ')}",
                f"{lead('member')} {_shape(rng, (3, 3, 4), '.')} renewed",
                f"card on file: {_shape(rng, (2, 4, 4), '-')}",
            ]
        ),
        "invoice numbers": lambda: rng.choice(
            [
                f"{lead('invoice')} {year()}-{_d(rng, 5)} is overdue",
                f"{lead('INV')} {year()}/{_d(rng, 4)}-{_d(rng, 2)} attached",
                f"{lead('bill')} {_d(rng, 3)}-{_d(rng, 3)}-{_d(rng, 3)}-{_d(rng, 2)} paid",
            ]
        ),
        "tracking numbers": lambda: rng.choice(
            [
                f"{lead('tracking')} {_shape(rng, (4, 4, 4), ' ')} out for delivery",
                f"{lead('USPS')} {_shape(rng, (4, 4, 4, 4, 4, 2), ' ')}",
                f"{lead('shipment')} {_shape(rng, (3, 3, 3, 3), '-')} left the depot",
            ]
        ),
        "dotted and dashed serials": lambda: rng.choice(
            [
                f"{lead('S/N')} {_shape(rng, (4, 4, 4), '-')}",
                f"{lead('serial')} {_d(rng, 2)}.{_d(rng, 4)}.{_d(rng, 3)}",
                f"{lead('device')} {_shape(rng, (3, 3, 3, 3), '.')} rebooted",
            ]
        ),
        "timestamps": lambda: rng.choice(
            [
                f"{lead('at')} {year()}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}-{rng.randrange(24):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}",
                f"{lead('logged')} {year()}.{rng.randrange(1, 13):02d}.{rng.randrange(1, 29):02d} {rng.randrange(24):02d}{rng.randrange(60):02d}",
                f"{lead('window')} {rng.randrange(24):02d}{rng.randrange(60):02d}-{rng.randrange(24):02d}{rng.randrange(60):02d} {rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.{year()}",
            ]
        ),
        "UUID fragments": lambda: (
            lambda u: rng.choice(
                [
                    f"{lead('request')} {u.hex[:8]}-{u.hex[8:12]} failed",
                    f"{lead('id')} {rng.randrange(10**7, 10**8)!s}-{_d(rng, 4)}-{_d(rng, 4)}",
                    f"{lead('node')} {_d(rng, 4)}-{_d(rng, 4)}-{_d(rng, 4)}-{_d(rng, 12)}",
                ]
            )
        )(uuid.UUID(int=rng.getrandbits(128))),
        "git hashes": lambda: rng.choice(
            [
                f"{lead('commit')} {_d(rng, 7)} broke the build",
                f"cherry-pick {_d(rng, 4)}{rng.choice('abcdef')}{_d(rng, 5)} onto main",
            ]
        ),
        "versions": lambda: rng.choice(
            [
                f"{lead('version')} {rng.randrange(1, 30)}.{rng.randrange(100)}.{rng.randrange(1000, 9999)}",
                f"{lead('build')} {rng.randrange(10, 99)}.{_d(rng, 4)}.{_d(rng, 3)}",
                f"{lead('v')}{rng.randrange(1, 9)}-{_d(rng, 3)}-{_d(rng, 4)}",
                f"{lead('kernel')} {rng.randrange(4, 7)}.{rng.randrange(20)}.{_d(rng, 3)}-{_d(rng, 3)}",
            ]
        ),
    }
    return [Hard(make(), kind) for kind, make in makers.items() for _ in range(per_kind)]


def phone_twins(seed: int = 1414, per_kind: int = 20) -> list[tuple[str, str, str]]:
    """(text, phone, class): a real number in each look-alike class's sentence."""
    rng = random.Random(seed + 1)
    fakers = [Faker(loc) for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "en_IN")]
    for index, fake in enumerate(fakers):
        fake.seed_instance(seed + index)
    templates = (
        ("SKUs", "SKU questions? call {p} and ask for stock"),
        ("part numbers", "for parts ring {p} before noon"),
        ("membership and loyalty ids", "membership desk: {p}"),
        ("invoice numbers", "billing queries to {p} please"),
        ("tracking numbers", "the courier's number is {p}"),
        ("dotted and dashed serials", "support line {p} asks for the serial"),
        ("timestamps", "at 14:30 call {p}"),
        ("UUID fragments", "if the request fails, phone {p}"),
        ("git hashes", "after the commit, text me at {p}"),
        ("versions", "version 2 hotline: {p}"),
    )
    out = []
    for kind, template in templates:
        for _ in range(per_kind):
            phone = _valid_phone(rng.choice(fakers))
            out.append((template.format(p=phone), phone, kind))
    return out


def _valid_phone(fake: Faker) -> str:
    """A Faker number that is an assigned number in its country's plan."""
    import phonenumbers

    region = fake.locales[0].split("_")[1] if hasattr(fake, "locales") else "US"
    for _ in range(100):
        phone = fake.phone_number().split("x")[0].strip()
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(phone, region)):
                return phone
        except phonenumbers.NumberParseException:
            continue
    raise RuntimeError("no valid number generated")
