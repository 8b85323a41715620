"""Incremental scanning of one streamed output text (I/O-free).

The model's answer arrives a few characters at a time; a card number may be
split over several chunks. ``StreamScanner.feed(text)`` scans the new text
together with the last ``overlap`` characters before it (a bounded sliding
window, started at a whitespace so no half token is scanned on its own) and
accumulates findings with absolute offsets, per guardrail, so guardrails that
score evidence over the whole text (injection, content) decide on everything
seen so far.

A finding that touches the end of the text may still grow ("4111 1111" is a
phone number until "1111 1111" arrives and makes it a card), so it is *open*:
not judged yet, and its text is not released. It is judged once text that
ends it arrives (or at ``close()``, when the stream ends). A trailing run of
digits is held the same way, so the first digits of a card never go out
before the scanner knows what they are; so is an unfinished last word with a
character of an address or a secret in it (``jane.doe@exa``: the rest of the
address is in the next chunk). Everything else is released at once: ``release()``
returns the text that is safe to forward.

``holdback > 0`` (opt-in) additionally holds back the last ``holdback``
characters (never cutting a word or a finding) and redacts the released text
with each redacting guardrail in order: that is what lets output ``redact``
work on streams, at the cost of delaying the text by ``holdback`` characters.

Memory is bounded: the window, at most ``MAX_FINDINGS`` findings per
guardrail, and the held text (open findings plus the holdback).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from routeiq.plugins.guardrails import Finding, Guardrail, Verdict

MAX_FINDINGS = 256
MAX_OPEN = 512  # an "open" run longer than this is judged and released anyway
_SPACE = " \t\r\n"
_OPEN_TAIL = frozenset(" -./()+")
_TRAILING_NUMBER = re.compile(r"[+(]?[0-9][0-9 ()./\-]*$")
# The unfinished last word of the text, when it has a character of an address or a
# secret (``jane.doe@exa``, ``sk-proj-``): it is held until the word ends, or the
# part already sent would be half a value the scanner only recognises once whole.
_TRAILING_WORD = re.compile(r"[^ \t\r\n]*[@._+\-][^ \t\r\n]*$")


class StreamScanner:
    """Scan one text as it grows; see the module docstring."""

    __slots__ = (
        "_end",
        "_found",
        "_judged",
        "_open",
        "_pending",
        "_released",
        "_tail",
        "guardrails",
        "holdback",
        "overlap",
        "redactors",
        "relabel",
        "triggered",
    )

    def __init__(
        self,
        guardrails: Sequence[Guardrail],
        *,
        overlap: int = 128,
        holdback: int = 0,
        redactors: Sequence[Guardrail] = (),
        relabel: Callable[[Verdict], Verdict] | None = None,
    ) -> None:
        self.guardrails = tuple(guardrails)
        self.redactors = tuple(redactors)
        self.relabel = relabel  # e.g. the output action override
        self.overlap = overlap
        self.holdback = holdback
        self._tail = ""  # the last `overlap` characters fed
        self._end = 0  # characters fed so far
        self._judged = 0  # text before this offset has been judged
        self._open = 0  # absolute start of the earliest open finding (== _end: none)
        self._found: list[dict[tuple[str, str, int], Finding]] = [{} for _ in self.guardrails]
        self._pending = ""  # fed but not released
        self._released = 0  # absolute offset of _pending[0]
        #: The last non-block verdict of each guardrail that decided an action.
        self.triggered: dict[str, Verdict] = {}

    def feed(self, text: str) -> Verdict | None:
        """Scan ``text`` (the next piece); return a blocking verdict, if any."""
        if not text:
            return None
        tail = self._tail
        cut = 0
        if tail and self._end > len(tail):
            # The window starts inside the text: start it after a whitespace, as a
            # token cut in half could look like a (different) value on its own.
            for i, ch in enumerate(tail):
                if ch in _SPACE:
                    cut = i + 1
                    break
        region = tail[cut:] + text
        base = self._end - len(tail) + cut
        judged = self._judged
        self._end += len(text)
        window = tail + text
        self._tail = window[-self.overlap :] if len(window) > self.overlap else window
        self._pending += text
        open_at = self._end
        blocking: Verdict | None = None
        for guardrail, found in zip(self.guardrails, self._found, strict=True):
            fresh = False
            for finding in guardrail.scan(region):
                if finding.end + base <= judged:
                    continue  # lies in text already judged with its full context
                rest = region[finding.end :]
                if len(rest) <= 2 and all(c in _OPEN_TAIL for c in rest):
                    if self._end - (finding.start + base) <= MAX_OPEN:
                        open_at = min(open_at, finding.start + base)
                        continue  # may still grow: judged when it ends
                start = finding.start + base
                found[(finding.rule, finding.type, start)] = replace(
                    finding, start=start, end=finding.end + base
                )
                fresh = True
            if fresh:
                blocking = self._judge(guardrail, found) or blocking
        self._open = open_at
        self._judged = open_at
        return blocking

    def _judge(
        self, guardrail: Guardrail, found: dict[tuple[str, str, int], Finding]
    ) -> Verdict | None:
        while len(found) > MAX_FINDINGS:
            del found[next(iter(found))]
        verdict = guardrail.decide(list(found.values()), "")
        if self.relabel is not None:
            verdict = self.relabel(verdict)
        if verdict.action == "block":
            return verdict
        if verdict.action is not None:
            self.triggered[guardrail.name] = verdict
        return None

    def close(self) -> Verdict | None:
        """The stream ended: judge the open findings; a blocking verdict, if any."""
        if self._open >= self._end:
            return None
        region_start = max(self._released, self._end - self.overlap - MAX_OPEN)
        region = self._pending[region_start - self._released :]
        blocking: Verdict | None = None
        for guardrail, found in zip(self.guardrails, self._found, strict=True):
            fresh = False
            for finding in guardrail.scan(region):
                start, end = finding.start + region_start, finding.end + region_start
                if end > self._open:
                    found[(finding.rule, finding.type, start)] = replace(
                        finding, start=start, end=end
                    )
                    fresh = True
            if fresh:
                blocking = self._judge(guardrail, found) or blocking
        self._open = self._judged = self._end
        return blocking

    def _safe_cut(self) -> int:
        """How many pending characters may be released now."""
        pending = self._pending
        cut = min(len(pending), self._open - self._released)
        match = _TRAILING_NUMBER.search(pending, max(0, len(pending) - 64))
        if match is not None:
            cut = min(cut, match.start())
        word = _TRAILING_WORD.search(pending, max(0, len(pending) - MAX_OPEN))
        if word is not None and word.start() > len(pending) - MAX_OPEN:
            cut = min(cut, word.start())
        if self.holdback:
            cut = min(cut, len(pending) - self.holdback)
            if cut <= 0:
                return 0
            if cut < len(pending):
                cut = self._neutral_cut(pending, cut)
                if cut <= 0:
                    return 0
            start = self._released
            for found in self._found:
                for f in found.values():
                    if f.start - start < cut < f.end - start:
                        cut = f.start - start
        return max(cut, 0)

    def _neutral_cut(self, pending: str, cut: int) -> int:
        """The cut moved back so it splits neither a word nor a run of digit
        groups: redaction judges each released segment alone, and "2024 | 7 2024"
        reads differently from "2024 7 2024". Past the bound, cut anyway."""
        if len(pending) >= self.holdback + MAX_OPEN:
            return cut
        for _ in range(8):
            space = max(pending.rfind(ch, 0, cut) for ch in _SPACE)
            if space < 0:
                return 0
            moved = space + 1
            number = _TRAILING_NUMBER.search(pending, max(0, moved - 64), moved)
            if number is not None:
                moved = number.start()
            if moved == cut:
                return cut
            cut = moved
            if cut <= 0:
                return 0
        return cut

    def release(self, *, final: bool = False) -> str:
        """Pending text that is now safe to forward (redacted in holdback mode).

        ``final`` releases everything (call ``close()`` first).
        """
        pending = self._pending
        if not pending:
            return ""
        cut = len(pending) if final else self._safe_cut()
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
        """Characters fed but not released."""
        return len(self._pending)
