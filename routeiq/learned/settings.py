"""Config of learned routes: ``model_info.router`` of a ``routeiq/learned`` model entry.

```yaml
model_list:
  - model_name: auto
    litellm_params: {model: routeiq/learned}
    model_info:
      router:
        path: routers/auto.npz          # a file written by `routeiq router train`
        candidates: [gpt-4o, gpt-4o-mini] # model groups; or {group: name in the router file}
        cost_weight: 30                 # quality points given up per USD (0 = best quality)
        mix: {cost_weight: 5, share: 0.4}  # optional: 40 % of requests, at random, use
                                        # cost weight 5 (a mixture of two operating points)
        shadow_path: routers/next.npz   # optional: scored beside the live one, never acted on
        watch_interval: 2               # seconds between file checks (0 = only /reload)
        log: true                       # log decisions and feedback (false = off)
        log_path: null                  # null: the gateway's database (routeiq.db: SQLite
                                        # under the data dir, or database_url); else a
                                        # SQLite file or a database URL of its own
```

RouteIQ's own ``router_settings: {routing_strategy: llmrouter-knn | llmrouter-mlp,
routing_strategy_args: {model_path, candidates, cost_weight, model_name}}`` is read
into the same settings (``model_name`` default ``auto``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LLMROUTER_STRATEGIES", "CostWeightMix", "LearnedRouteSettings", "from_strategy_args"]

LLMROUTER_STRATEGIES = ("llmrouter-knn", "llmrouter-mlp")


class CostWeightMix(BaseModel):
    """A share of a route's requests (drawn at random) decided with another cost weight:
    the route then runs a mixture of two operating points, to hit a budget between them
    (see ``routeiq.learned.decision.mixed_weight``)."""

    model_config = ConfigDict(extra="forbid")

    cost_weight: float = Field(ge=0)
    share: float = Field(ge=0, le=1)


class LearnedRouteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    candidates: list[str] | dict[str, str] = Field(min_length=1)
    cost_weight: float = Field(default=0.0, ge=0)
    mix: CostWeightMix | None = None
    shadow_path: str | None = None
    watch_interval: float = Field(default=2.0, ge=0)
    log: bool = True
    log_path: str | None = None
    #: the kind the file must hold (llmrouter-knn/-mlp), None = whatever it holds
    kind: str | None = None

    def log_target(self) -> str | None:
        """Where this route logs: "" = the gateway's database, a path/URL, None = off."""
        return (self.log_path or "") if self.log else None

    def mapping(self) -> dict[str, str]:
        """model group -> the candidate's name in the router file."""
        if isinstance(self.candidates, dict):
            return dict(self.candidates)
        return {c: c for c in self.candidates}


def from_strategy_args(
    strategy: str, args: dict[str, Any], groups: list[str]
) -> tuple[str, dict[str, Any] | None, list[str]]:
    """(virtual model name, settings dict or None, ignored keys) from RouteIQ's
    ``routing_strategy_args``. Keys this gateway does not use (LLMRouter's
    ``config_path``, ``llm_data_path``, ...) are ignored so such a config loads;
    without ``model_path`` there is no router file to serve: None."""
    a = dict(args)
    name = str(a.pop("model_name", "auto"))
    path = a.pop("model_path", None) or a.pop("path", None)
    if "reload_interval" in a and "watch_interval" not in a:
        a["watch_interval"] = a["reload_interval"]
    if a.get("hot_reload") is False:
        a["watch_interval"] = 0
    known = set(LearnedRouteSettings.model_fields)
    ignored = sorted(k for k in a if k not in known)
    if path is None:
        return name, None, ignored
    out = {k: v for k, v in a.items() if k in known}
    out.setdefault("candidates", groups)
    out.update(path=path, kind=strategy.removeprefix("llmrouter-"))
    return name, out, ignored


def parse_route(raw: Any, where: str) -> tuple[LearnedRouteSettings | None, list[tuple[str, str]]]:
    """Validate one route's settings; problems carry their key path."""
    from pydantic import ValidationError

    if not isinstance(raw, dict):
        return None, [(where, "a learned route needs a mapping (path, candidates, ...)")]
    try:
        return LearnedRouteSettings.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            (".".join([where, *(str(p) for p in e["loc"])]), e["msg"]) for e in exc.errors()
        ]


def check_candidates(
    learned: dict[str, LearnedRouteSettings], groups: Any
) -> list[tuple[str, str]]:
    problems = []
    for name, s in learned.items():
        for g in s.mapping():
            if g not in groups:
                problems.append((f"learned route {name}.candidates", f"unknown model group {g!r}"))
        if name in groups:
            problems.append((f"learned route {name}", "also defined as a normal model group"))
    return problems


def from_router_settings(
    strategy: str, extra: dict[str, Any] | None, groups: list[str]
) -> tuple[str, LearnedRouteSettings | None, list[tuple[str, str]]]:
    """The learned route of ``router_settings.routing_strategy: llmrouter-*``:
    (virtual model name, settings or None, problems); ignored args are logged."""
    import logging

    args = (extra or {}).get("routing_strategy_args") or {}
    if not isinstance(args, dict):
        return "auto", None, [("router_settings.routing_strategy_args", "must be a mapping")]
    name, route_args, ignored = from_strategy_args(strategy, args, groups)
    if ignored or route_args is None:
        logging.getLogger("routeiq").warning(
            "routing_strategy %s: ignored routing_strategy_args %s%s",
            strategy,
            ", ".join(ignored) or "-",
            "; no model_path, so no learned route" if route_args is None else "",
        )
    if route_args is None:
        return name, None, []
    route, problems = parse_route(route_args, "router_settings")
    return name, route, problems
