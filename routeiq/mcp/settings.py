"""Configuration of the MCP gateway (the ``routeiq.mcp`` config section)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Server names prefix every tool and prompt name (``<server>__<tool>``): no
# underscore is allowed in them, so the first ``__`` always splits a name back.
SERVER_NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"
NAMESPACE_SEPARATOR = "__"


class MCPServerSpec(BaseModel):
    """One upstream MCP server (YAML ``routeiq.mcp.servers[]`` or the admin API)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=SERVER_NAME_PATTERN)
    url: str
    # "streamable_http" (current servers) or "sse" (the older HTTP+SSE transport).
    transport: Literal["streamable_http", "sse"] = "streamable_http"
    # Sent on every request to this server, e.g. {"Authorization": "Bearer ..."}.
    headers: dict[str, str] = Field(default_factory=dict)
    # False: the server stays registered but none of its tools are listed or callable.
    enabled: bool = True
    # Tools of this server (upstream names) that are neither listed nor callable.
    disabled_tools: frozenset[str] = frozenset()
    # Deadline of one tools/call on this server (default: MCPSettings.call_timeout).
    call_timeout: float | None = Field(default=None, gt=0)

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return v


class MCPSettings(BaseModel):
    """The MCP gateway: upstream servers, the ``/mcp`` endpoint's sessions and limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    servers: list[MCPServerSpec] = Field(default_factory=list)
    # An Mcp-Session-Id expires after this long without a request.
    session_ttl: float = Field(default=1800.0, gt=0)
    # tools/list, resources/list and prompts/list page size.
    page_size: int = Field(default=100, gt=0, le=1000)
    call_timeout: float = Field(default=60.0, gt=0)
    # Connecting (and listing) an upstream server must finish within this.
    connect_timeout: float = Field(default=10.0, gt=0)
    # Health check: a ping every interval, failing after timeout; then reconnect
    # with backoff doubling from backoff_initial to backoff_cap.
    health_interval: float = Field(default=30.0, gt=0)
    health_timeout: float = Field(default=5.0, gt=0)
    backoff_initial: float = Field(default=0.5, gt=0)
    backoff_cap: float = Field(default=30.0, gt=0)
    # Request limits on /mcp.
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_batch: int = Field(default=32, gt=0)
    # Keep-alive comment interval on GET /mcp notification streams.
    keepalive_interval: float = Field(default=15.0, gt=0)

    @field_validator("servers")
    @classmethod
    def _unique(cls, v: list[MCPServerSpec]) -> list[MCPServerSpec]:
        seen: set[str] = set()
        for spec in v:
            if spec.name in seen:
                raise ValueError(f"duplicate server name {spec.name!r}")
            seen.add(spec.name)
        return v
