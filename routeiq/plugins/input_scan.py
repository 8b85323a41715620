"""Phase 1's scan of the built-in guardrails over a turn's new texts (I/O-free).

``scan_input``: every guardrail on every text through the ``VerdictCache``
(cached verdicts reused, one LRU touch per text for all the guardrails that
judge it), role-aware guardrails (injection) judging only the texts they do
not trust and tool results against their indirect threshold; the first
guardrail in ``GUARD_ORDER`` that blocks wins. Which guardrails are role-aware
is worked out once per guardrail tuple (``_layout``), not per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routeiq.plugins.guardrails import Guardrail, Verdict, VerdictCache, scan_conversation
from routeiq.plugins.guards import InputScan, _kinds


@dataclass(frozen=True, slots=True)
class _Layout:
    """How ``scan_input`` calls a tuple of guardrails, worked out once per tuple:
    the ones that judge every text, the role-aware ones, both in call order, and
    for each guardrail in order whether it is role-aware."""

    plain: tuple[Guardrail, ...]
    aware: tuple[Guardrail, ...]
    ordered: tuple[Guardrail, ...]
    aware_at: tuple[bool, ...]


_LAYOUTS: dict[tuple[Guardrail, ...], _Layout] = {}
_LAYOUTS_MAX = 256  # a few per identity's guardrails; cleared when full


def _layout(guardrails: Sequence[Guardrail]) -> _Layout:
    key = guardrails if type(guardrails) is tuple else tuple(guardrails)
    found = _LAYOUTS.get(key)
    if found is None:
        aware_at = tuple(hasattr(g, "role_kind") for g in key)
        plain = tuple(g for g, aware in zip(key, aware_at, strict=True) if not aware)
        aware = tuple(g for g, aware in zip(key, aware_at, strict=True) if aware)
        found = _Layout(plain, aware, plain + aware, aware_at)
        if len(_LAYOUTS) >= _LAYOUTS_MAX:
            _LAYOUTS.clear()
        _LAYOUTS[key] = found
    return found


def _judged_by_role(
    layout: _Layout,
    texts: Sequence[str],
    digests: Sequence[bytes],
    cache: VerdictCache,
    roles: Sequence[str | None],
) -> list[tuple[list[Verdict], list[int] | None]]:
    """Per guardrail in order: its verdicts and the text index of each (None: all
    texts in order), role-aware guardrails judging the texts they do not trust."""
    plain = layout.plain
    # (Loops, not a comprehension and any() of a generator: every turn runs this,
    # a next turn with the caches cold, where each extra frame costs.)
    kinds_of: list[list[str]] = []
    trusted = False
    for guardrail in layout.aware:
        kinds = _kinds(guardrail, roles) or []
        kinds_of.append(kinds)
        trusted = trusted or "trusted" in kinds
    theirs: list[list[Verdict]] | None = None
    if not trusted:
        # No text to skip (a next turn's user message): the role-aware guardrails
        # judge every text too, in the same call after the others (the LRU ends
        # as two calls leave it: both touch every text in order).
        together = scan_conversation(layout.ordered, texts, cache, digests)
        found, theirs = together[: len(plain)], together[len(plain) :]
    else:
        found = scan_conversation(plain, texts, cache, digests) if plain else []
    judged: list[tuple[list[Verdict], list[int] | None]] = []
    next_plain = next_aware = 0
    for aware in layout.aware_at:
        if not aware:
            judged.append((found[next_plain], None))
            next_plain += 1
            continue
        guardrail, kinds = layout.aware[next_aware], kinds_of[next_aware]
        picked: list[int] | None = None
        if theirs is not None:
            verdicts = theirs[next_aware]
        elif "trusted" in kinds:
            picked = [i for i, kind in enumerate(kinds) if kind != "trusted"]
            verdicts = scan_conversation(
                [guardrail], [texts[i] for i in picked], cache, [digests[i] for i in picked]
            )[0]
        else:
            verdicts = scan_conversation([guardrail], texts, cache, digests)[0]
        next_aware += 1
        if "indirect" in kinds:
            for_kind = guardrail.for_kind  # type: ignore[attr-defined]
            where = picked if picked is not None else range(len(texts))
            verdicts = [
                v if kinds[i] == "direct" else for_kind(v, kinds[i], texts[i])
                for i, v in zip(where, verdicts, strict=True)
            ]
        judged.append((verdicts, picked))
    return judged


def scan_input(
    guardrails: Sequence[Guardrail],
    texts: Sequence[str],
    digests: Sequence[bytes],
    cache: VerdictCache,
    roles: Sequence[str | None] | None = None,
) -> InputScan:
    """Every guardrail on every text (cached verdicts reused).

    One ``scan_conversation`` call for the guardrails that judge every text:
    one LRU touch per text for all of them (measured ~1.8x cheaper on a cached
    turn than one call per guardrail). A block is reported for the first
    guardrail in order (after every guardrail has judged every text).

    With ``roles`` (one per text), role-aware guardrails (injection) skip the
    texts of trusted roles (system, developer) and judge tool results against
    their indirect threshold: one more ``scan_conversation`` each, on the texts
    they judge, or none when no text is trusted (they join the first call).
    """
    layout = _layout(guardrails)
    judged: list[tuple[list[Verdict], list[int] | None]]
    if roles is None or not layout.aware:
        judged = [(v, None) for v in scan_conversation(guardrails, texts, cache, digests)]
    else:
        judged = _judged_by_role(layout, texts, digests, cache, roles)
    result = InputScan()
    triggered = result.triggered
    redact: set[int] = set()
    for verdicts, indices in judged:
        for position, verdict in enumerate(verdicts):
            action = verdict.action
            if action is None:  # most verdicts
                continue
            if action == "block":
                result.block = verdict
                return result
            triggered.append(verdict)
            if action == "redact":
                redact.add(position if indices is None else indices[position])
    result.redact = sorted(redact)
    return result
