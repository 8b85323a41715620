"""Which deployments serve a requested model name: groups, aliases, wildcards (I/O-free).

LiteLLM's rules: an exact ``model_name`` first, then ``router_settings.model_group_alias``,
then wildcard names (``*``, ``openai/*``, ``claude-*``) where the most specific
pattern wins (the longest literal text). A wildcard deployment's ``litellm_params.model``
gets the matched text in place of its ``*``: with ``model_name: "*"`` and ``model:
openai/*``, a request for ``gpt-4o`` is sent to OpenAI as ``gpt-4o``. Resolved
wildcard groups are cached (bounded): the same ``Deployment`` objects each time, so
their breakers, stats and ids are those of the configured deployment.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from routeiq.deployment import Deployment

Group = tuple[Deployment, ...]


class _Pattern:
    __slots__ = ("deployments", "literal", "name", "regex")

    def __init__(self, name: str, deployments: Sequence[Deployment]) -> None:
        self.name = name
        self.deployments = tuple(deployments)
        self.literal = len(name.replace("*", ""))
        parts = [re.escape(p) for p in name.split("*")]
        self.regex = re.compile("(.*)".join(parts), re.DOTALL)


class ModelResolver:
    """Resolve requested names to deployments (see the module docstring)."""

    def __init__(
        self,
        groups: Mapping[str, Sequence[Deployment]],
        aliases: Mapping[str, Any] | None = None,
        *,
        cache_size: int = 4096,
    ) -> None:
        self.groups = groups
        self.aliases: dict[str, str] = {}
        self.hidden: set[str] = set()
        for alias, target in (aliases or {}).items():
            name = target if isinstance(target, str) else target.model
            self.aliases[alias] = name
            if not isinstance(target, str) and target.hidden:
                self.hidden.add(alias)
        patterns = [_Pattern(n, g) for n, g in groups.items() if "*" in n]
        # Most specific first: the longest literal text, then the fewest wildcards.
        patterns.sort(key=lambda p: (-p.literal, p.name.count("*")))
        self.patterns = patterns
        self._cache: OrderedDict[str, Group] = OrderedDict()
        self._cache_size = cache_size

    def canonical(self, model: str) -> str:
        """The group name a request for ``model`` routes to (aliases followed once)."""
        if model in self.groups:
            return model
        return self.aliases.get(model, model)

    def resolve(self, model: str) -> Group | None:
        group = self.groups.get(model)
        if group:
            return tuple(group)
        target = self.aliases.get(model)
        if target is not None:
            found = self.groups.get(target)
            return tuple(found) if found else None
        if not self.patterns:
            return None
        cached = self._cache.get(model)
        if cached is not None:
            self._cache.move_to_end(model)
            return cached
        for pattern in self.patterns:
            m = pattern.regex.fullmatch(model)
            if m is not None:
                captured = m.group(1) if m.groups() else ""
                group_out = tuple(_concrete(d, model, captured) for d in pattern.deployments)
                self._cache[model] = group_out
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
                return group_out
        return None

    def listed(self) -> list[str]:
        """Names /v1/models shows: groups without wildcards and visible aliases."""
        names = [n for n in self.groups if "*" not in n]
        names.extend(a for a in self.aliases if a not in self.hidden and a not in self.groups)
        return names


def _concrete(dep: Deployment, model: str, captured: str) -> Deployment:
    upstream = dep.upstream_model
    if "*" in upstream:
        upstream = upstream.replace("*", captured, 1)
    return replace(dep, model_name=model, upstream_model=upstream)
