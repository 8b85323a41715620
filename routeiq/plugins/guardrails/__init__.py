"""I/O-free guardrail matchers: PII, prompt injection, content filter.

Each guardrail is a pure function of text and settings (no trio, no quart):
``scan(text) -> findings``, ``decide(findings, text) -> Verdict``,
``check(text)`` for both. ``scan_messages`` with a ``VerdictCache`` makes a
conversation's scanning incremental. The pipeline runs them concurrently.
"""

from routeiq.plugins.guardrails.base import (
    ACTION_SEVERITY,
    Action,
    Finding,
    Guardrail,
    Verdict,
    noisy_or,
    redact_spans,
)
from routeiq.plugins.guardrails.cache import (
    VerdictCache,
    message_digest,
    scan_conversation,
    scan_messages,
)
from routeiq.plugins.guardrails.content import ContentGuardrail
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.pii import PIIGuardrail
from routeiq.plugins.guardrails.pool import GuardrailPool, build_guardrail
from routeiq.plugins.guardrails.settings import (
    ContentSettings,
    ExtraPattern,
    GuardrailSettings,
    InjectionSettings,
    PIISettings,
)

__all__ = [
    "ACTION_SEVERITY",
    "Action",
    "ContentGuardrail",
    "ContentSettings",
    "ExtraPattern",
    "Finding",
    "Guardrail",
    "GuardrailPool",
    "GuardrailSettings",
    "InjectionGuardrail",
    "InjectionSettings",
    "PIIGuardrail",
    "PIISettings",
    "Verdict",
    "VerdictCache",
    "build_guardrail",
    "message_digest",
    "noisy_or",
    "redact_spans",
    "scan_conversation",
    "scan_messages",
]
