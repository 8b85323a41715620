"""``routeiq.surfaces``: settings of the translated API surfaces."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ResponsesSettings(BaseModel):
    """The Responses API served by translation to chat completions."""

    model_config = ConfigDict(extra="forbid")
    #: How long a stored response (``store`` true, the default) can be retrieved and
    #: continued with ``previous_response_id`` (default 30 days, as OpenAI keeps them).
    ttl_seconds: float = Field(default=30 * 86400, gt=0)
    #: The longest conversation a chain replays (messages); longer chains get a 400.
    max_history_messages: int = Field(default=1024, gt=0)


class SurfaceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: The largest ``/v1/audio/transcriptions`` upload (OpenAI's limit: 25 MB); it is
    #: relayed as it arrives, so this bounds traffic, not memory.
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    responses: ResponsesSettings = Field(default_factory=ResponsesSettings)
    #: ``/v1/messages`` to a group whose deployments are all Anthropic-format: relay the
    #: body byte for byte (``always``), or translate to chat and back so guardrails, the
    #: cache and pricing apply (``never``). ``auto`` (default): pass-through unless
    #: guardrails, plugins or the cache are configured.
    anthropic_passthrough: Literal["auto", "always", "never"] = "auto"
    #: ``/v1/responses`` to a group whose deployments all have OpenAI's Responses API
    #: (``openai/`` at api.openai.com, ``azure/``, or any deployment whose
    #: ``model_info.supported_endpoints`` lists ``/v1/responses``): relay it as it is,
    #: built-in tools and upstream-stored state included (``always``), or translate to
    #: chat (``never``). ``auto`` (default): pass-through unless guardrails, plugins or
    #: the cache are configured (they need the chat path).
    responses_passthrough: Literal["auto", "always", "never"] = "auto"
