"""Keep CPython's cyclic garbage collector off the start-up heap.

A full (generation 2) collection walks every tracked object. The gateway's
start-up heap (imported modules, config, compiled patterns: 85k objects, whose
full collection took 52 ms on the 2-core bench machine; far more once torch is
loaded for the semantic cache) never becomes garbage, yet every full collection
under load walked it while holding the loop: ``bench/hot_path.py`` showed
loop-block warnings of 48-86 ms every 17-25 s. ``gc.freeze()`` moves those
objects to the permanent generation, which collections skip, so a collection
only walks what requests and state created since.

``release_when_idle`` hands memory back once load stops: after a quiet
period it runs one full collection and glibc's ``malloc_trim``, so RSS falls
back instead of staying at the peak the load reached.

``freeze_startup_heap`` runs once per serving process, after start-up and
before the first request (``routeiq.server.run_gateway``). ``collection_paused``
keeps the collector off while a big library loads in a worker thread (torch for
the embedding model), so it cannot stop the loop to walk a heap that is about
to be frozen; the loader then freezes what it added.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import math
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from time import perf_counter, thread_time

import trio

__all__ = [
    "GcPauses",
    "collection_paused",
    "freeze_startup_heap",
    "release_memory",
    "release_when_idle",
]

log = logging.getLogger("routeiq.heap")


#: CPython's default third threshold is 10: a full collection after every 10
#: generation-1 collections (and once the survivors grew by a quarter). The
#: request path makes no reference cycles (tests/e2e/test_no_cycles.py),
#: so a full collection under load finds nothing and only holds the loop
#: (the 3-minute soak: 10 of them, 0 objects found); they are deferred to the
#: idle collection of ``release_when_idle`` instead, with this as a backstop.
#: 10,000 with the young thresholds below (a generation-1 collection every 300
#: net new objects): at the soak's load, one backstop collection in ~6 minutes.
FULL_COLLECTION_THRESHOLD = 10_000

#: Young generations. A generation-0 collection walks every tracked object made
#: since the last one that is still alive, and its trigger counts allocations
#: *minus deallocations*: with 1,000 requests in flight, old requests' objects
#: die as new ones are made, so at CPython's 700 the young list held 4k-19k
#: objects (coroutines, frames, methods of live requests) and one collection
#: took up to 16.6 ms of CPU, a generation-1 one (10 of those lists) 35 ms
#: (bench/memory_soak.py with ROUTEIQ_LOOP_PROFILE=1, 60 s at c=1000). Smaller
#: thresholds walk the same objects in smaller pieces; measured in one session
#: (gen0/gen1 -> longest gen0, gen1 collection and loop step, in CPU ms):
#: 700/10 -> 16.6, 35.4, 46.6; 200/5 -> 6.0, 9.2, 9.9; 100/3 -> 7.6, 5.8, 5.4.
#: Total GC CPU rose from 1.19 s to 1.59 s of the run (more, smaller passes).
#: With few requests in flight the young list is small at any threshold, and
#: 100 only adds collections: the MCP relay bench (c=1) made 1,852 generation-0
#: collections at 100/3 against 44 at 700/10 (94 vs 16 ms of GC CPU for ~2,000
#: calls, ~0.04 ms a call). So the small thresholds apply only while at least
#: ``BUSY_IN_FLIGHT`` requests are in flight (:func:`adapt_young_generations`).
GEN0_THRESHOLD = 100
GEN1_THRESHOLD = 3
QUIET_THRESHOLDS = (700, 10)  # CPython's
BUSY_IN_FLIGHT = 64


def young_thresholds(
    in_flight: int, busy_at: int, busy: tuple[int, int], quiet: tuple[int, int] = QUIET_THRESHOLDS
) -> tuple[int, int]:
    """The generation-0 and -1 thresholds for ``in_flight`` requests."""
    return busy if in_flight >= busy_at else quiet


#: While busy, automatic full collections are held off (a full pass over 1,000
#: in-flight requests' objects held the loop 22.9 ms at 10,000 generation-1 passes
#: per full one, bench/memory_soak.py): they wait for idle (release_when_idle
#: collects then), at most ``defer_full_for`` seconds of continuous load.
DEFERRED_FULL_THRESHOLD = 1 << 30


async def adapt_young_generations(
    in_flight: Callable[[], int],
    busy_at: int = BUSY_IN_FLIGHT,
    busy: tuple[int, int] = (GEN0_THRESHOLD, GEN1_THRESHOLD),
    period: float = 0.5,
    *,
    defer_full_for: float = 0.0,
    linger: float = 5.0,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Every ``period`` s, set the young generations' thresholds for the load
    (:func:`young_thresholds`). The full-collection threshold in force at the start
    is kept, except during the first ``defer_full_for`` seconds of each busy spell,
    when automatic full collections are held off (0: never). A spell ends only after
    ``linger`` s below ``busy_at``: the generation-1 passes counted while held off
    would start a full collection at once, so a brief dip must not end it."""
    current: tuple[int, int, int] | None = None
    full = gc.get_threshold()[2]
    busy_since: float | None = None
    last_busy = -math.inf
    task_status.started()
    while True:
        n = in_flight()
        now = trio.current_time()
        young = young_thresholds(n, busy_at, busy)
        if n >= busy_at:
            last_busy = now
            busy_since = now if busy_since is None else busy_since
        elif now - last_busy >= linger:
            busy_since = None
        held = busy_since is not None and now - busy_since < defer_full_for
        want = (*young, DEFERRED_FULL_THRESHOLD if held else full)
        if want != current:
            gc.set_threshold(*want)
            current = want
        await trio.sleep(period)


