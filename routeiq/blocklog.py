"""The block log: every guardrail block and policy denial, kept as metadata in the
gateway's database (``guard_blocks``, see ``routeiq.db.blocks``) for the admin
console's "blocks by guard and reason over time" and "last blocked requests".

The request path only appends a tuple to a bounded list (``record``: no I/O, no
await); ``run`` writes what gathered once a second in one transaction in the
database's worker thread, so a slow database never delays a refusal. Past
``MAX_PENDING`` rows waiting, new ones are counted in ``dropped`` and not kept.
Every process of ``--workers N`` writes its own; the table holds them all.
Rows older than ``RETENTION_SECONDS`` are deleted once an hour.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import trio

from routeiq.db import blocks
from routeiq.db.blocks import BlockRow

if TYPE_CHECKING:
    from routeiq.asgi.types import RequestContext
    from routeiq.db.base import Database

log = logging.getLogger("routeiq.blocklog")

MAX_PENDING = 10_000
FLUSH_SECONDS = 1.0
RETENTION_SECONDS = 7 * 86400.0
PRUNE_EVERY = 3600


class BlockLog:
    def __init__(self, db: Database, *, now: Any = time.time) -> None:
        self.db = db
        self.now = now  # wall time of a row (a test's clock may stand in)
        self.pending: list[BlockRow] = []
        self.written = 0
        self.dropped = 0
        self.failed = 0

    def record(self, guard: str, reason: str, direction: str, ctx: RequestContext) -> None:
        """Note one refusal (called on the request path: append only)."""
        if len(self.pending) >= MAX_PENDING:
            self.dropped += 1
            return
        self.pending.append(
            BlockRow(
                self.now(),
                ctx.request_id,
                guard[:128],
                reason[:256] or "-",
                direction,
                ctx.key_name,
                ctx.team,
                ctx.model,
            )
        )

    async def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        try:
            await self.db.read(lambda cur, m: blocks.insert(cur, m, rows))
        except Exception:
            # The database is down or full: these rows are lost (counted), the
            # gateway goes on refusing what it must.
            self.failed += len(rows)
            log.warning("could not write %d guardrail block rows", len(rows), exc_info=True)
            return
        self.written += len(rows)

    async def prune(self) -> None:
        before = self.now() - RETENTION_SECONDS
        try:
            await self.db.read(lambda cur, m: blocks.prune(cur, m, before))
        except Exception:
            log.warning("could not prune old guardrail block rows", exc_info=True)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Write once a second until cancelled; what is pending then is written
        under a shielded 5-second limit."""
        task_status.started()
        ticks = 0
        try:
            while True:
                await trio.sleep(FLUSH_SECONDS)
                await self.flush()
                ticks += 1
                if ticks % PRUNE_EVERY == 0:
                    await self.prune()
        finally:
            with trio.move_on_after(5) as cancel_scope:
                cancel_scope.shield = True
                await self.flush()
