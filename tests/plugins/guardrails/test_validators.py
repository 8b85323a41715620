"""Checksums and number rules behind the PII candidates."""

import pytest

from routeiq.plugins.guardrails.validators import (
    card_brand,
    iban_valid,
    ipv4_valid,
    ipv6_valid,
    luhn_valid,
    shannon_entropy,
    ssn_valid,
)


@pytest.mark.parametrize(
    ("digits", "brand"),
    [
        ("4111111111111111", "visa"),
        ("4222222222222", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("30569309025904", "diners"),
        ("6200000000000005", "unionpay"),
    ],
)
def test_known_test_cards_pass_luhn_and_have_a_brand(digits: str, brand: str) -> None:
    assert luhn_valid(digits)
    assert card_brand(digits) == brand


def test_luhn_rejects_a_changed_check_digit() -> None:
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("1234567812345678")


def test_no_brand_for_unissued_prefixes() -> None:
    assert card_brand("9111111111111119") is None
    assert card_brand("1234567890123452") is None
    assert card_brand("4111111111111") == "visa"  # 13 digits is a real Visa length
    assert card_brand("41111111111111") is None  # 14 is not


@pytest.mark.parametrize(
    ("area", "group", "serial", "valid"),
    [
        ("123", "45", "6789", True),
        ("000", "45", "6789", False),
        ("666", "45", "6789", False),
        ("900", "45", "6789", False),
        ("999", "45", "6789", False),
        ("899", "45", "6789", True),
        ("123", "00", "6789", False),
        ("123", "45", "0000", False),
    ],
)
def test_ssn_rules(area: str, group: str, serial: str, valid: bool) -> None:
    assert ssn_valid(area, group, serial) is valid


def test_iban_length_table_and_mod97() -> None:
    assert iban_valid("DE89370400440532013000")
    assert iban_valid("GB82WEST12345698765432")
    assert iban_valid("FR1420041010050500013M02606")
    assert not iban_valid("DE89370400440532013001")  # checksum
    assert not iban_valid("DE8937040044053201300")  # length for DE is 22
    assert not iban_valid("ZZ89370400440532013000")  # no such country


def test_ipv4_octets() -> None:
    assert ipv4_valid("192.168.0.1")
    assert ipv4_valid("0.0.0.0")
    assert not ipv4_valid("256.1.1.1")
    assert not ipv4_valid("1.2.3")
    assert not ipv4_valid("01.2.3.4")  # a leading zero reads as a version


def test_ipv6_needs_a_real_address() -> None:
    assert ipv6_valid("2001:db8::8a2e:370:7334")
    assert ipv6_valid("fe80::1:2:3%eth0")
    assert not ipv6_valid("12:30:45")  # a time
    assert not ipv6_valid("::1")  # valid but carries no identity: too few groups
    assert not ipv6_valid("00:1A:2B:3C:4D:5E")  # a MAC address


def test_entropy() -> None:
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
    assert shannon_entropy("") == 0.0
