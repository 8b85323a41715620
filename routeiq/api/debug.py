"""Memory diagnostics for soak tests (master key only; tracemalloc must be on).

Start the gateway with ``ROUTEIQ_TRACEMALLOC=1`` to trace allocations, then
``POST /routeiq/debug/tracemalloc/baseline`` and later
``GET /routeiq/debug/tracemalloc/top`` for the sites that grew since.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

from quart import Blueprint, request

from routeiq.asgi.types import CTX_KEY, RequestContext
from routeiq.errors import Forbidden, NotFound


class _Baseline:
    snapshot: tracemalloc.Snapshot | None = None


def _require_master() -> None:
    ctx = request.scope.get(CTX_KEY)
    if not isinstance(ctx, RequestContext) or ctx.key_name != "master":
        raise Forbidden("The master key is required for debug endpoints")
    if not tracemalloc.is_tracing():
        raise NotFound("tracemalloc is off: start the gateway with ROUTEIQ_TRACEMALLOC=1")


def blueprint() -> Blueprint:
    bp = Blueprint("debug", __name__)
    base = _Baseline()

    @bp.post("/routeiq/debug/tracemalloc/baseline")
    async def baseline() -> dict[str, Any]:
        _require_master()
        base.snapshot = tracemalloc.take_snapshot()
        return {"ok": True, "traced_bytes": tracemalloc.get_traced_memory()[0]}

    @bp.get("/routeiq/debug/tracemalloc/top")
    async def top() -> dict[str, Any]:
        _require_master()
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        if base.snapshot is not None:
            stats = snap.compare_to(base.snapshot, "lineno")[:15]
            sites = [
                {"site": str(s.traceback), "size_diff": s.size_diff, "count_diff": s.count_diff}
                for s in stats
            ]
        else:
            sites = [
                {"site": str(s.traceback), "size": s.size, "count": s.count}
                for s in snap.statistics("lineno")[:15]
            ]
        return {"sites": sites, "traced_bytes": tracemalloc.get_traced_memory()[0]}

    return bp
