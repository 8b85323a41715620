"""PII guardrail: each type, the false positives it must not raise, redaction."""

import pytest

from routeiq.plugins.guardrails import Guardrail, PIIGuardrail, PIISettings
from routeiq.plugins.guardrails.settings import ExtraPattern

PII = PIIGuardrail()


def found(text: str, guardrail: PIIGuardrail = PII) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in guardrail.scan(text)]


def test_is_a_guardrail() -> None:
    assert isinstance(PII, Guardrail)
    assert PII.name == "pii"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to john.smith+tag@example.co.uk today", ("EMAIL", "john.smith+tag@example.co.uk")),
        ("or j2024@mail.com.", ("EMAIL", "j2024@mail.com")),
        ("call +1-780-563-6083x7783 now", ("PHONE", "+1-780-563-6083x7783")),
        ("call (591)341-7776", ("PHONE", "(591)341-7776")),
        ("ring +44(0)115 4960914", ("PHONE", "+44(0)115 4960914")),
        ("tel +49 (0) 9141 777631", ("PHONE", "+49 (0) 9141 777631")),
        ("appelle 04 15 39 15 00", ("PHONE", "04 15 39 15 00")),
        ("je 080-9141-7776", ("PHONE", "080-9141-7776")),
        ("E.164 +14155552671", ("PHONE", "+14155552671")),
        ("SSN 123-45-6789", ("SSN", "123-45-6789")),
        ("card 4111 1111 1111 1111 ok", ("CREDIT_CARD", "4111 1111 1111 1111")),
        ("amex 3782-822463-10005", ("CREDIT_CARD", "3782-822463-10005")),
        ("pay 5555555555554444", ("CREDIT_CARD", "5555555555554444")),
        ("host 192.168.0.1 is up", ("IPV4", "192.168.0.1")),
        ("url http://10.0.0.2:8080/x", ("IPV4", "10.0.0.2")),
        ("net 10.1.0.0/16", ("IPV4", "10.1.0.0/16")),
        ("v6 2001:db8::8a2e:370:7334 up", ("IPV6", "2001:db8::8a2e:370:7334")),
        (
            "v6 fdac:255d:b3e9:acd2:ac42:eb:35e5:46b6 up",
            ("IPV6", "fdac:255d:b3e9:acd2:ac42:eb:35e5:46b6"),
        ),
        ("IBAN DE89 3704 0044 0532 0130 00 thanks", ("IBAN", "DE89 3704 0044 0532 0130 00")),
        ("IBAN GB82WEST12345698765432.", ("IBAN", "GB82WEST12345698765432")),
        (
            "key sk-proj-abcdefghijklmnopqrstuvwxyz123456",
            ("API_KEY", "sk-proj-abcdefghijklmnopqrstuvwxyz123456"),
        ),
        ("aws AKIAIOSFODNN7EXAMPLE", ("API_KEY", "AKIAIOSFODNN7EXAMPLE")),
        ("gh ghp_" + "a1" * 18, ("API_KEY", "ghp_" + "a1" * 18)),
        ("slack xoxb-1234-5678-abcdefghij", ("API_KEY", "xoxb-1234-5678-abcdefghij")),
        ("google AIza" + "Sy9" * 11 + "xy", ("API_KEY", "AIza" + "Sy9" * 11 + "xy")),
        ("gitlab glpat-x1y2z3w4v5u6t7s8r9q0", ("API_KEY", "glpat-x1y2z3w4v5u6t7s8r9q0")),
        ("token Zx8Kq2Lm9Pw3Rt7Yv1Bn5Cd6Fg4Hj0Ns.", ("SECRET", "Zx8Kq2Lm9Pw3Rt7Yv1Bn5Cd6Fg4Hj0Ns")),
    ],
)
def test_detects(text: str, expected: tuple[str, str]) -> None:
    assert found(text) == [expected]


def test_jwt_is_one_api_key() -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    assert found(f"Bearer {jwt} end") == [("API_KEY", jwt)]


def test_private_key_block() -> None:
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----"
    assert found(f"here:\n{block}\nbye") == [("PRIVATE_KEY", block)]


