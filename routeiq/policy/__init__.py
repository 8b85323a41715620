"""Access policy: ordered allow/deny rules over who, what and from where.

``rules`` and ``settings`` are pure; ``engine`` holds the current rules and
reloads the rules file (the one trio-aware module); the ASGI middleware is
``routeiq.asgi.policy``.
"""

from routeiq.policy.rules import (
    UNKNOWN,
    Decision,
    GlobSet,
    Policy,
    Rule,
    Subject,
    compile_rules,
    parse_ip,
)
from routeiq.policy.settings import PolicySettings, RulesFile, RuleSpec

__all__ = [
    "UNKNOWN",
    "Decision",
    "GlobSet",
    "Policy",
    "PolicySettings",
    "Rule",
    "RuleSpec",
    "RulesFile",
    "Subject",
    "compile_rules",
    "parse_ip",
]
