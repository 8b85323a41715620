"""Process metrics, read when /metrics is scraped (never on the request path).

Names follow the Prometheus client conventions that dashboards expect:
``process_cpu_seconds_total``, ``process_resident_memory_bytes``,
``process_open_fds``, ``process_max_fds``, ``process_start_time_seconds``,
``python_gc_collections_total`` / ``python_gc_objects_collected_total`` /
``python_gc_objects_uncollectable_total`` by generation. Linux reads /proc;
elsewhere what ``resource`` offers.
"""

from __future__ import annotations

import gc
import os
import resource
import time

_START = time.time()


def _proc_stat() -> tuple[float, float, int] | None:
    """(cpu seconds, start seconds since boot, rss bytes) from /proc, or None."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, int(fields[19]) / ticks, rss


def _open_fds() -> int | None:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def prometheus() -> str:
    out: list[str] = []

    def metric(name: str, kind: str, help: str, value: float) -> None:
        out.extend((f"# HELP {name} {help}", f"# TYPE {name} {kind}", f"{name} {value}"))

    stat = _proc_stat()
    if stat is not None:
        cpu, _, rss = stat
    else:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        cpu, rss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024
    metric("process_cpu_seconds_total", "counter", "User and system CPU time, seconds.", cpu)
    metric("process_resident_memory_bytes", "gauge", "Resident memory, bytes.", rss)
    fds = _open_fds()
    if fds is not None:
        metric("process_open_fds", "gauge", "Open file descriptors.", fds)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY:
        metric("process_max_fds", "gauge", "Limit on open file descriptors.", soft)
    metric("process_start_time_seconds", "gauge", "Process start, Unix seconds.", _START)
    stats = gc.get_stats()
    for name, field, help in (
        ("python_gc_collections_total", "collections", "Garbage collections, by generation."),
        ("python_gc_objects_collected_total", "collected", "Objects collected, by generation."),
        (
            "python_gc_objects_uncollectable_total",
            "uncollectable",
            "Uncollectable objects found, by generation.",
        ),
    ):
        out.extend((f"# HELP {name} {help}", f"# TYPE {name} counter"))
        for gen, s in enumerate(stats):
            out.append(f'{name}{{generation="{gen}"}} {s[field]}')
    return "\n".join(out) + "\n"
