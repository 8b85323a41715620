"""Incremental scanning of one streamed output text (I/O-free).

The model's answer arrives a few characters at a time; a card number may be
split over two chunks. ``StreamScanner.feed(text)`` scans the new text
together with the last ``overlap`` characters before it (a bounded sliding
window, started at a whitespace so no half token is scanned on its own),
keeps only findings that end in the new text, and accumulates them (with
absolute offsets, per guardrail) so that a guardrail that scores evidence
over the whole text (injection, content) decides on everything seen so far.
Memory is bounded: the window, at most ``MAX_FINDINGS`` findings per
guardrail, and the held-back text.

Redaction on streams needs the value before it is forwarded, so it is
opt-in: with ``holdback > 0`` the scanner holds back the last ``holdback``
characters (never cutting through a finding or a word) and ``release()``
returns the text that is safe to forward, redacted by each redacting
guardrail in order. With ``holdback == 0`` text is forwarded as it comes and
an output ``redact`` verdict can only be logged (counted as unapplied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from routeiq.plugins.guardrails import Finding, Guardrail, Verdict

MAX_FINDINGS = 256
_SPACE = " \t\r\n"


class StreamScanner:
    """Scan one text as it grows; see the module docstring."""

    __slots__ = (
        "_end",
        "_found",
        "_pending",
        "_released",
        "_tail",
        "guardrails",
        "holdback",
        "overlap",
        "redactors",
        "triggered",
    )

    def __init__(
        self,
        guardrails: Sequence[Guardrail],
        *,
        overlap: int = 128,
        holdback: int = 0,
        redactors: Sequence[Guardrail] = (),
    ) -> None:
        self.guardrails = tuple(guardrails)
        self.redactors = tuple(redactors)
        self.overlap = overlap
        self.holdback = holdback
        self._tail = ""  # the last `overlap` characters fed
        self._end = 0  # characters fed so far
        self._found: list[dict[tuple[str, str, int], Finding]] = [{} for _ in self.guardrails]
        self._pending = ""  # held back, not released (holdback mode)
        self._released = 0  # absolute offset of _pending[0]
        #: The last non-block verdict of each guardrail that decided an action.
        self.triggered: dict[str, Verdict] = {}

    def feed(self, text: str) -> Verdict | None:
        """Scan ``text`` (the next piece); return a blocking verdict, if any."""
        if not text:
            return None
        tail = self._tail
        cut = 0
        if tail:
            # Start the window after a whitespace: a token cut in half could look
            # like a (different) value on its own.
            for i, ch in enumerate(tail):
                if ch in _SPACE:
                    cut = i + 1
                    break
        region = tail[cut:] + text
        base = self._end - len(tail) + cut
        seen_end = self._end
        self._end += len(text)
        window = tail + text
        self._tail = window[-self.overlap :] if len(window) > self.overlap else window
        if self.holdback:
            self._pending += text
        blocking: Verdict | None = None
        for guardrail, found in zip(self.guardrails, self._found, strict=True):
            fresh = False
            for finding in guardrail.scan(region):
                end = finding.end + base
                if end <= seen_end:
                    continue  # lies in text already judged with its full context
                start = finding.start + base
                found[(finding.rule, finding.type, start)] = replace(finding, start=start, end=end)
                fresh = True
            if not fresh:
                continue
            while len(found) > MAX_FINDINGS:
                del found[next(iter(found))]
            verdict = guardrail.decide(list(found.values()), "")
            if verdict.action == "block":
                blocking = blocking or verdict
            elif verdict.action is not None:
                self.triggered[guardrail.name] = verdict
        return blocking

    def release(self, *, final: bool = False) -> str:
        """Held-back text that is now safe to forward, redacted (holdback mode).

        Keeps the last ``holdback`` characters, moved back to a whitespace and
        before any finding that would be cut; ``final`` releases everything.
        """
        pending = self._pending
        if not pending:
            return ""
        cut = len(pending)
        if not final:
            cut = len(pending) - self.holdback
            if cut <= 0:
                return ""
            space = max(pending.rfind(ch, 0, cut) for ch in _SPACE)
            if space > 0:
                cut = space + 1
            start = self._released
            for found in self._found:
                for f in found.values():
                    if f.start - start < cut < f.end - start:
                        cut = max(0, f.start - start)
            if cut <= 0:
                return ""
        segment, self._pending = pending[:cut], pending[cut:]
        self._released += cut
        for guardrail in self.redactors:
            verdict = guardrail.check(segment)
            if verdict.action == "redact" and verdict.redacted is not None:
                segment = verdict.redacted
        return segment

    @property
    def held(self) -> int:
        """Characters held back now."""
        return len(self._pending)
