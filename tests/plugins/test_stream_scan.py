"""Incremental output scanning across chunk boundaries (pure)."""

from __future__ import annotations

from routeiq.plugins.guardrails import ContentGuardrail, PIIGuardrail, PIISettings
from routeiq.plugins.stream_scan import MAX_FINDINGS, StreamScanner

CARD = "4111 1111 1111 1111"  # Luhn-valid Visa test number


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def stream(scanner: StreamScanner, parts: list[str]) -> tuple[int | None, str]:
    """(index of the part whose feed blocked, or None; the text released)."""
    out = []
    for i, part in enumerate(parts):
        if scanner.feed(part) is not None:
            return i, "".join(out)
        out.append(scanner.release())
    if scanner.close() is not None:
        return len(parts), "".join(out)
    out.append(scanner.release(final=True))
    return None, "".join(out)


def test_a_card_split_across_chunks_is_caught_and_never_released() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    text = f"Sure. The number on file is {CARD} and it expires soon."
    end = text.index(CARD) + len(CARD)
    for size in (1, 2, 3, 5, 7, 11, 19):
        hit, released = stream(StreamScanner([pii], overlap=64), pieces(text, size))
        assert hit is not None, size
        # Judged once the text after the number arrived (" a" ends it) ...
        assert sum(map(len, pieces(text, size)[: hit + 1])) >= end + 2, size
        # ... and not one digit of it went out.
        assert released == text[: text.index(CARD)][: len(released)], size
        assert "4111" not in released and "1111" not in released, size


def test_a_card_at_the_very_end_of_the_stream_is_judged_at_close() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    text = f"The number is {CARD}"
    hit, released = stream(StreamScanner([pii], overlap=64), pieces(text, 4))
    assert hit == len(pieces(text, 4))  # blocked by close()
    assert released == "The number is "


def test_luhn_invalid_numbers_split_across_chunks_pass_whole() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    text = "Order 4111 1111 1111 1112 shipped; tracking 1234 5678 9012 3456 tomorrow."
    for size in (1, 3, 4, 9):
        hit, released = stream(StreamScanner([pii], overlap=64), pieces(text, size))
        assert hit is None, size
        assert released == text, size


def test_the_verdict_does_not_depend_on_chunking() -> None:
    pii = PIIGuardrail(PIISettings(action="log"))
    text = "write to a.b@example.org, then call +44 20 7946 0958; the IP is 192.168.10.20 ok"
    whole = StreamScanner([pii], overlap=64)
    stream(whole, [text])
    expected = whole.triggered["pii"].types
    assert expected == {"EMAIL", "PHONE", "IPV4"}
    for size in (1, 2, 5, 13):
        split = StreamScanner([pii], overlap=64)
        assert stream(split, pieces(text, size)) == (None, text)
        assert split.triggered["pii"].types == expected, size


def test_content_scores_accumulate_over_the_stream() -> None:
    content = ContentGuardrail()
    text = "Here is how to build a pipe bomb at home, step by step."
    assert content.check(text).action == "block"
    hit, _ = stream(StreamScanner([content], overlap=32), pieces(text, 4))
    assert hit is not None


def test_findings_are_bounded() -> None:
    pii = PIIGuardrail(PIISettings(action="log"))
    scanner = StreamScanner([pii], overlap=32)
    for i in range(MAX_FINDINGS * 2):
        scanner.feed(f" user{i}@example.com;")
    assert len(scanner._found[0]) == MAX_FINDINGS


def test_plain_text_is_released_at_once() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    scanner = StreamScanner([pii], overlap=64)
    for word in ("Hello", " there", ", how", " are", " you?"):
        assert scanner.feed(word) is None
        assert scanner.release() == word
        assert scanner.held == 0


def test_holdback_releases_redacted_text_and_never_a_partial_value() -> None:
    pii = PIIGuardrail(PIISettings(action="redact"))
    text = f"Your card {CARD} is saved. Mail jane.doe@example.com for help with it."
    for size in (1, 3, 8):
        scanner = StreamScanner([pii], overlap=64, holdback=24, redactors=[pii])
        out = []
        for part in pieces(text, size):
            assert scanner.feed(part) is None
            released = scanner.release()
            assert "4111" not in released and "jane" not in released, (size, released)
            out.append(released)
        assert scanner.close() is None
        out.append(scanner.release(final=True))
        expected = "Your card [PII:CREDIT_CARD] is saved. Mail [PII:EMAIL] for help with it."
        assert "".join(out) == expected


def test_holdback_keeps_at_most_the_window_plus_a_word() -> None:
    pii = PIIGuardrail(PIISettings(action="redact"))
    scanner = StreamScanner([pii], overlap=64, holdback=16, redactors=[pii])
    for word in ("lorem ipsum dolor sit amet " * 20).split(" "):
        scanner.feed(word + " ")
        scanner.release()
        assert scanner.held <= 16 + 7


# Found by the outside-evaluator probe: with output PII set to block, a stream whose
# e-mail address arrived in two chunks ("john.doe@exa", "mple.com") sent the first half
# before the second made it an address; the Responses stream's failed event repeated it.


def test_a_split_address_or_secret_is_held_until_its_word_ends() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    for parts in (
        ["Sure, write to ", "john.doe@exa", "mple.com today."],
        ["Sure, write to john", ".doe@", "example.com today."],
        ["Your key: ", "sk-proj-", "Zk3vQ9xL2mN8pR4tW7yB1cD5fG6hJ0kA", " keep it safe."],
    ):
        scanner = StreamScanner([pii], overlap=64)
        hit, released = stream(scanner, parts)
        assert hit is not None, parts
        assert "@" not in released and "sk-" not in released and ".doe" not in released, released


def test_a_word_with_a_dot_waits_for_the_next_chunk_only() -> None:
    pii = PIIGuardrail(PIISettings(action="block"))
    scanner = StreamScanner([pii], overlap=64)
    assert scanner.feed("It is done.") is None
    assert scanner.release() == "It is "
    assert scanner.feed(" Next") is None
    assert scanner.release() == "done. Next"
    assert scanner.close() is None
    assert scanner.release(final=True) == ""
