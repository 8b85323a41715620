"""Big request bodies: scanned in a worker thread, parsed on the loop in pieces.

Small bodies stay as they were: parsing a typical 1-10 KB chat body costs tens
of microseconds, less than a thread hop (~100-200 us here). Above
``SMALL_BODY_BYTES`` the worst shapes measured cost 0.1 ms per KB to parse (many
tiny arrays), so 16 KB is where one ``orjson.loads`` would hold the loop ~2 ms.

A big body is first scanned (``json_pieces.scan``: numpy passes over its bytes,
which release the GIL, and the depth limit checked there, before any object is
built) in a worker thread behind a ``CapacityLimiter(1)``: on a 2-core machine
two at once would only take turns, and one queue keeps big bodies from starving
the embedder's and the database's threads. It is then parsed on the loop, one
``orjson`` call of at most ``json_pieces.PIECE_BYTES`` per step, with a
checkpoint between pieces. Not in the thread: ``orjson`` holds the GIL, and a
thread that holds it makes the loop thread wait up to the 5 ms switch interval
each time it wakes (measured: small requests' p50 4-6 ms -> 19-22 ms beside a
sender of 1.85 MB bodies), while a piece on the loop holds it ~1 ms and lets
every other task run in between.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import trio
from trio.lowlevel import RunVar, checkpoint

from routeiq import json_pieces

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


def _scan(body: bytes, max_depth: int) -> json_pieces.Scan:
    structure = json_pieces.scan(body)
    if structure.max_depth > max_depth:
        raise json_pieces.TooDeep(max_depth)
    return structure


async def load_big(body: bytes, max_depth: int) -> Any:
    """``orjson.loads(body)`` for a big body without holding the loop: raises
    ``json_pieces.TooDeep`` (found before parsing) or ``orjson.JSONDecodeError``."""
    structure = await run_big(partial(_scan, body, max_depth))
    gen = json_pieces.pieces(body, structure)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value
        await checkpoint()
