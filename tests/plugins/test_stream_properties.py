"""Properties of incremental output scanning, over random texts and chunkings."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from routeiq.plugins.guardrails import PIIGuardrail, PIISettings
from routeiq.plugins.stream_scan import StreamScanner

PII = PIIGuardrail(PIISettings(action="block"))
WORDS = ["the", "answer", "is", "sort", "list", "python", "2024", "42", "a", "of", "in", "7", "ok"]
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009", "6011000000000004"]

words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=30).map(" ".join)
cuts = st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=80)


def chunked(text: str, sizes: list[int]) -> list[str]:
    parts, i, k = [], 0, 0
    while i < len(text):
        size = sizes[k % len(sizes)]
        parts.append(text[i : i + size])
        i += size
        k += 1
    return parts


def run(text: str, sizes: list[int]) -> tuple[bool, str]:
    scanner = StreamScanner([PII], overlap=64)
    released = []
    for part in chunked(text, sizes):
        if scanner.feed(part) is not None:
            return True, "".join(released)
        released.append(scanner.release())
    if scanner.close() is not None:
        return True, "".join(released)
    released.append(scanner.release(final=True))
    return False, "".join(released)


@settings(max_examples=400, deadline=None)
@given(before=words, card=st.sampled_from(CARDS), after=words, sizes=cuts)
def test_streaming_blocks_exactly_when_the_whole_text_blocks(
    before: str, card: str, after: str, sizes: list[int]
) -> None:
    """Whatever the chunking, the stream's verdict is the whole text's; when it
    blocks, what went out is a prefix of the text without the card's digits."""
    text = f"{before} {card} {after}".strip()
    verdict = PII.check(text)
    blocked, released = run(text, sizes)
    assert blocked == (verdict.action == "block")
    if not blocked:
        assert released == text
        return
    assert text.startswith(released)
    start = text.index(card)
    if any(f.type == "CREDIT_CARD" and f.start == start for f in verdict.findings):
        # The card itself is a finding (not only, say, a phone number after it).
        digits = card.replace(" ", "").replace("-", "")
        assert digits[:4] not in released.replace(" ", "").replace("-", "")


@settings(max_examples=300, deadline=None)
@given(text=words, sizes=cuts)
def test_benign_text_goes_through_whole_and_unchanged(text: str, sizes: list[int]) -> None:
    assume(PII.check(text).action is None)  # e.g. "7 2024 2024" reads as a phone number
    assert run(text, sizes) == (False, text)


REDACT = PIIGuardrail(PIISettings(action="redact"))
VALUES = [*CARDS, "jane.doe@example.com", "ops+alerts@corp.example.org", "078-05-1120"]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(words, st.sampled_from(VALUES)), min_size=1, max_size=6),
    sizes=cuts,
)
def test_holdback_redaction_matches_the_whole_text_redaction(
    parts: list[str], sizes: list[int]
) -> None:
    text = " ; ".join(p for p in parts if p)
    verdict = REDACT.check(text)
    expected = verdict.redacted if verdict.action == "redact" else text
    scanner = StreamScanner([REDACT], overlap=64, holdback=40, redactors=[REDACT])
    out = []
    for part in chunked(text, sizes):
        assert scanner.feed(part) is None
        out.append(scanner.release())
    assert scanner.close() is None
    out.append(scanner.release(final=True))
    assert "".join(out) == expected
