"""Admin API request bodies (LiteLLM's paths and field names), validated strictly.

Unknown fields are refused (a typo must not silently drop a limit); numbers are
bounded so no request can store a value the ledger cannot use.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from routeiq.governance.duration import parse_duration

Name = Field(default=None, min_length=1, max_length=256)
Money = Field(default=None, ge=0, le=1e12)
Count = Field(default=None, ge=0, le=1_000_000_000)


M = TypeVar("M", bound=BaseModel)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LimitFields(_Body):
    models: list[str] | None = Field(default=None, max_length=1000)
    max_budget: float | None = Money
    soft_budget: float | None = Money
    budget_duration: str | None = Field(default=None, max_length=16)
    rpm_limit: int | None = Count
    tpm_limit: int | None = Field(default=None, ge=0, le=1_000_000_000_000)
    max_parallel_requests: int | None = Count
    metadata: dict[str, Any] | None = None
    tags: list[str] | None = Field(default=None, max_length=100)
    blocked: bool | None = None

    @field_validator("budget_duration")
    @classmethod
    def _duration(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v

    @field_validator("models", "tags")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not s or len(s) > 256 for s in v):
            raise ValueError("each entry must be 1-256 characters")
        return v


class KeyFields(LimitFields):
    key_alias: str | None = Name
    duration: str | None = Field(default=None, max_length=16)  # expiry, from now
    team_id: str | None = Name
    user_id: str | None = Name

    @field_validator("duration")
    @classmethod
    def _expiry(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v


#: A key the admin chooses (LiteLLM's ``key`` on /key/generate, ``new_key`` on
#: /key/regenerate: keys carried over from another gateway): LiteLLM's ``sk-`` prefix
#: and at least 8 characters after it.
CustomKey = Field(default=None, min_length=11, max_length=256, pattern=r"^sk-[\x21-\x7e]+$")


class KeyGenerate(KeyFields):
    key: str | None = CustomKey


class KeyRegenerate(KeyFields):
    """The key to replace, settings to change on the way (LiteLLM's regenerate takes
    /key/generate's fields), and optionally the new key's value."""

    key: str = Field(min_length=1, max_length=256)
    new_key: str | None = CustomKey


class KeyRegenerateAt(KeyFields):
    """``POST /key/{key}/regenerate`` (LiteLLM's documented form): the key is in the
    path; the body (optional) as /key/regenerate's, its ``key`` ignored."""

    key: str | None = Field(default=None, max_length=256)
    new_key: str | None = CustomKey


class KeyUpdate(KeyFields):
    key: str = Field(min_length=1, max_length=256)


class KeyRef(_Body):
    key: str = Field(min_length=1, max_length=256)


class KeyDelete(_Body):
    keys: list[str] = Field(default_factory=list, max_length=1000)
    key_aliases: list[str] = Field(default_factory=list, max_length=1000)


class TeamFields(LimitFields):
    team_alias: str | None = Name


class Member(_Body):
    user_id: str = Field(min_length=1, max_length=256)
    role: Literal["admin", "user"] = "user"


class TeamNew(TeamFields):
    team_id: str | None = Name
    members_with_roles: list[Member] | None = Field(default=None, max_length=1000)


class TeamUpdate(TeamFields):
    team_id: str = Field(min_length=1, max_length=256)


class TeamDelete(_Body):
    team_ids: list[str] = Field(min_length=1, max_length=1000)


class MemberAdd(_Body):
    team_id: str = Field(min_length=1, max_length=256)
    member: Member | list[Member]


class MemberDelete(_Body):
    team_id: str = Field(min_length=1, max_length=256)
    user_id: str = Field(min_length=1, max_length=256)


class UserNew(LimitFields):
    user_id: str | None = Name
    user_alias: str | None = Name
    user_email: str | None = Name
    user_role: str | None = Name
    team_id: str | None = Name
    # LiteLLM's /user/new also creates a key for the user (its limits bind it through
    # user_id) and answers it as ``key``; false: the user record only.
    auto_create_key: bool = True


class UserDelete(_Body):
    user_ids: list[str] = Field(min_length=1, max_length=1000)


class CustomerNew(LimitFields):
    user_id: str = Field(min_length=1, max_length=256)  # LiteLLM's name for the end-user id
    alias: str | None = Name


class CustomerDelete(_Body):
    user_ids: list[str] = Field(min_length=1, max_length=1000)


class UserUpdate(LimitFields):
    user_id: str = Field(min_length=1, max_length=256)
    user_alias: str | None = Name
    user_email: str | None = Name
    user_role: str | None = Name


class TeamRef(_Body):
    team_id: str = Field(min_length=1, max_length=256)


class CustomerBlock(_Body):
    user_ids: list[str] = Field(min_length=1, max_length=1000)
