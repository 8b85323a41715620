"""Key, team, user and customer records as the hot path sees them (no I/O).

The database stores each record as a JSON document (the admin API's fields,
LiteLLM's names); :func:`principal` turns one into a :class:`Principal` once,
when it is loaded, so a request only reads attributes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from routeiq.governance.duration import parse_duration
from routeiq.governance.ledger import Rule

KINDS = ("key", "team", "user", "customer")
# LiteLLM's "all-team-models" on a key: no list of the key's own, the key's team's
# ``models`` bind it (the team is checked as a principal of its own); as in LiteLLM, a
# key outside any team with it is not restricted by model.
ALL_MODELS = frozenset({"*", "all-proxy-models", "all-team-models"})


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str
    id: str
    alias: str | None
    team_id: str | None
    user_id: str | None
    models: tuple[str, ...]
    blocked: bool
    expires: float | None  # wall time
    soft_budget: float | None
    rule: Rule
    data: Mapping[str, Any]
    # Decided once at load, so admission skips what cannot bind: no model list to
    # match (or not a key/team), no limit or budget to count.
    any_model: bool = True
    limited: bool = False

    def allows(self, model: str) -> bool:
        return models_allow(self.models, model)


def models_allow(patterns: tuple[str, ...], model: str) -> bool:
    """Empty list or ``*``/``all-proxy-models``: every model; else exact names or wildcards."""
    if not patterns:
        return True
    for p in patterns:
        if p in ALL_MODELS or p == model or ("*" in p and fnmatch.fnmatchcase(model, p)):
            return True
    return False


def _num(data: Mapping[str, Any], name: str) -> float | None:
    v = data.get(name)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _int(data: Mapping[str, Any], name: str) -> int | None:
    v = data.get(name)
    return int(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _str(data: Mapping[str, Any], name: str) -> str | None:
    v = data.get(name)
    return v if isinstance(v, str) and v else None


def principal(
    kind: str, ident: str, data: Mapping[str, Any], spend: float = 0.0, spend_period: int = 0
) -> Principal:
    """The hot-path view of a stored record (fields validated by the admin API)."""
    duration = _str(data, "budget_duration")
    models = tuple(str(m) for m in data.get("models") or ())
    rule = Rule(
        ns=f"{kind}:{ident}",
        rpm=_int(data, "rpm_limit"),
        tpm=_int(data, "tpm_limit"),
        parallel=_int(data, "max_parallel_requests"),
        max_budget=_num(data, "max_budget"),
        budget_duration=parse_duration(duration) if duration else None,
        anchor=_num(data, "created_at") or 0.0,
        base_spend=spend,
        base_period=spend_period,
    )
    limited = (
        rule.rpm is not None
        or rule.tpm is not None
        or rule.parallel is not None
        or rule.max_budget is not None
    )
    return Principal(
        kind=kind,
        id=ident,
        alias=_str(data, "key_alias") or _str(data, "team_alias") or _str(data, "user_alias"),
        team_id=_str(data, "team_id"),
        user_id=_str(data, "user_id"),
        models=models,
        blocked=data.get("blocked") is True,
        expires=_num(data, "expires_at"),
        soft_budget=_num(data, "soft_budget"),
        rule=rule,
        data=data,
        any_model=kind not in ("key", "team") or not models or any(m in ALL_MODELS for m in models),
        limited=limited,
    )
