"""The ``routeiq.console`` config section (imports nothing from routeiq)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Serve the admin console at /ui (it needs the master key to be set).
    enabled: bool = True
    #: A session ends after this long without a page (default 30 minutes)...
    idle_seconds: float = Field(default=1800.0, gt=0, le=86400)
    #: ...and at the latest this long after sign-in (default 8 hours).
    max_age_seconds: float = Field(default=28800.0, gt=0, le=7 * 86400)
    #: Rows per page of the keys and spend tables.
    page_size: int = Field(default=25, ge=5, le=500)
