"""Policy matching (pure): ordered rules, first match wins, a default action.

``Policy.decide(subject)`` returns a ``Decision``, or None when the first
rule that could still match needs the request's model (the only field in the
body): the caller then peeks at the body and calls ``decide(subject,
model)``. Rules that do not mention models never cause a body read.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from routeiq.policy.settings import PolicyAction, RuleSpec

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True, slots=True)
class Subject:
    """What the rules may look at (all known before the body is read)."""

    method: str
    route: str
    client: IPAddress | None = None
    key: str | None = None
    team: str | None = None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """``rule`` names the rule that decided (``default`` if none matched)."""

    allow: bool
    rule: str
    message: str | None = None


class GlobSet:
    """Case-sensitive shell globs (``*``, ``?``, ``[...]``) compiled into one regex."""

    __slots__ = ("_regex", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self._regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))

    def match(self, value: str | None) -> bool:
        return value is not None and self._regex.match(value) is not None


def parse_ip(host: str | None) -> IPAddress | None:
    """The client address, IPv4-mapped IPv6 unwrapped; None if not an IP."""
    if not host:
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class Rule:
    """A compiled ``RuleSpec``."""

    __slots__ = (
        "allow",
        "cidrs",
        "keys",
        "message",
        "methods",
        "models",
        "name",
        "routes",
        "teams",
        "users",
    )

    def __init__(self, spec: RuleSpec, name: str) -> None:
        self.name = spec.name or name
        self.allow = spec.action == "allow"
        self.message = spec.message

        def globs(values: list[str] | None) -> GlobSet | None:
            return GlobSet(values) if values is not None else None

        self.teams = globs(spec.teams)
        self.users = globs(spec.users)
        self.keys = globs(spec.keys)
        self.models = globs(spec.models)
        self.routes = globs(spec.routes)
        self.methods = globs(spec.methods)
        self.cidrs: tuple[IPNetwork, ...] | None = None
        if spec.client_cidrs is not None:
            self.cidrs = tuple(ipaddress.ip_network(c, strict=False) for c in spec.client_cidrs)

    def matches_without_model(self, s: Subject) -> bool:
        """Every condition but ``models`` holds."""
        if self.methods is not None and not self.methods.match(s.method):
            return False
        if self.routes is not None and not self.routes.match(s.route):
            return False
        if self.keys is not None and not self.keys.match(s.key):
            return False
        if self.teams is not None and not self.teams.match(s.team):
            return False
        if self.users is not None and not self.users.match(s.user):
            return False
        if self.cidrs is not None:
            ip = s.client
            if ip is None or not any(ip.version == n.version and ip in n for n in self.cidrs):
                return False
        return True


class Policy:
    """Ordered rules and a default action."""

    __slots__ = ("default_allow", "rules", "uses_cidrs")

    def __init__(self, rules: Sequence[Rule], default: PolicyAction) -> None:
        self.rules = tuple(rules)
        self.default_allow = default == "allow"
        self.uses_cidrs = any(r.cidrs is not None for r in self.rules)

    def decide(self, subject: Subject, model: str | _Unknown | None = UNKNOWN) -> Decision | None:
        """The first matching rule's decision; None if the model is needed first."""
        for rule in self.rules:
            if not rule.matches_without_model(subject):
                continue
            if rule.models is not None:
                if isinstance(model, _Unknown):
                    return None
                if not rule.models.match(model):
                    continue
            return Decision(rule.allow, rule.name, rule.message)
        return Decision(self.default_allow, "default")


def compile_rules(specs: Sequence[RuleSpec], where: str) -> list[Rule]:
    """Rules named ``where[i]`` unless they have a name."""
    return [Rule(spec, f"{where}[{i}]") for i, spec in enumerate(specs)]
