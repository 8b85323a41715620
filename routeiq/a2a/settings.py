"""Configuration of the A2A gateway (the ``routeiq.a2a`` config section)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

AGENT_NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$"


class AgentSpec(BaseModel):
    """One upstream A2A agent (YAML ``routeiq.a2a.agents[]`` or the admin API)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=AGENT_NAME_PATTERN)
    # The agent's JSON-RPC endpoint (its card's JSONRPC interface URL).
    url: str
    # Where its agent card is (default: <url origin>/.well-known/agent-card.json).
    card_url: str | None = None
    description: str = ""
    # A2A AgentSkill objects ({"id", "name", "description", "tags", ...}) shown in
    # the gateway's cards; empty: the skills of the agent's own card.
    skills: list[dict[str, Any]] = Field(default_factory=list)
    # Headers sent to the agent on every call, e.g. {"Authorization": "Bearer ..."};
    # the client's own gateway key is never forwarded.
    headers: dict[str, str] = Field(default_factory=dict)
    # Requests per minute to this agent, over all clients (None: settings default).
    rate_limit_rpm: int | None = Field(default=None, gt=0)
    # Deadline of one non-streaming call (None: settings default).
    timeout: float | None = Field(default=None, gt=0)

    @field_validator("url", "card_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return v


class A2ASettings(BaseModel):
    """The A2A gateway: agents, task store bounds, deadlines and limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    agents: list[AgentSpec] = Field(default_factory=list)
    # The agent that POST /a2a (the gateway's own card's interface) sends new
    # messages to when they name none (message.metadata.agent) and several agents
    # are registered (None: such a message is refused with an error naming them).
    default_agent: str | None = None
    # The URL clients reach this gateway at, for the agent cards it serves
    # (None: derived from each request's Host header and scheme).
    public_url: str | None = None
    # A task record lives this long after its last update, and at most
    # max_tasks records are kept per gateway process (the oldest go first).
    task_ttl: float = Field(default=3600.0, gt=0)
    max_tasks: int = Field(default=100_000, gt=0)
    # How often expired task records are swept, and how many per loop step.
    sweep_interval: float = Field(default=1.0, gt=0)
    sweep_batch: int = Field(default=256, gt=0)
    # Default per-agent rate limit (requests per minute; None: unlimited).
    rate_limit_rpm: int | None = Field(default=None, gt=0)
    request_timeout: float = Field(default=60.0, gt=0)
    # A stream ends with an error after this long without an upstream event.
    stream_idle_timeout: float = Field(default=300.0, gt=0)
    # SSE comment sent to clients after this long without an event.
    keepalive_interval: float = Field(default=15.0, gt=0)
    # A stream relay holds a lease per task so exactly one gateway process
    # reads the upstream; it is renewed every third of this.
    relay_lease_seconds: float = Field(default=30.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_batch: int = Field(default=32, gt=0)

    @field_validator("agents")
    @classmethod
    def _unique(cls, v: list[AgentSpec]) -> list[AgentSpec]:
        seen: set[str] = set()
        for spec in v:
            if spec.name in seen:
                raise ValueError(f"duplicate agent name {spec.name!r}")
            seen.add(spec.name)
        return v
