"""Policy settings: ``routeiq.policy`` and the separate rules file.

.. code-block:: yaml

    routeiq:
      policy:
        default_action: allow        # when no rule matches (allow | deny)
        rules:                       # ordered; the first rule that matches decides
          - name: interns-no-gpt4
            action: deny
            teams: ["interns*"]      # glob lists; a listed field must match,
            models: ["gpt-4*"]       # an absent one matches anything
            message: "GPT-4 is not available to your team"   # shown to the client
          - {action: deny, client_cidrs: ["10.66.0.0/16"], routes: ["/v1/*"]}
          - {action: allow, methods: [GET], routes: ["/v1/models"]}
        rules_file: /etc/routeiq/rules.yaml   # optional; its rules follow the inline ones
        reload_seconds: 5            # poll the file's mtime; a broken file keeps the
                                     # last good rules (logged and counted)
        failure_mode: fail_closed    # the file cannot be loaded at start-up:
                                     # fail_closed: 503 policy_unavailable for every
                                     # request until it loads; fail_open: no policy

Fields: ``teams``, ``users``, ``keys`` (key names from ``routeiq.auth.keys``;
the master key is ``master``), ``models`` (the body's ``model``: the only
field that reads the body), ``routes`` (the path), ``methods``,
``client_cidrs``. A request without a team/user/key never matches a rule
that lists teams/users/keys. The rules file is YAML (or JSON): a list of
rules, or ``{default_action: ..., rules: [...]}``.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PolicyAction = Literal["allow", "deny"]

_Globs = list[str] | None


class RuleSpec(BaseModel):
    """One rule; see the module docstring."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=128)
    action: PolicyAction
    teams: _Globs = Field(default=None, min_length=1)
    users: _Globs = Field(default=None, min_length=1)
    keys: _Globs = Field(default=None, min_length=1)
    models: _Globs = Field(default=None, min_length=1)
    routes: _Globs = Field(default=None, min_length=1)
    methods: _Globs = Field(default=None, min_length=1)
    client_cidrs: list[str] | None = Field(default=None, min_length=1)
    message: str | None = Field(default=None, max_length=500)

    @field_validator("methods")
    @classmethod
    def _upper(cls, value: list[str] | None) -> list[str] | None:
        return [m.upper() for m in value] if value is not None else None

    @field_validator("client_cidrs")
    @classmethod
    def _networks(cls, value: list[str] | None) -> list[str] | None:
        for cidr in value or ():
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise ValueError(f"{cidr!r} is not an IP network: {exc}") from None
        return value


class RulesFile(BaseModel):
    """The rules file's content."""

    model_config = ConfigDict(extra="forbid")

    default_action: PolicyAction | None = None
    rules: list[RuleSpec] = Field(default_factory=list)


class PolicySettings(BaseModel):
    """``routeiq.policy``; see the module docstring."""

    model_config = ConfigDict(extra="forbid")

    default_action: PolicyAction = "allow"
    rules: list[RuleSpec] = Field(default_factory=list)
    rules_file: str | None = None
    reload_seconds: float = Field(default=5.0, gt=0, le=3600)
    failure_mode: Literal["fail_open", "fail_closed"] = "fail_closed"
    max_file_bytes: int = Field(default=1024 * 1024, gt=0)

    @property
    def active(self) -> bool:
        """Whether any request can be affected."""
        return bool(self.rules or self.rules_file or self.default_action == "deny")
