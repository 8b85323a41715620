"""The ``routeiq.governance`` config section (virtual keys, limits, budgets, spend)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def default_data_dir() -> Path:
    """``ROUTEIQ_DATA_DIR``, else ``$XDG_DATA_HOME/routeiq`` (``~/.local/share/routeiq``)."""
    env = os.environ.get("ROUTEIQ_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "routeiq"


class GovernanceSettings(BaseModel):
    """Virtual keys need the master key (``general_settings.master_key``): without it
    nothing could create them, so the database is not opened at all.

    The database: PostgreSQL when ``general_settings.database_url`` (or
    ``DATABASE_URL``) is set, else SQLite at ``data_dir/routeiq.db``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    data_dir: str | None = None  # default: see default_data_dir()
    # False: check `spend < max_budget` before the call only (LiteLLM's behaviour,
    # which lets concurrent requests overspend); kept for comparison.
    reserve_budget: bool = True
    # How often each process reads the change feed (keys revoked elsewhere stop
    # working here within this interval plus one query).
    poll_interval: float = Field(default=0.25, gt=0, le=1.0)
    # Spend rows are written in one batch per interval (kill -9 loses at most one).
    spend_flush_interval: float = Field(default=1.0, gt=0, le=60.0)
    max_pending_spend_rows: int = Field(default=100_000, gt=0)
    # Output tokens assumed for the budget reservation when a request sets no
    # max_tokens and the model declares no limit (model_info.max_output_tokens).
    default_max_tokens: int = Field(default=4096, gt=0)
    # Share limits and budgets through Redis (routeiq.state.redis_url) when the
    # state backend is redis; each process keeps its own counters during an outage.
    shared: bool = True

    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir else default_data_dir()
