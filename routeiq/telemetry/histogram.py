"""Plain-dict metric families rendered as Prometheus text (I/O-free).

OpenTelemetry's synchronous instruments cost ~100 us a request here (attribute
hashing, view matching, locks); these cost a dict lookup and a bisect. Every
family is capped at ``MAX_SERIES`` label combinations, whatever happens.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

MAX_SERIES = 4096
Labels = tuple[str, ...]


class Histogram:
    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        self.count += 1


class HistogramFamily:
    """A histogram per label combination (``names`` are the label names)."""

    __slots__ = ("bounds", "help", "name", "names", "series")

    def __init__(self, name: str, help: str, names: Labels, bounds: Sequence[float]) -> None:
        self.name, self.help, self.names, self.bounds = name, help, names, tuple(bounds)
        self.series: dict[Labels, Histogram] = {}

    def observe(self, labels: Labels, value: float) -> None:
        h = self.series.get(labels)
        if h is None:
            if len(self.series) >= MAX_SERIES:
                return
            h = self.series[labels] = Histogram(self.bounds)
        h.observe(value)

    def prometheus(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for labels, h in self.series.items():
            base = _pairs(self.names, labels)
            sep = "," if base else ""
            cum = 0
            for bound, c in zip(self.bounds, h.counts, strict=False):
                cum += c
                yield f'{self.name}_bucket{{{base}{sep}le="{bound}"}} {cum}'
            yield f'{self.name}_bucket{{{base}{sep}le="+Inf"}} {h.count}'
            braces = f"{{{base}}}" if base else ""
            yield f"{self.name}_sum{braces} {h.sum}"
            yield f"{self.name}_count{braces} {h.count}"


class CounterFamily:
    __slots__ = ("help", "name", "names", "series")

    def __init__(self, name: str, help: str, names: Labels) -> None:
        self.name, self.help, self.names = name, help, names
        self.series: dict[Labels, float] = {}

    def add(self, labels: Labels, value: float = 1) -> None:
        n = self.series.get(labels)
        if n is not None:
            self.series[labels] = n + value
        elif len(self.series) < MAX_SERIES:
            self.series[labels] = value

    def prometheus(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, n in self.series.items():
            base = _pairs(self.names, labels)
            yield f"{self.name}{{{base}}} {n}" if base else f"{self.name} {n}"


def _pairs(names: Labels, values: Labels) -> str:
    return ",".join(f'{k}="{_esc(v)}"' for k, v in zip(names, values, strict=True))


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
