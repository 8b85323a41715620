"""The loop-blocking instrument with attribution: CPU time and GC time per step.

A long task step in wall time has three possible causes: the step's own work,
a collection the collector ran inside it, or the OS running another process
while the step held the loop (on a loaded 2-core machine a step is often
descheduled for tens of milliseconds). This instrument tells them apart: each
step is also timed in this thread's CPU time, and the collector's pauses that
fell inside it are summed (``GcPauses.total``). The longest steps are kept with
their task names.

It costs two ``thread_time`` calls a step (a system call each), so it is off by
default and on with ``ROUTEIQ_LOOP_PROFILE=1`` (the benches turn it on).
"""

from __future__ import annotations

import heapq
from time import perf_counter, thread_time

import trio

from routeiq.heap import GcPauses
from routeiq.telemetry.loopblock import LoopBlockInstrument, log
from routeiq.telemetry.stepprofiler import StepProfiler

ENV = "ROUTEIQ_LOOP_PROFILE"
#: With this also set, every step runs under a profiler, and each step that used
#: more than STACK_CPU seconds of CPU is logged with its profile (diagnosis only;
#: stepprofiler.py). Wall time is no guide on a loaded
#: machine: a step waiting for a core looks as long as one computing.
STACKS_ENV = "ROUTEIQ_LOOP_STACKS"
STACK_CPU = 0.008


class LoopStepProfile(LoopBlockInstrument):
    """Also keeps the longest CPU step and the ``keep`` longest wall steps as
    ``(wall, cpu, gc, task name)`` in seconds."""

    def __init__(self, warn_seconds: float, gc: GcPauses, keep: int = 10) -> None:
        super().__init__(warn_seconds)
        self._gc = gc
        self._keep = keep
        self._c0 = 0.0
        self._g0 = 0.0
        self.max_cpu_seconds = 0.0
        self.max_cpu_task = ""
        self.longest: list[tuple[float, float, float, str]] = []  # a min-heap by wall
        # The ``keep`` costliest steps in CPU: (cpu, wall, gc, task name, where the
        # task stopped at the end of that step), a min-heap by CPU. Where it stopped
        # is taken only when a step enters this list (rare once it is full).
        self.costliest: list[tuple[float, float, float, str, str]] = []
        self._sampler: StepProfiler | None = None

    def watch_stacks(self, report_cpu: float = STACK_CPU) -> None:
        """Profile every step; log the profile of each over ``report_cpu`` seconds
        of CPU (stepprofiler.py)."""
        self._sampler = StepProfiler(report_cpu)
        self._sampler.start()

    def stop_stacks(self) -> None:
        """Stop profiling steps."""
        sampler, self._sampler = self._sampler, None
        if sampler is not None:
            sampler.stop()

    def _gc_total(self) -> float:
        t = self._gc.total
        return t[0] + t[1] + t[2]

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        if self._sampler is not None:
            self._sampler.begin()
        self._g0 = self._gc_total()
        self._c0 = thread_time()
        self._t0 = perf_counter()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        if not self._t0:
            return
        d = perf_counter() - self._t0
        cpu = thread_time() - self._c0
        gc_s = self._gc_total() - self._g0
        if self._sampler is not None:
            self._sampler.end(d, cpu, gc_s, task.name)
        if cpu > self.max_cpu_seconds:
            self.max_cpu_seconds = cpu
            self.max_cpu_task = task.name
        if len(self.costliest) < self._keep:
            heapq.heappush(self.costliest, (cpu, d, gc_s, task.name, stopped_at(task)))
        elif cpu > self.costliest[0][0]:
            heapq.heapreplace(self.costliest, (cpu, d, gc_s, task.name, stopped_at(task)))
        if len(self.longest) < self._keep:
            heapq.heappush(self.longest, (d, cpu, gc_s, task.name))
        elif d > self.longest[0][0]:
            heapq.heapreplace(self.longest, (d, cpu, gc_s, task.name))
        # The base class counts the step and logs it (with our attribution below).
        warn, self.warn_seconds = self.warn_seconds, float("inf")
        try:
            super().after_task_step(task)
        finally:
            self.warn_seconds = warn
        if d > warn:
            self.warnings += 1
            log.warning(
                "task step held the loop for %.1f ms (%.1f ms CPU, %.1f ms GC): %s",
                d * 1000.0,
                cpu * 1000.0,
                gc_s * 1000.0,
                task.name,
            )

    def reset_max(self) -> float:
        self.max_cpu_seconds = 0.0
        self.longest = []
        self.costliest = []
        return super().reset_max()

    def prometheus(self) -> str:
        m = "routeiq_loop_task_step_cpu_max_seconds"
        lines = [
            f"# HELP {m} Longest task step in CPU time of the loop's thread.",
            f"# TYPE {m} gauge",
            f"{m} {self.max_cpu_seconds}",
        ]
        n = "routeiq_loop_longest_step_seconds"
        lines += [
            f"# HELP {n} The longest task steps by wall time, with CPU and GC time inside.",
            f"# TYPE {n} gauge",
        ]
        for rank, (wall, cpu, gc_s, name) in enumerate(sorted(self.longest, reverse=True)):
            task = name.replace("\\", "\\\\").replace('"', '\\"')
            for kind, v in (("wall", wall), ("cpu", cpu), ("gc", gc_s)):
                lines.append(f'{n}{{rank="{rank}",kind="{kind}",task="{task}"}} {v}')
        c = "routeiq_loop_costliest_step_seconds"
        lines += [
            f"# HELP {c} The task steps that used the most CPU, with wall and GC time, and"
            " where the task stopped at the end of the step.",
            f"# TYPE {c} gauge",
        ]
        for rank, (cpu, wall, gc_s, name, at) in enumerate(sorted(self.costliest, reverse=True)):
            labels = f'rank="{rank}",task="{_esc(name)}",at="{_esc(at)}"'
            for kind, v in (("cpu", cpu), ("wall", wall), ("gc", gc_s)):
                lines.append(f'{c}{{{labels},kind="{kind}"}} {v}')
        return super().prometheus() + "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def stopped_at(task: trio.lowlevel.Task) -> str:
    """Where ``task`` is suspended: its innermost routeiq frame and its innermost
    frame outside trio (``"ended"`` if the step was its last)."""
    chain = [(f.f_code, line) for f, line in task.iter_await_frames()]
    if not chain:
        return "ended"
    picked: set[int] = set()
    for i in range(len(chain) - 1, -1, -1):
        path = chain[i][0].co_filename
        if "/routeiq/" in path:
            picked.add(i)
            break
    for i in range(len(chain) - 1, -1, -1):
        if "/trio/" not in chain[i][0].co_filename:
            picked.add(i)
            break
    return " > ".join(
        f"{_short(chain[i][0].co_filename)}:{chain[i][1]} {chain[i][0].co_name}"
        for i in sorted(picked or {len(chain) - 1})
    )


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/routeiq/"):
        i = path.rfind(marker)
        if i >= 0:
            return path[i + len(marker) :] if marker != "/routeiq/" else path[i + 1 :]
    return path.rsplit("/", 1)[-1]