def defer_full_collections(
    threshold: int = FULL_COLLECTION_THRESHOLD,
    gen1: int | None = None,
    gen0: int | None = None,
) -> tuple[int, int, int]:
    """Raise the full-collection threshold (and set generations 1's and 0's, if
    given); return the thresholds now in force."""
    g0, g1, _ = gc.get_threshold()
    gc.set_threshold(g0 if gen0 is None else gen0, g1 if gen1 is None else gen1, threshold)
    return gc.get_threshold()


#: How many objects are frozen, counted when they are frozen: ``gc.get_freeze_count``
#: walks the whole permanent generation's list (CPython 3.11), so asking it on each
#: /metrics scrape took 10-13 ms of CPU in one loop step under the soak's load.
_frozen = 0


def frozen_objects() -> int:
    """Objects frozen by this module's freezes, as counted at the last freeze."""
    return _frozen


def _freeze() -> int:
    global _frozen
    gc.freeze()
    _frozen = gc.get_freeze_count()
    return _frozen


def freeze_startup_heap() -> int:
    """Collect once, then freeze every live object; return how many are frozen."""
    gc.collect()
    return _freeze()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic collection inside; on leaving, freeze what was built and re-enable."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _freeze()
        if was_enabled:
            gc.enable()


class GcPauses:
    """Every collection's pause, by generation, via ``gc.callbacks`` (two clock reads).

    The loop-blocking instrument sees a long task step but not why; this tells
    whether the collector was the cause. Exported on ``/metrics``.
    """

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.max = [0.0, 0.0, 0.0]
        self.collected = [0, 0, 0]  # unreachable objects found (cyclic garbage)
        # The same pauses in this thread's CPU time: on a shared, loaded machine a
        # collection's wall time also counts time the OS gave other processes.
        self.max_cpu = [0.0, 0.0, 0.0]
        self.total_cpu = [0.0, 0.0, 0.0]
        self._t0 = 0.0
        self._c0 = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = perf_counter()
            self._c0 = thread_time()
            return
        if not self._t0:
            return
        d = perf_counter() - self._t0
        cpu = thread_time() - self._c0
        g = info.get("generation", 2)
        self.total_cpu[g] += cpu
        if cpu > self.max_cpu[g]:
            self.max_cpu[g] = cpu
        self.count[g] += 1
        self.collected[g] += info.get("collected", 0)
        self.total[g] += d
        if d > self.max[g]:
            self.max[g] = d

    def reset_max(self) -> None:
        self.max = [0.0, 0.0, 0.0]
        self.max_cpu = [0.0, 0.0, 0.0]

    def install(self) -> None:
        if self not in gc.callbacks:
            gc.callbacks.append(self)

    def uninstall(self) -> None:
        if self in gc.callbacks:
            gc.callbacks.remove(self)

    def prometheus(self) -> str:
        name = "routeiq_gc_pause_seconds"
        lines = [
            f"# HELP {name} Time the cyclic garbage collector held the interpreter.",
            f"# TYPE {name} summary",
        ]
        for g in range(3):
            lines.append(f'{name}_sum{{generation="{g}"}} {self.total[g]}')
            lines.append(f'{name}_count{{generation="{g}"}} {self.count[g]}')
        lines += [
            f"# HELP {name}_max Longest collection since start, by generation.",
            f"# TYPE {name}_max gauge",
            *(f'{name}_max{{generation="{g}"}} {self.max[g]}' for g in range(3)),
            f"# HELP {name}_cpu_max Longest collection in CPU time of its thread, by generation.",
            f"# TYPE {name}_cpu_max gauge",
            *(f'{name}_cpu_max{{generation="{g}"}} {self.max_cpu[g]}' for g in range(3)),
            "# HELP routeiq_gc_pause_cpu_seconds_total CPU time of the collecting thread in"
            " collections, by generation.",
            "# TYPE routeiq_gc_pause_cpu_seconds_total counter",
            *(
                f'routeiq_gc_pause_cpu_seconds_total{{generation="{g}"}} {self.total_cpu[g]}'
                for g in range(3)
            ),
            "# HELP routeiq_gc_collected_objects_total Cyclic garbage found, by generation.",
            "# TYPE routeiq_gc_collected_objects_total counter",
            *(
                f'routeiq_gc_collected_objects_total{{generation="{g}"}} {self.collected[g]}'
                for g in range(3)
            ),
            "# HELP routeiq_gc_frozen_objects Objects frozen out of the collector's reach.",
            "# TYPE routeiq_gc_frozen_objects gauge",
            f"routeiq_gc_frozen_objects {_frozen}",
        ]
        return "\n".join(lines) + "\n"


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_TRIM = _malloc_trim()


async def release_memory() -> None:
    """One full collection (on the loop: it holds the GIL anyway), then
    ``malloc_trim(0)`` in a worker thread (ctypes drops the GIL)."""
    gc.collect()
    if _TRIM is not None:
        await trio.to_thread.run_sync(_TRIM, 0)


async def release_when_idle(
    entered: Callable[[], int],
    in_flight: Callable[[], int],
    period: float,
    release: Callable[[], object] = release_memory,
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Every ``period`` s: if requests came since the last release, none arrived
    during the last period and none is in flight, ``await release()``.

    So memory is released once per burst of traffic, a quiet period after it,
    never while a request (a long stream included) is being served.
    """
    task_status.started()
    seen = released = entered()
    while True:
        await trio.sleep(period)
        now = entered()
        if now != seen:  # traffic during the last period
            seen = now
            continue
        if now != released and in_flight() == 0:
            released = now
            result = release()
            if isinstance(result, Awaitable):
                await result
            log.debug("idle: memory released after %d requests", now)
