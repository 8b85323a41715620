"""Background upkeep of the semantic tier: TTL sweeps and index rebuilds.

Started by the lifespan nursery (``await nursery.start(run_maintenance, store)``).
Rebuilds run in worker threads behind a ``CapacityLimiter`` (its own by default;
pass the embedder's if builds should queue behind encodes rather than share the
cores with them); everything else is bounded work on the trio thread.
"""

from __future__ import annotations

from typing import Any

import trio

from routeiq.cache.index import VectorIndex
from routeiq.cache.semantic import SemanticStore

__all__ = ["rebuild_index", "run_maintenance"]


async def rebuild_index(index: VectorIndex, *, limiter: trio.CapacityLimiter) -> bool:
    """Run every round of a rebuild of ``index``; ``False`` if none was needed.

    On cancellation or error the rebuild is aborted (its op log replayed onto the
    old structure) so the index stays consistent; the exception propagates.
    """
    job = index.begin_rebuild()
    if job is None:
        return False
    try:
        while job is not None:
            # Not abandon_on_cancel: the worker reads the frozen structure, so the
            # abort below must wait until it has finished.
            await trio.to_thread.run_sync(job.run, limiter=limiter)
            job = index.finish_rebuild(job)
    except BaseException:
        index.abort_rebuild()
        raise
    return True


async def run_maintenance(
    store: SemanticStore[Any],
    *,
    interval: float = 1.0,
    sweep_limit: int = 1000,
    limiter: trio.CapacityLimiter | None = None,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Every ``interval`` s: expire up to ``sweep_limit`` entries, run wanted rebuilds."""
    limiter = limiter or trio.CapacityLimiter(1)
    task_status.started()
    while True:
        store.expire(sweep_limit)
        for partition, index in store.take_rebuilds():
            await rebuild_index(index, limiter=limiter)
            store.rebuild_done(partition)
        await trio.sleep(interval)
