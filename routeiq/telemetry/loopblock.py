"""The loop-blocking instrument: how long each task step holds the trio loop.

Trio runs one task step at a time; a step that takes long blocks every other
task. This instrument times every step with two ``perf_counter`` calls and a
bucket increment (no allocation), keeps the maximum and a histogram, and logs
a warning naming the task when a step exceeds the threshold. It is how the
project shows it never blocks the loop.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from time import perf_counter

import trio

log = logging.getLogger("routeiq.loop")

# Upper bounds in seconds (Prometheus ``le``); the last bucket is +Inf.
BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)


class LoopBlockInstrument(trio.abc.Instrument):
    def __init__(self, warn_seconds: float = 0.020) -> None:
        self.warn_seconds = warn_seconds
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self.steps = 0
        self.max_seconds = 0.0
        self.max_task = ""
        self.warnings = 0
        self._t0 = 0.0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._t0 = perf_counter()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        if not self._t0:  # installed mid-step: this step had no start time
            return
        d = perf_counter() - self._t0
        self.counts[bisect_left(BUCKETS, d)] += 1
        self.total += d
        self.steps += 1
        if d > self.max_seconds:
            self.max_seconds = d
            self.max_task = task.name
        if d > self.warn_seconds:
            self.warnings += 1
            log.warning("task step held the loop for %.1f ms: %s", d * 1000.0, task.name)

    def forget_current_step(self) -> None:
        """Do not time the step in progress (deliberate start-up work, such as the
        heap freeze's one full collection, is not a serving stall)."""
        self._t0 = 0.0

    def reset_max(self) -> float:
        """Return the maximum so far and start a new window."""
        m, self.max_seconds = self.max_seconds, 0.0
        return m

    def prometheus(self) -> str:
        name = "routeiq_loop_task_step_seconds"
        lines = [
            f"# HELP {name} Time each trio task step held the event loop.",
            f"# TYPE {name} histogram",
        ]
        cum = 0
        for bound, c in zip(BUCKETS, self.counts, strict=False):
            cum += c
            lines.append(f'{name}_bucket{{le="{bound}"}} {cum}')
        cum += self.counts[-1]
        lines.append(f'{name}_bucket{{le="+Inf"}} {cum}')
        lines.append(f"{name}_sum {self.total}")
        lines.append(f"{name}_count {self.steps}")
        m = "routeiq_loop_task_step_max_seconds"
        lines += [
            f"# HELP {m} Longest task step seen since start.",
            f"# TYPE {m} gauge",
            f"{m} {self.max_seconds}",
        ]
        return "\n".join(lines) + "\n"
