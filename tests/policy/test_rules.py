"""Policy matching: pure functions, plain calls."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from routeiq.policy import UNKNOWN, Decision, Policy, RuleSpec, Subject, compile_rules, parse_ip


def policy(rules: list[dict[str, Any]], default: str = "allow") -> Policy:
    specs = [RuleSpec.model_validate(r) for r in rules]
    return Policy(compile_rules(specs, "rules"), default)  # type: ignore[arg-type]


def subject(**kw: Any) -> Subject:
    base: dict[str, Any] = {"method": "POST", "route": "/v1/chat/completions"}
    base.update(kw)
    if isinstance(base.get("client"), str):
        base["client"] = parse_ip(base["client"])
    return Subject(**base)


def test_first_match_wins_and_the_default_applies() -> None:
    p = policy(
        [
            {"name": "ops-ok", "action": "allow", "teams": ["ops"]},
            {"name": "no-chat", "action": "deny", "routes": ["/v1/chat/*"]},
        ]
    )
    assert p.decide(subject(team="ops")) == Decision(True, "ops-ok")
    assert p.decide(subject(team="dev")) == Decision(False, "no-chat")
    assert p.decide(subject(route="/v1/models", method="GET")) == Decision(True, "default")
    deny_all = policy([{"action": "allow", "keys": ["svc-*"]}], default="deny")
    assert deny_all.decide(subject(key="svc-billing")) == Decision(True, "rules[0]")
    assert deny_all.decide(subject(key="alice")) == Decision(False, "default")


def test_globs_are_case_sensitive_and_anchored() -> None:
    p = policy([{"action": "deny", "users": ["bob", "temp-*", "x?z"]}])
    assert not p.decide(subject(user="bob")).allow  # type: ignore[union-attr]
    assert not p.decide(subject(user="temp-42")).allow  # type: ignore[union-attr]
    assert not p.decide(subject(user="xyz")).allow  # type: ignore[union-attr]
    for user in ("Bob", "bobby", "a-temp-1", "xz", None):
        assert p.decide(subject(user=user)) == Decision(True, "default"), user


def test_missing_identity_never_matches_a_listed_field() -> None:
    p = policy([{"action": "deny", "teams": ["*"]}])
    assert p.decide(subject(team=None)) == Decision(True, "default")
    assert p.decide(subject(team="anything")) == Decision(False, "rules[0]")


def test_methods_are_case_insensitive_in_config() -> None:
    p = policy([{"action": "deny", "methods": ["get"], "routes": ["/v1/models"]}])
    assert not p.decide(subject(method="GET", route="/v1/models")).allow  # type: ignore[union-attr]
    assert p.decide(subject(method="POST", route="/v1/models")).allow  # type: ignore[union-attr]


def test_client_cidrs_v4_v6_and_mapped() -> None:
    p = policy([{"action": "deny", "client_cidrs": ["10.0.0.0/8", "2001:db8::/32"]}])
    assert p.uses_cidrs
    assert not p.decide(subject(client="10.1.2.3")).allow  # type: ignore[union-attr]
    assert not p.decide(subject(client="::ffff:10.9.9.9")).allow  # type: ignore[union-attr]
    assert not p.decide(subject(client="2001:db8::1")).allow  # type: ignore[union-attr]
    for client in ("11.0.0.1", "2001:db9::1", None, "not-an-ip"):
        assert p.decide(subject(client=client)).allow, client  # type: ignore[union-attr]


def test_the_model_is_needed_only_when_a_model_rule_could_decide() -> None:
    p = policy(
        [
            {"name": "admins", "action": "allow", "teams": ["admin"]},
            {
                "name": "interns-no-gpt4",
                "action": "deny",
                "teams": ["interns"],
                "models": ["gpt-4*"],
            },
            {"name": "no-metrics", "action": "deny", "routes": ["/internal/*"]},
        ]
    )
    # Decided without the model: the model rule cannot match these.
    assert p.decide(subject(team="admin")) == Decision(True, "admins")
    assert p.decide(subject(team="dev", route="/internal/x")) == Decision(False, "no-metrics")
    assert p.decide(subject(team="dev")) == Decision(True, "default")
    # The model rule is the first that could match: the body must be read.
    assert p.decide(subject(team="interns")) is None
    assert p.decide(subject(team="interns"), UNKNOWN) is None
    assert p.decide(subject(team="interns"), "gpt-4o") == Decision(False, "interns-no-gpt4")
    assert p.decide(subject(team="interns"), "gpt-3.5") == Decision(True, "default")
    assert p.decide(subject(team="interns"), None) == Decision(True, "default")


def test_rule_specs_are_validated() -> None:
    with pytest.raises(ValidationError, match="is not an IP network"):
        RuleSpec.model_validate({"action": "deny", "client_cidrs": ["10.0.0.0/33"]})
    with pytest.raises(ValidationError):
        RuleSpec.model_validate({"action": "maybe"})
    with pytest.raises(ValidationError):
        RuleSpec.model_validate({"action": "deny", "teams": []})
    with pytest.raises(ValidationError):
        RuleSpec.model_validate({"action": "deny", "team": ["x"]})
