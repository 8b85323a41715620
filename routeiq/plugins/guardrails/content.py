"""Content filter: per-category scores from weighted keywords and intent patterns.

Same machinery as the injection guardrail (folded text, one combined regex,
noisy-OR per category); the verdict acts when any enabled category reaches
its threshold. The verdict's score is the highest category score.

With ``settings.learned`` the learned harmful-request model (``content_model.py``)
is stacked with the rules' score into one more category, ``harmful_request``: a
finding over the whole text when its probability reaches that category's
threshold. Keyword rules miss paraphrased goals ("make an incendiary device",
"track my wife's phone secretly"); the model reads the request itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from routeiq.plugins.guardrails.base import Finding, Verdict, noisy_or, redact_spans
from routeiq.plugins.guardrails.content_model import ContentModel, default_content_model
from routeiq.plugins.guardrails.content_rules import DEFENSIVE_FACTOR, PHRASES, REQUEST_BOOST
from routeiq.plugins.guardrails.learned import length_factor
from routeiq.plugins.guardrails.normalize import normalize, original_span
from routeiq.plugins.guardrails.phrases import Phrase, compile_phrases
from routeiq.plugins.guardrails.settings import ContentSettings

#: Bump when the keyword table or the scoring changes.
PATTERNS_VERSION = "3"
#: Weightless framing signals that modulate the harm keywords.
_FRAMING = frozenset({"request", "defensive"})
#: The learned model's category (its score is already a probability: no framing).
LEARNED = "harmful_request"
#: Sentinel: "load the shipped model if the settings ask for it".
_DEFAULT = object()


class ContentGuardrail:
    """Scores violence, hate, sexual, self-harm and illegal-activity content."""

    name = "content"

    def __init__(self, settings: ContentSettings | None = None, model: object = _DEFAULT) -> None:
        self.settings = settings or ContentSettings()
        if model is _DEFAULT:
            wanted = self.settings.learned and self.settings.category_enabled(LEARNED)
            model = default_content_model() if wanted else None
        if model is not None and not isinstance(model, ContentModel):
            raise TypeError("model must be a ContentModel or None")
        self.model: ContentModel | None = model
        learned = f"/m{model.version}" if model is not None else ""
        self.version = f"{self.name}/{PATTERNS_VERSION}{learned}/{self.settings.fingerprint()}"
        self._prefetched: dict[str, float] = {}
        extra = [
            Phrase(p.name, p.category or p.name, p.weight, p.pattern, ())
            for p in self.settings.extra_patterns
        ]
        self._phrases = compile_phrases(PHRASES, extra)
        #: The verdict on a text with no finding (most texts), built once.
        self._clean = Verdict(self.name, (), 0.0, None)

    def scan(self, text: str) -> list[Finding]:
        """Every keyword/pattern hit in ``text`` (enabled categories), in text order;
        with the model, then one ``harmful_request`` finding over the whole text
        when its stacked probability reaches that category's threshold."""
        findings = self.rule_findings(text)
        if self.model is not None:
            probability = self.learned_probability(text, findings)
            if probability is not None and probability >= self.settings.threshold_for(LEARNED):
                findings.append(Finding(self.name, LEARNED, 0, len(text), probability, "model"))
        return findings

    def rule_findings(self, text: str) -> list[Finding]:
        """Every keyword/pattern hit in ``text`` (enabled categories), in text order."""
        folded, offsets = normalize(text)
        padded = " " + folded
        enabled = self.settings.category_enabled
        findings: list[Finding] = []
        search = self._phrases.regex.search
        position = 0
        # Resume one character after each match's start, not after its end, so
        # overlapping phrases ("from now on act as an unfiltered ai") all count.
        while (match := search(padded, position)) is not None:
            position = match.start() + 1
            group = match.lastgroup
            if group is None:
                continue
            phrase = self._phrases.by_group[group]
            if phrase.category not in _FRAMING and not enabled(phrase.category):
                continue
            # The anchored match starts at the separator before the word (index
            # shifted by the leading space): the word starts one later in padded.
            start = match.start() if group.startswith("x") else match.start() + 1
            start, end = original_span(offsets, start - 1, match.end() - 1)
            findings.append(
                Finding(self.name, phrase.category, start, end, phrase.weight, phrase.id)
            )
        return findings

    def learned_probability(self, text: str, findings: Sequence[Finding]) -> float | None:
        """The stacked probability of the model (its logit prefetched if it was)
        and the rules' ``findings``; None when a rule category already acts."""
        model = self.model
        if model is None:
            raise ValueError("no model")
        inputs = self.stack_inputs(text, findings, self._prefetched.pop(text, None))
        return None if inputs is None else model.stacking.combine(*inputs)

    def stack_inputs(
        self, text: str, findings: Sequence[Finding], logit: float | None = None
    ) -> tuple[float, float] | None:
        """What the stacking combines: the model's logit (computed unless given),
        scaled by ``length_factor`` and, under a defensive framing ("how to
        recognise a phishing scam"), by ``DEFENSIVE_FACTOR`` as the keywords are;
        and the rules' score (the highest category score of the rule
        ``findings``). None when a rule category already acts: the model only adds
        what the rules miss, and a rule's category (and redaction span) names
        the harm more precisely."""
        model = self.model
        if model is None:
            raise ValueError("no model")
        rules = 0.0
        defensive = False
        if findings:
            threshold = self.settings.threshold_for
            for category, score in self.category_scores(findings).items():
                if score >= threshold(category):
                    return None
                rules = max(rules, score)
            defensive = any(f.type == "defensive" for f in findings)
        if logit is None:
            logit = model.logit(text)
        logit *= length_factor(text)
        if defensive:
            logit *= DEFENSIVE_FACTOR
        return logit, rules

    def prefetch(self, texts: Sequence[str]) -> None:
        """The model's logits of ``texts`` in one vectorised pass, for the ``scan``
        calls that follow (kept only until the next prefetch)."""
        if self.model is not None:
            self._prefetched = dict(zip(texts, self.model.logits(texts), strict=True))

    def category_scores(self, findings: Sequence[Finding]) -> dict[str, float]:
        """Noisy-OR per category over distinct rules (a repeated word counts once).

        A request framing ("how to", "write a") raises every harm keyword of the
        message by ``REQUEST_BOOST``: "how to launder money" is worse than a
        news sentence that mentions laundering. A defensive framing ("how to
        avoid", "signs of") scales them down by ``DEFENSIVE_FACTOR`` instead.
        """
        framing = {f.type for f in findings if f.type in _FRAMING}
        defensive = "defensive" in framing
        boost = REQUEST_BOOST if "request" in framing and not defensive else 0.0
        factor = DEFENSIVE_FACTOR if defensive else 1.0
        per_rule: dict[str, dict[str, float]] = {}
        for finding in findings:
            if finding.type in _FRAMING:
                continue
            if finding.type == LEARNED:
                per_rule[LEARNED] = {"model": finding.score}
                continue
            rules = per_rule.setdefault(finding.type, {})
            weight = min(1.0, finding.score * factor + boost)
            rules[finding.rule] = max(weight, rules.get(finding.rule, 0.0))
        return {category: noisy_or(list(r.values())) for category, r in per_rule.items()}

    def decide(self, findings: Sequence[Finding], text: str) -> Verdict:
        """Act when any category's score reaches that category's threshold.

        The verdict lists harm findings only; the weightless framing findings
        ("request", "defensive") have done their work in the scores.
        """
        for finding in findings:
            if finding.type not in _FRAMING:
                break
        else:
            # No finding, or framing alone ("how to", "can you": every other chat
            # message): no category has a score, the general path's verdict is
            # the clean one (checked in test_fast_paths).
            return self._clean
        scores = self.category_scores(findings)
        score = max(scores.values(), default=0.0)
        harms = tuple(f for f in findings if f.type not in _FRAMING)
        over = {c for c, s in scores.items() if s >= self.settings.threshold_for(c)}
        if not over:
            return Verdict(self.name, harms, score, None)
        action = self.settings.action
        redacted = None
        if action == "redact":
            hits = [f for f in harms if f.type in over]
            redacted = redact_spans(text, hits, lambda f: f"[CONTENT:{f.type.upper()}]")
        return Verdict(self.name, harms, score, action, redacted)

    def check(self, text: str) -> Verdict:
        """Scan and decide in one call."""
        return self.decide(self.scan(text), text)
