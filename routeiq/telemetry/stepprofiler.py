"""Where a long loop step spent its CPU: a profile of single steps.

The soak's longest steps could not be explained by wall-time stacks: on a
loaded 2-core machine most steps that run long in wall time are the loop
thread waiting for a core, and a stack taken then shows whatever syscall it
was descheduled in. Sampling by CPU time did not help either: a watchdog
thread needs the GIL just when the loop holds it (0-2 samples in a 10 ms
step), and the kernel's CPU-time timers (``ITIMER_PROF``) tick at the
scheduler's rate (1 sample in a 12 ms step here). So each step runs under its
own ``cProfile.Profile``: exact call counts and times of just that step. When
a step ends with more than ``report_cpu`` seconds of CPU, its profile's top
functions (by cumulative and by own time, in CPU time) are logged with the task's name;
other steps' profiles are dropped.

Diagnosis only (``ROUTEIQ_LOOP_PROFILE=1 ROUTEIQ_LOOP_STACKS=1``): profiling
makes Python calls about twice as costly, so the CPU times it reports are
inflated by about that much; the shares between functions are what it is for.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import time

log = logging.getLogger("routeiq.loop")


def top_functions(profile: cProfile.Profile, limit: int = 12) -> str:
    """The ``limit`` functions with the most cumulative time, then with the most
    own time, as pstats prints them (paths shortened)."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    lines = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and "Ordered by" not in line and "List reduced" not in line
    ]
    return "\n".join("  " + line for line in lines)


class StepProfiler:
    """Runs each loop step under a fresh profiler; logs the ones over ``report_cpu``."""

    def __init__(self, report_cpu: float = 0.008) -> None:
        self.report_cpu = report_cpu
        self.reports = 0
        self._profile: cProfile.Profile | None = None
        self._on = False

    def start(self) -> None:
        self._on = True

    def stop(self) -> None:
        self._on = False
        if self._profile is not None:
            self._profile.disable()
            self._profile = None

    def begin(self) -> None:
        if self._profile is not None:  # a step that never ended (instrument added mid-step)
            self._profile.disable()
            self._profile = None
        if self._on:
            # Timed in this thread's CPU time: wall time would bill the OS's
            # descheduling to whatever function was running.
            self._profile = cProfile.Profile(time.thread_time)
            self._profile.enable()

    def end(self, wall: float, cpu: float, gc_s: float, task: str) -> None:
        profile, self._profile = self._profile, None
        if profile is None:
            return
        profile.disable()
        if cpu <= self.report_cpu:
            return
        self.reports += 1
        log.warning(
            "step used %.1f ms CPU (%.1f ms wall, %.1f ms GC; profiled) in task %s:\n%s",
            cpu * 1000.0,
            wall * 1000.0,
            gc_s * 1000.0,
            task,
            top_functions(profile),
        )
