"""Prompt-injection guardrail: weighted phrases on folded text, plus decoding.

The text is folded first (``normalize``: homoglyphs, zero-width characters,
leetspeak, NFKC), then one combined regex finds every phrase signal in one
pass. Long base64 or hex runs found in the same pass are decoded and the
decoded text is scanned again (up to ``max_decode_depth`` levels), so
"aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=" scores like its plain text.
Distinct signals combine by noisy-OR into the rules' score in [0, 1].

With ``settings.learned`` the verdict's score is instead the learned model's
probability stacked with the rules' score (``learned.py``): the rules alone
caught 0.29 of the held-out direct attacks of ``bench/guard_corpus.py`` (the
model with them 0.80, at 0.6% false positives) and fired on security discussion
and config files; rules written from misses did not generalise. The model's
part is one ``"learned"`` finding over the whole text.

Roles: ``role_kind`` and ``for_kind`` let the pipeline skip trusted (system,
developer) messages and judge indirect ones (tool results) against
``indirect_threshold``; the cached verdict itself is role-independent.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import repeat

from routeiq.plugins.guardrails import framing
from routeiq.plugins.guardrails.base import Finding, Verdict, noisy_or, redact_spans
from routeiq.plugins.guardrails.injection_rules import PHRASES
from routeiq.plugins.guardrails.learned import InjectionModel, default_model, length_factor
from routeiq.plugins.guardrails.normalize import normalize, original_span
from routeiq.plugins.guardrails.phrases import Phrase, PhraseSet, compile_phrases
from routeiq.plugins.guardrails.settings import InjectionSettings, RoleKind
from routeiq.plugins.guardrails.transformer import (
    TransformerStacking,
    load_stacking,
    resolve_enabled,
)

#: Bump when the phrase table or the scoring changes.
PATTERNS_VERSION = "4"
#: Sentinel: "load the shipped model if the settings ask for it".
_DEFAULT = object()

# Encoded runs, matched in the same pass as the phrases (after the separator
# anchor). Leetspeak folding maps some digits to letters, so the classes
# here are loose supersets; the original characters are checked on decoding.
_BASE64_MIN = 15
#: A whitespace-free run long enough to hold a base64 run (``\S`` and ``str.split``
#: agree on what whitespace is): one C scan instead of splitting the text.
_LONG_TOKEN = re.compile(rf"\S{{{_BASE64_MIN}}}")
_BASE64_RUN = re.compile(r"[^a-z0-9+/=]([a-z0-9+/]{15,}={0,2})(?![a-z0-9+/=])")
_ENCODED = (
    Phrase("hex_escapes", "encoded", 0.0, r"x[0-9a-z]{2}(?:\\x[0-9a-z]{2}){7,}", ("\\",)),
    Phrase("hex_spaced", "encoded", 0.0, r"[0-9a-z]{2}(?:[ :,][0-9a-z]{2}){9,}(?![0-9a-z])", ("",)),
)
_HEX_ONLY = re.compile(r"(?:\\x|0x)?[0-9a-fA-F]{2}(?:[ :,]?(?:\\x|0x)?[0-9a-fA-F]{2})*")
_HEX_SEPARATORS = re.compile(r"\\x|0x|[ :,]")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
#: Weight of a decoded payload that itself carries injection signals.
ENCODED_PAYLOAD_WEIGHT = 0.85


def _decode(raw: str) -> str | None:
    """Decode a hex or base64 run into text, or None if it is not text."""
    data: bytes | None = None
    if _HEX_ONLY.fullmatch(raw):
        digits = _HEX_SEPARATORS.sub("", raw)
        if len(digits) % 2 == 0:
            data = bytes.fromhex(digits)
    if data is None and _BASE64.fullmatch(raw):
        padded = raw + "=" * (-len(raw) % 4)
        try:
            data = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            return None
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\t")
    letters = sum(1 for c in text if c.isalpha() or c == " ")
    # Random bytes rarely decode as UTF-8; when they do they are not mostly letters.
    if printable < 0.95 * len(text) or letters < 0.6 * len(text):
        return None
    return text


class InjectionGuardrail:
    """Scores prompt-injection signals; acts when the score reaches the threshold."""

    name = "injection"

    def __init__(self, settings: InjectionSettings | None = None, model: object = _DEFAULT) -> None:
        self.settings = settings or InjectionSettings()
        if model is _DEFAULT:
            model = default_model() if self.settings.learned else None
        if model is not None and not isinstance(model, InjectionModel):
            raise TypeError("model must be an InjectionModel or None")
        self.model: InjectionModel | None = model
        learned = f"m{model.version}" if model is not None else "rules"
        #: The transformer model's stacking when ``settings.transformer`` is on
        #: (``transformer.py``; its verdicts come from ``transformer_pass``).
        self.transformer: TransformerStacking | None = None
        if resolve_enabled(self.settings.transformer):
            self.transformer = load_stacking()
            learned += f"+tf{self.transformer.version}"
        indirect = self.settings.indirect_threshold
        if indirect is None and self.transformer is not None:
            indirect = self.transformer.indirect_threshold
        if indirect is None:
            indirect = model.indirect_threshold if model is not None else self.settings.threshold
        #: The threshold tool results and documents are judged against.
        self.indirect_threshold: float = indirect
        self.version = f"{self.name}/{PATTERNS_VERSION}/{learned}/{self.settings.fingerprint()}"
        extra = [
            Phrase(p.name, p.category or p.name, p.weight, p.pattern, ())
            for p in self.settings.extra_patterns
        ]
        self._phrases: PhraseSet = compile_phrases((*PHRASES, *_ENCODED), extra)
        self._prefetched: dict[str, float] = {}

    def _signals(self, text: str, depth: int, decoded: list[str] | None = None) -> list[Finding]:
        """Phrase and encoding findings; texts decoded from base64/hex runs are
        appended to ``decoded`` (for the learned model) when it is given."""
        folded, offsets = normalize(text)
        padded = " " + folded  # every word start now has a separator before it
        findings: list[Finding] = []
        phrases = self._phrases
        search = phrases.regex.search
        position = 0
        # Resume one character after each match's start, not after its end, so
        # overlapping phrases ("from now on act as an unfiltered ai") all count.
        while (match := search(padded, position)) is not None:
            position = match.start() + 1
            group = match.lastgroup
            if group is None:
                continue
            phrase = phrases.by_group[group]
            # The match includes the separator anchor; drop it unless it is part of
            # the phrase (a "<|" or "[" or "#" delimiter).
            start = match.start()
            if group.startswith("x") or not padded[start].isspace():
                start = max(start - 1, 0)
            start, end = original_span(offsets, start, match.end() - 1)
            if phrase.category == "encoded" and phrase.weight == 0.0:
                weight = self._decoded_weight(text[start:end], depth, decoded)
                if weight:
                    findings.append(Finding(self.name, "encoded", start, end, weight, phrase.id))
                continue
            findings.append(
                Finding(self.name, phrase.category, start, end, phrase.weight, phrase.id)
            )
        if _LONG_TOKEN.search(folded) is not None:
            findings.extend(self._base64_runs(text, padded, offsets, depth, decoded))
        return findings

    def _base64_runs(
        self,
        text: str,
        padded: str,
        offsets: list[int] | None,
        depth: int,
        decoded: list[str] | None,
    ) -> list[Finding]:
        # Base64 runs get their own small pattern, run only on texts with a token
        # long enough to hold one: as an alternative of the phrase pattern it read
        # the word after every separator (measured: 60% of the scan time).
        found = []
        for run in _BASE64_RUN.finditer(padded):
            start, end = original_span(offsets, run.start(), run.end() - 1)
            weight = self._decoded_weight(text[start:end], depth, decoded)
            if weight:
                found.append(Finding(self.name, "encoded", start, end, weight, "base64_run"))
        return found

    def _decoded_weight(self, raw: str, depth: int, found: list[str] | None = None) -> float:
        if depth >= self.settings.max_decode_depth:
            return 0.0
        decoded = _decode(raw.strip())
        if decoded is None:
            return 0.0
        if found is not None:
            found.append(decoded)
        inner = self._signals(decoded, depth + 1, found)
        if not inner:
            return 0.0
        # Hiding instructions in an encoding is itself a signal: at least the payload weight.
        return max(ENCODED_PAYLOAD_WEIGHT, noisy_or([f.score for f in inner]))

    def rule_findings(self, text: str, decoded: list[str] | None = None) -> list[Finding]:
        """The phrase findings, their weights scaled down where the text mentions
        an attack rather than making one (``framing``: quoted, discussion, code)."""
        signals = self._signals(text, 0, decoded)
        if not signals:  # most texts: no filtering pass
            return signals
        enabled = self.settings.category_enabled
        findings = [f for f in signals if enabled(f.type)]
        if not findings:
            return findings
        folded, _ = normalize(text)
        factor = 1.0
        if framing.discussion(folded):
            factor *= framing.DISCUSSION_FACTOR
        if framing.mostly_code(folded):
            factor *= framing.CODE_FACTOR
        scaled = []
        for finding in findings:
            weight = factor
            if finding.type != "encoded" and framing.quoted(text, finding.start, finding.end):
                weight *= framing.QUOTED_FACTOR
            scaled.append(
                finding if weight == 1.0 else replace(finding, score=finding.score * weight)
            )
        return scaled

    def scan(self, text: str) -> list[Finding]:
        """Every injection signal in ``text`` (enabled categories), in text order;
        with the model, one ``learned`` finding over the whole text whose score is
        the stacked probability."""
        enabled = self.settings.category_enabled
        decoded: list[str] = []
        findings = self.rule_findings(text, decoded)
        model = self.model
        if model is not None and enabled("learned"):
            rules = self.score(findings) if findings else 0.0  # (score of nothing)
            logit = self.decoded_logit(model, text, decoded)
            probability = model.stacking.combine(logit, rules)
            findings.append(Finding(self.name, "learned", 0, len(text), probability, "model"))
        return findings

    def decoded_logit(self, model: InjectionModel, text: str, decoded: Sequence[str]) -> float:
        """The model's input to the stacking: its logit (prefetched if it was),
        the highest with any text decoded from the rules' base64/hex runs (as if
        sent plainly; rare: only runs that decode to mostly-letter UTF-8 text),
        scaled by ``length_factor``."""
        logit = self._prefetched.pop(text, None)
        if logit is None:
            logit = model.logit(text)
        if decoded:
            logit = max(logit, *model.logits(decoded))
        return logit * length_factor(text)

    def model_logit(self, text: str) -> float:
        """What ``scan`` stacks for ``text`` (for training the stacking)."""
        if self.model is None:
            raise ValueError("no model")
        decoded: list[str] = []
        self.rule_findings(text, decoded)
        return self.decoded_logit(self.model, text, decoded)

    def prefetch(self, texts: Sequence[str]) -> None:
        """Compute the model's logits of ``texts`` in one batch for the ``scan``
        calls that follow (one vectorised pass costs about what one text costs).

        Kept only until the next prefetch: a text not scanned by then is dropped.
        """
        if self.model is not None and self.settings.category_enabled("learned"):
            self._prefetched = dict(zip(texts, self.model.logits(texts), strict=True))

    def rule_score(self, text: str) -> float:
        """The rules' noisy-OR score alone (the model's stacking input)."""
        return self.score(self.rule_findings(text))

    def score(self, findings: Sequence[Finding]) -> float:
        """The learned finding's probability if there is one, else noisy-OR over
        distinct rules (a phrase repeated ten times counts once)."""
        distinct: dict[str, float] = {}
        for finding in findings:
            if finding.type == "learned":
                return finding.score
            distinct[finding.rule] = max(finding.score, distinct.get(finding.rule, 0.0))
        return noisy_or(list(distinct.values()))

    def decide(self, findings: Sequence[Finding], text: str) -> Verdict:
        """Act when the combined score reaches the (direct) threshold."""
        return self._decide(findings, text, self.settings.threshold)

    def _decide(self, findings: Sequence[Finding], text: str, threshold: float) -> Verdict:
        score = self.score(findings)
        if score < threshold:
            return Verdict(self.name, tuple(findings), score, None)
        action = self.settings.action
        redacted = None
        if action == "redact":
            spans = [f for f in findings if f.type != "learned"]
            spans = spans or list(findings)  # only the model fired: the whole text
            redacted = redact_spans(text, spans, lambda f: f"[INJECTION:{f.type.upper()}]")
        return Verdict(self.name, tuple(findings), score, action, redacted)

    # -- roles ----------------------------------------------------------------

    def role_kind(self, role: str | None) -> RoleKind:
        """How a message of ``role`` is scanned: trusted (skipped), direct, indirect."""
        return self.settings.role_kind(role)

    def role_kinds(self, roles: Sequence[str | None]) -> list[RoleKind]:
        """``role_kind`` of each role, in one C-level pass (a role the settings do
        not list, or none, is ``direct``: their keys are strings, never None)."""
        return list(map(self.settings.roles.get, roles, repeat("direct")))  # type: ignore[arg-type]

    def for_kind(self, verdict: Verdict, kind: RoleKind, text: str) -> Verdict:
        """``verdict`` (decided as direct) re-decided for a message of ``kind``."""
        if kind == "direct":
            return verdict
        if kind == "trusted":
            return replace(verdict, action=None, redacted=None)
        return self._decide(verdict.findings, text, self.indirect_threshold)

    def check(self, text: str) -> Verdict:
        """Scan and decide in one call."""
        return self.decide(self.scan(text), text)
