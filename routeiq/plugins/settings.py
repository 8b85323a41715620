"""Settings of the plugin pipeline: ``routeiq.plugins`` and ``routeiq.guardrails``.

.. code-block:: yaml

    routeiq:
      plugins:                      # config order = call order of each hook
        - path: "acme.moderation:ModerationPlugin"   # importlib at config load
          name: moderation          # default: the class name; must be unique
          settings: {url: "http://moderation.internal"}  # validated by Class.Settings
          deadline: 0.5             # seconds per hook call (default 1.0)
          failure_mode: fail_closed # fail_open (default): ignore a failed hook;
                                    # fail_closed: 503 plugin_unavailable
      guardrails:                   # a guardrail is on when its section is present
        pii: {action: redact}       # PIISettings: action, threshold, categories,
        injection: {action: block, threshold: 0.5}   # extra_patterns, key_overrides,
        content: {action: block}    # team_overrides (see guardrails/settings.py)
        verdict_cache_messages: 50000   # distinct messages whose verdicts are kept
        inline_max_chars: 8192      # more unscanned text than this: scan in a thread
        output:
          guardrails: [pii, content]    # which guardrails scan the model's output
          actions: {pii: block}     # output action instead of the guardrail's own
                                    # (block | warn | log; redact needs action: redact)
          overlap_chars: 128        # streamed text re-scanned with each chunk, so a
                                    # value split across chunks is caught
          holdback_chars: 0         # >0: hold back this many chars of streamed text
                                    # so `redact` can apply on streams (costs TTFT)
          max_text_chars: 65536     # streamed output kept for post-call hooks
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from routeiq.plugins.base import FailureMode
from routeiq.plugins.guardrails.settings import ContentSettings, InjectionSettings, PIISettings
from routeiq.plugins.loader import import_class, validate_settings

GuardrailName = Literal["pii", "injection", "content"]


class PluginSpec(BaseModel):
    """One ``routeiq.plugins`` entry. The class is imported when the config loads."""

    model_config = ConfigDict(extra="forbid")

    path: str
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.\-]{1,64}$")
    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)
    deadline: float = Field(default=1.0, gt=0, le=600)
    failure_mode: FailureMode = "fail_open"
    _cls: type | None = PrivateAttr(default=None)
    _validated: Any = PrivateAttr(default=None)

    @field_validator("path")
    @classmethod
    def _importable(cls, value: str) -> str:
        import_class(value)  # ValueError -> reported at routeiq.plugins[i].path
        return value

    @model_validator(mode="after")
    def _load(self) -> Self:
        self._cls = import_class(self.path)
        self._validated = validate_settings(self._cls, self.settings)
        return self

    @property
    def cls(self) -> type:
        """The imported plugin class."""
        assert self._cls is not None
        return self._cls

    @property
    def validated_settings(self) -> Any:
        """``settings`` as the plugin's ``Settings`` model (or the raw dict)."""
        return self._validated

    @property
    def display_name(self) -> str:
        return self.name or self.cls.__name__


def _unique_names(specs: list[PluginSpec]) -> list[PluginSpec]:
    seen: set[str] = set()
    for spec in specs:
        if spec.display_name in seen:
            raise ValueError(f"two plugins are named {spec.display_name!r}; set distinct 'name's")
        seen.add(spec.display_name)
    return specs


PluginList = Annotated[list[PluginSpec], AfterValidator(_unique_names)]


class OutputGuardSettings(BaseModel):
    """Output scanning (see the module docstring for each field)."""

    model_config = ConfigDict(extra="forbid")

    guardrails: tuple[GuardrailName, ...] = ("pii", "content")
    actions: dict[GuardrailName, Literal["block", "warn", "log"]] = Field(default_factory=dict)
    overlap_chars: int = Field(default=128, ge=16, le=4096)
    holdback_chars: int = Field(default=0, ge=0, le=4096)
    max_text_chars: int = Field(default=65536, ge=0, le=16 * 1024 * 1024)


class GuardrailsSection(BaseModel):
    """``routeiq.guardrails``: built-in guardrails and how the pipeline runs them."""

    model_config = ConfigDict(extra="forbid")

    pii: PIISettings | None = None
    injection: InjectionSettings | None = None
    content: ContentSettings | None = None
    verdict_cache_messages: int = Field(default=50_000, ge=1, le=10_000_000)
    inline_max_chars: int = Field(default=8192, ge=0)
    #: Scan each answer with the input guardrails in the background, so the
    #: next turn (which sends it back as history) finds its verdicts cached.
    prewarm_answers: bool = True
    output: OutputGuardSettings = Field(default_factory=OutputGuardSettings)

    def configured(self) -> dict[str, PIISettings | InjectionSettings | ContentSettings]:
        """The guardrail sections present, in the fixed pipeline order."""
        out: dict[str, PIISettings | InjectionSettings | ContentSettings] = {}
        for name in GUARD_ORDER:
            settings = getattr(self, name)
            if settings is not None:
                out[name] = settings
        return out


#: The fixed order of the built-in guardrails: blocks are reported for the
#: first guardrail in this order, and phase 2 applies redactions in this
#: order (PII first, so no later rewrite can re-expose a value).
GUARD_ORDER: tuple[GuardrailName, ...] = ("pii", "content", "injection")
