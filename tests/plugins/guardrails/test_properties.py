"""Property tests: redaction never leaks a value and never touches other text."""

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from routeiq.plugins.guardrails import InjectionGuardrail, PIIGuardrail
from routeiq.plugins.guardrails.base import Finding, merge_spans, redact_spans
from routeiq.plugins.guardrails.normalize import normalize, original_span
from routeiq.plugins.guardrails.validators import luhn_valid

PII = PIIGuardrail()
INJECTION = InjectionGuardrail()

# Surrounding text: words with no digits, "@" or long tokens, so it cannot
# itself contain PII, from letters that cannot spell a context word ("v",
# "version", "id", "tel") that legitimately changes what a number means.
WORD = st.text(alphabet="bdhjkmquwyzéüß", min_size=1, max_size=12)
FILLER = st.lists(WORD, max_size=8).map(" ".join)
SEPARATOR = st.sampled_from([" ", ", ", ": ", " (", "\n", " - "])


def _card(prefix: str, length: int, body: str) -> str:
    digits = (prefix + body)[: length - 1]
    for check in "0123456789":
        if luhn_valid(digits + check):
            return digits + check
    raise AssertionError


EMAILS = st.builds(
    lambda user, domain, tld: f"{user}@{domain}.{tld}",
    st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True).filter(lambda u: ".." not in u),
    st.from_regex(r"[a-z][a-z0-9]{1,10}", fullmatch=True),
    st.sampled_from(["com", "org", "io", "co.uk", "de"]),
)
CARDS = st.builds(
    _card,
    st.sampled_from(["4", "51", "55", "6011", "3530"]),
    st.just(16),
    st.from_regex(r"[0-9]{16}", fullmatch=True),
)
SSNS = st.builds(
    lambda a, g, s: f"{a:03d}-{g:02d}-{s:04d}",
    st.integers(1, 899).filter(lambda a: a != 666),
    st.integers(1, 99),
    st.integers(1, 9999),
)
IPV4S = st.builds(
    lambda a, b, c, d: f"{a}.{b}.{c}.{d}",
    *[st.integers(0, 255)] * 4,
)


def _phone(region: str, tail: int) -> str:
    """A valid number of ``region`` (its example with the last three digits varied),
    written internationally: "+2 100 000 0000" is no country's number since the
    phone check asks the numbering plans (issue #14)."""
    example = phonenumbers.example_number(region)
    assert example is not None
    national = str(example.national_number)
    number = phonenumbers.parse(f"+{example.country_code}{national[:-3]}{tail:03d}")
    if not phonenumbers.is_valid_number(number):
        number = example
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


PHONES = st.builds(
    _phone,
    st.sampled_from(["US", "GB", "DE", "FR", "IN", "JP", "BR", "AU", "ES", "IT", "NL", "KR"]),
    st.integers(0, 999),
)
VALUES = st.one_of(EMAILS, CARDS, SSNS, IPV4S, PHONES)


@settings(max_examples=300, deadline=None)
@given(FILLER, SEPARATOR, VALUES, SEPARATOR, FILLER)
def test_redaction_removes_the_value_and_keeps_the_rest(
    before: str, left: str, value: str, right: str, after: str
) -> None:
    text = before + left + value + right + after
    verdict = PII.check(text)
    assert verdict.redacted is not None, text
    [finding] = verdict.findings
    assert (finding.start, finding.end) == (len(before + left), len(before + left + value))
    assert verdict.redacted == f"{before}{left}[PII:{finding.type}]{right}{after}"
    assert value not in verdict.redacted


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(FILLER, SEPARATOR, VALUES), min_size=1, max_size=4), FILLER)
def test_several_values_all_redacted_in_order(parts: list[tuple[str, str, str]], tail: str) -> None:
    text = "".join(f"{filler}{sep}{value} " for filler, sep, value in parts) + tail
    verdict = PII.check(text)
    assert verdict.redacted is not None
    for _, _, value in parts:
        assert value not in verdict.redacted
    assert verdict.redacted.endswith(" " + tail) or tail == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_text_outside_findings_is_preserved_byte_for_byte(text: str) -> None:
    findings = PII.scan(text)
    redacted = redact_spans(text, findings, lambda f: "\x00")
    spans = merge_spans(findings)
    kept = []
    cursor = 0
    for start, end, _ in spans:
        kept.append(text[cursor:start])
        cursor = end
    kept.append(text[cursor:])
    assert redacted.split("\x00") == kept if "\x00" not in text else True


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200), st.lists(st.tuples(st.integers(0, 200), st.integers(0, 40)), max_size=6)
)
def test_redact_spans_on_arbitrary_overlapping_findings(
    text: str, raw: list[tuple[int, int]]
) -> None:
    findings = [Finding("t", "X", min(s, len(text)), min(s + n, len(text)), 1.0) for s, n in raw]
    redacted = redact_spans(text, findings, lambda f: "[X]")
    covered = [False] * len(text)
    for finding in findings:
        for index in range(finding.start, finding.end):
            covered[index] = True
    # Every uncovered character survives, in order; no covered one does.
    expected_kept = "".join(c for c, hit in zip(text, covered, strict=True) if not hit)
    assert redacted.replace("[X]", "") == expected_kept or "[X]" in text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_normalize_offsets_are_monotonic_and_in_range(text: str) -> None:
    folded, offsets = normalize(text)
    if offsets is None:
        assert len(folded) == len(text)
        return
    assert len(offsets) == len(folded) + 1
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)
    for finding in INJECTION.scan(text):
        assert 0 <= finding.start <= finding.end <= len(text)
    if folded:
        start, end = original_span(offsets, 0, len(folded))
        assert 0 <= start <= end <= len(text)
