"""Big request bodies are parsed in a worker thread, one at a time.

Small bodies stay on the trio loop: parsing a typical 1-10 KB chat body costs
tens of microseconds, less than a thread hop (~100-200 us here). Above
``SMALL_BODY_BYTES`` the worst shapes measured cost 0.1 ms per KB to parse (many
tiny arrays), so 16 KB is where the loop would start to hold for ~2 ms. A big
body goes to a worker thread behind a ``CapacityLimiter(1)``: on a 2-core machine
two GIL-bound parses at once would only take turns, and one queue keeps them from
starving the embedder's and the database's threads. The parse itself runs in
pieces (``routeiq.json_pieces``) so the thread hands the GIL back between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import trio
from trio.lowlevel import RunVar

T = TypeVar("T")

SMALL_BODY_BYTES = 16 * 1024

_LIMITER: RunVar[trio.CapacityLimiter] = RunVar("routeiq_big_body_limiter")


def _limiter() -> trio.CapacityLimiter:
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = trio.CapacityLimiter(1)
        _LIMITER.set(limiter)
        return limiter


async def run_big(work: Callable[[], T]) -> T:
    """``work()`` in the big-body worker thread (its exceptions re-raised here)."""
    return await trio.to_thread.run_sync(work, limiter=_limiter())
