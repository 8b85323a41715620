"""Build guardrails once per effective settings and reuse them.

Compiling a guardrail's combined regex takes 0.5-1.5 s on a small machine
(measured), so a per-key or per-team override must never rebuild one per
request. ``GuardrailPool.get`` maps (settings object, key, team) to a
guardrail in O(1) and builds at most one guardrail per distinct effective
settings fingerprint. Both maps are bounded LRUs. Build at config load (or
in a worker thread): a first ``get`` for a new override compiles.
"""

from __future__ import annotations

from collections import OrderedDict

from routeiq.plugins.guardrails.base import Guardrail
from routeiq.plugins.guardrails.content import ContentGuardrail
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.pii import PIIGuardrail
from routeiq.plugins.guardrails.settings import (
    ContentSettings,
    GuardrailSettings,
    InjectionSettings,
    PIISettings,
)


def build_guardrail(settings: GuardrailSettings) -> Guardrail:
    """A new guardrail for a settings object (compiles its regex)."""
    if isinstance(settings, PIISettings):
        return PIIGuardrail(settings)
    if isinstance(settings, InjectionSettings):
        return InjectionGuardrail(settings)
    if isinstance(settings, ContentSettings):
        return ContentGuardrail(settings)
    raise TypeError(f"no guardrail for {type(settings).__name__}")


class GuardrailPool:
    """Guardrails by effective settings, for the pipeline's per-request lookup."""

    def __init__(self, max_size: int = 64) -> None:
        if max_size < 1:
            raise ValueError("max_size must be >= 1")
        self.max_size = max_size
        self.builds = 0
        self._by_request: OrderedDict[
            tuple[int, str | None, str | None], tuple[GuardrailSettings, Guardrail]
        ] = OrderedDict()
        self._by_fingerprint: OrderedDict[tuple[str, str], Guardrail] = OrderedDict()

    def get(
        self, settings: GuardrailSettings, *, key: str | None = None, team: str | None = None
    ) -> Guardrail:
        """The guardrail for ``settings`` with the key's and team's overrides applied."""
        # Keys and teams without an override share the base guardrail.
        key = key if key in settings.key_overrides else None
        team = team if team in settings.team_overrides else None
        slot = (id(settings), key, team)
        hit = self._by_request.get(slot)
        # The settings object is kept in the entry: an id() reused by a new
        # object after the old one was freed must not return a stale guardrail.
        if hit is not None and hit[0] is settings:
            self._by_request.move_to_end(slot)
            return hit[1]
        effective = settings.resolve(key=key, team=team)
        fingerprint = (type(effective).__name__, effective.fingerprint())
        guardrail = self._by_fingerprint.get(fingerprint)
        if guardrail is None:
            guardrail = build_guardrail(effective)
            self.builds += 1
            self._by_fingerprint[fingerprint] = guardrail
            if len(self._by_fingerprint) > self.max_size:
                self._by_fingerprint.popitem(last=False)
        else:
            self._by_fingerprint.move_to_end(fingerprint)
        self._by_request[slot] = (settings, guardrail)
        if len(self._by_request) > self.max_size * 4:
            self._by_request.popitem(last=False)
        return guardrail
