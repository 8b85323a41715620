"""Cheap validators run on regex candidates: checksums and number rules.

Regexes find *candidates*; these functions decide. Keeping them separate
keeps the combined regex simple and makes each rule testable on its own.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter

# IBAN total length per country (ISO 13616 registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number satisfies."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The card network for an IIN prefix and length, or None if no network issues it."""
    length = len(digits)
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4" and length in (13, 16, 19):
        return "visa"
    if (51 <= two <= 55 or 222100 <= six <= 272099) and length == 16:
        return "mastercard"
    if two in (34, 37) and length == 15:
        return "amex"
    if (four == 6011 or 644 <= int(digits[:3]) <= 649 or two == 65) and 16 <= length <= 19:
        return "discover"
    # JCB's registered range is 3528-3589; the rest of 35xx is unassigned but
    # numbers there still come from JCB test and co-branded ranges.
    if (two == 35 and 16 <= length <= 19) or (four in (2131, 1800) and length == 15):
        return "jcb"
    if (300 <= int(digits[:3]) <= 305 or two in (36, 38, 39)) and 14 <= length <= 19:
        return "diners"
    if two == 62 and 16 <= length <= 19:
        return "unionpay"
    if (two == 50 or 56 <= two <= 69) and 12 <= length <= 19:
        return "maestro"
    return None


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """US SSN rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    area_number = int(area)
    return (
        area_number != 0
        and area_number != 666
        and area_number < 900
        and group != "00"
        and serial != "0000"
    )


def iban_valid(compact: str) -> bool:
    """Country length table plus ISO 7064 mod-97 == 1."""
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is None or len(compact) != expected or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    # Letters become 10..35; int() on the joined string does the big-number mod.
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


def ipv4_valid(candidate: str) -> bool:
    """Four decimal octets 0-255 without leading zeros (``01`` reads as a version)."""
    parts = candidate.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part.isdigit() or int(part) > 255 or (len(part) > 1 and part[0] == "0"):
            return False
    return True


def ipv6_valid(candidate: str) -> bool:
    """``ipaddress`` decides; we only pre-filter shapes that cannot be an address."""
    address = candidate.split("%", 1)[0]
    if "::" not in address and address.count(":") != 7:
        return False
    groups = [g for g in address.split(":") if g]
    # "::", "::1", "a::b" are valid but carry no identity; ratios like 1:2:3 are not addresses.
    if len(groups) < 3:
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def shannon_entropy(token: str) -> float:
    """Bits per character of ``token``'s own character distribution."""
    length = len(token)
    if not length:
        return 0.0
    return -sum(n / length * math.log2(n / length) for n in Counter(token).values())