@pytest.mark.parametrize(
    "text",
    [
        "order 4111 1111 1111 1112 shipped",  # 16 digits, fails Luhn
        "ref 1234567812345678",  # fails Luhn
        "tracking 9111111111111119",  # Luhn-valid but no card network issues 9
        "Order #12345678 and invoice 0602928375",
        "ISBN 978-1-86016-383-8 and ISBN 1-108-13078-X",
        "barcode 4006381333931",
        "Python 3.11.7 on Ubuntu 22.04",
        "version 1.2.3.4 was released",
        "upgrade to v1.2.3.4 today",
        "firmware 2.0.10.200 is out",
        "Mozilla/5.0 Chrome/23.0.819.0 Safari/535.2",
        "Chrome/1.2.3.4",
        "Windows 10.0.19045.3803",
        "on 2024-01-15 10:30:00 and 15.01.2024",
        "ZIP 94105-1234",
        "SSN-like 666-12-3456 and 900-12-3456 and 123-00-4567 and 123-45-0000",
        "IBAN DE89 3704 0044 0532 0130 01",  # bad checksum
        "commit 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
        "id 9f1c3a52-7b7e-4c1e-9d2a-5b7f0e3c8a11",
        "class AbstractSingletonProxyFactoryBean2 extends Base",
        "scores 85 90 78 92 and 10 20 30 40",
        "years 2019 2020 2021",
        "coordinates 40.7128, -74.0060",
        "def f(x):\n    return x[1:2] + std::vector<int>()  # 12:30:45",
        "It costs $1,234,567.89 for 10000 items",
        "My therapist's phone is broken",
    ],
)
def test_no_false_positive(text: str) -> None:
    assert found(text) == []


def test_bare_number_needs_phone_context() -> None:
    assert found("see 3559259536 please") == []
    assert found("my phone number is 3559259536") == [("PHONE", "3559259536")]
    assert found("invoice 3559259536") == []


def test_bare_ssn_needs_context() -> None:
    assert found("number 123456789") == []
    assert found("my SSN is 123456789") == [("SSN", "123456789")]


def test_redaction_is_exact() -> None:
    text = "Mail a.b@example.com, card 4111-1111-1111-1111, ip 8.8.8.8."
    verdict = PII.check(text)
    assert verdict.action == "redact"
    assert verdict.score == 1.0
    assert verdict.redacted == "Mail [PII:EMAIL], card [PII:CREDIT_CARD], ip [PII:IPV4]."
    assert verdict.types == {"EMAIL", "CREDIT_CARD", "IPV4"}


def test_clean_text_passes() -> None:
    verdict = PII.check("How do I sort a list in Python 3.12?")
    assert verdict.action is None
    assert verdict.findings == ()
    assert verdict.score == 0.0
    assert verdict.redacted is None


def test_action_block_and_categories() -> None:
    guard = PIIGuardrail(PIISettings(action="block", categories=frozenset({"EMAIL"})))
    verdict = guard.check("a@b.io and 4111111111111111")
    assert verdict.action == "block"
    assert verdict.redacted is None
    assert [f.type for f in verdict.findings] == ["EMAIL"]


def test_secret_score_below_threshold_does_not_act() -> None:
    guard = PIIGuardrail(PIISettings(secret_score=0.4))
    verdict = guard.check("token Zx8Kq2Lm9Pw3Rt7Yv1Bn5Cd6Fg4Hj0Ns")
    assert [f.type for f in verdict.findings] == ["SECRET"]
    assert verdict.action is None


def test_extra_pattern_from_config() -> None:
    settings = PIISettings(extra_patterns=(ExtraPattern(name="EMPLOYEE_ID", pattern=r"EMP-\d{6}"),))
    guard = PIIGuardrail(settings)
    verdict = guard.check("badge EMP-123456 and a@b.io")
    assert verdict.redacted == "badge [PII:EMPLOYEE_ID] and [PII:EMAIL]"
    assert guard.version != PII.version


def test_unicode_text_around_pii() -> None:
    text = "Grüße an josé@example.com — Telefon +49 30 1234567 ✓"
    assert found(text) == [("EMAIL", "josé@example.com"), ("PHONE", "+49 30 1234567")]
    assert PII.check(text).redacted == "Grüße an [PII:EMAIL] — Telefon [PII:PHONE] ✓"
