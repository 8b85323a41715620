"""Keep CPython's cyclic garbage collector off the start-up heap.

A full (generation 2) collection walks every tracked object. The gateway's
start-up heap (imported modules, config, compiled patterns: 85k objects, whose
full collection took 52 ms on the 2-core bench machine; far more once torch is
loaded for the semantic cache) never becomes garbage, yet every full collection
under load walked it while holding the loop: ``bench/hot_path.py`` showed
loop-block warnings of 48-86 ms every 17-25 s. ``gc.freeze()`` moves those
objects to the permanent generation, which collections skip, so a collection
only walks what requests and state created since.

``freeze_startup_heap`` runs once per serving process, after start-up and
before the first request (``routeiq.server.run_gateway``). ``collection_paused``
keeps the collector off while a big library loads in a worker thread (torch for
the embedding model), so it cannot stop the loop to walk a heap that is about
to be frozen; the loader then freezes what it added.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

__all__ = ["GcPauses", "collection_paused", "freeze_startup_heap"]


def freeze_startup_heap() -> int:
    """Collect once, then freeze every live object; return how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic collection inside; on leaving, freeze what was built and re-enable."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
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
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = perf_counter()
            return
        if not self._t0:
            return
        d = perf_counter() - self._t0
        g = info.get("generation", 2)
        self.count[g] += 1
        self.total[g] += d
        if d > self.max[g]:
            self.max[g] = d

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
            "# HELP routeiq_gc_frozen_objects Objects frozen out of the collector's reach.",
            "# TYPE routeiq_gc_frozen_objects gauge",
            f"routeiq_gc_frozen_objects {gc.get_freeze_count()}",
        ]
        return "\n".join(lines) + "\n"
