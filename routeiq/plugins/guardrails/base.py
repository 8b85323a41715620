"""Guardrail core types: findings, verdicts, the protocol, span redaction.

Everything here is pure and I/O-free: a guardrail is a function of the text
and its settings, so the pipeline can run it anywhere (and cache its verdict
under the guardrail's ``version``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Action = Literal["block", "redact", "warn", "log"]

#: Severity order used when several verdicts must be combined: the pipeline
#: applies the most severe action any guardrail decided.
ACTION_SEVERITY: dict[Action, int] = {"log": 0, "warn": 1, "redact": 2, "block": 3}


@dataclass(frozen=True, slots=True)
class Finding:
    """One match: ``text[start:end]`` is of ``type`` with confidence ``score`` in [0, 1].

    ``rule`` names the pattern that fired (phrase guardrails count each rule once).
    """

    guardrail: str
    type: str
    start: int
    end: int
    score: float
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A guardrail's decision about one text.

    ``action`` is None when the text passed (score below the threshold or no
    finding in an enabled category). ``redacted`` is the text with every
    finding replaced when ``action == "redact"``, else None.
    """

    guardrail: str
    findings: tuple[Finding, ...]
    score: float
    action: Action | None
    redacted: str | None = None

    @property
    def triggered(self) -> bool:
        """True when the guardrail decided an action for this text."""
        return self.action is not None

    @property
    def types(self) -> frozenset[str]:
        """The distinct finding types (categories), e.g. ``{"EMAIL", "IPV4"}``."""
        return frozenset(f.type for f in self.findings)


@runtime_checkable
class Guardrail(Protocol):
    """What the pipeline calls. ``version`` changes whenever the patterns or
    the settings change, so a cached verdict is never reused across configs."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def scan(self, text: str) -> list[Finding]:
        """All findings in ``text`` (enabled categories only), in text order."""
        ...

    def decide(self, findings: Sequence[Finding], text: str) -> Verdict:
        """Score the findings against the thresholds and pick the action."""
        ...

    def check(self, text: str) -> Verdict:
        """``decide(scan(text), text)``."""
        ...


def merge_spans(findings: Sequence[Finding]) -> list[tuple[int, int, Finding]]:
    """Non-overlapping spans covering every finding, in text order.

    Overlapping findings are merged into one span (labelled by the first,
    i.e. leftmost then longest, finding) so that no part of any matched value
    survives redaction.
    """
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    spans: list[tuple[int, int, Finding]] = []
    for finding in ordered:
        if finding.end <= finding.start:
            continue
        if spans and finding.start < spans[-1][1]:
            start, end, label = spans[-1]
            spans[-1] = (start, max(end, finding.end), label)
        else:
            spans.append((finding.start, finding.end, finding))
    return spans


def redact_spans(text: str, findings: Sequence[Finding], label: Callable[[Finding], str]) -> str:
    """Replace each (merged) finding span with ``label(finding)``.

    Replacement goes right to left so that earlier offsets stay valid; the
    text between spans is copied unchanged, byte for byte.
    """
    spans = merge_spans(findings)
    if not spans:
        return text
    pieces: list[str] = []
    cursor = len(text)
    for start, end, finding in reversed(spans):
        pieces.append(text[end:cursor])
        pieces.append(label(finding))
        cursor = start
    pieces.append(text[:cursor])
    pieces.reverse()
    return "".join(pieces)


def noisy_or(weights: Sequence[float]) -> float:
    """Combine independent evidence: ``1 - prod(1 - w)``, clamped to [0, 1].

    Two weak signals add up without any single one ever exceeding 1.
    """
    if not weights:
        return 0.0  # most texts: no rule fired (what the loop below gives, without it)
    miss = 1.0
    for weight in weights:
        miss *= 1.0 - min(max(weight, 0.0), 1.0)
    # Rounded so that one signal of weight w scores exactly w against a threshold w.
    return round(1.0 - miss, 12)
