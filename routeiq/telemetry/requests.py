"""Per-request metrics aggregated in plain dicts (a few microseconds a request).

OpenTelemetry's synchronous instruments cost ~100 us a request here (attribute
hashing, view matching, locks); this aggregator costs a dict update and a
bisect. Label values are bounded (known routes, configured models, HTTP status
codes), so the maps are bounded too. The aggregates are exported to OTel
through observable instruments and rendered as Prometheus text directly.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

DURATION_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip
MAX_SERIES = 4096  # a hard cap on label combinations, whatever happens


class Histogram:
    __slots__ = ("count", "counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(DURATION_BUCKETS) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(DURATION_BUCKETS, value)] += 1
        self.sum += value
        self.count += 1


class RequestStats:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str], int] = {}
        self.durations: dict[tuple[str, str], Histogram] = {}
        self.tokens: dict[tuple[str, str], int] = {}

    def record(self, route: str, model: str, status: str, elapsed: float) -> None:
        key = (route, model, status)
        n = self.requests.get(key)
        if n is not None:
            self.requests[key] = n + 1
        elif len(self.requests) < MAX_SERIES:
            self.requests[key] = 1
        hkey = (route, model)
        h = self.durations.get(hkey)
        if h is None:
            if len(self.durations) >= MAX_SERIES:
                return
            h = self.durations[hkey] = Histogram()
        h.observe(elapsed)

    def add_tokens(self, model: str, kind: str, n: int) -> None:
        key = (model, kind)
        if key in self.tokens or len(self.tokens) < MAX_SERIES:
            self.tokens[key] = self.tokens.get(key, 0) + n

    def prometheus(self) -> str:
        out: list[str] = []
        name = "routeiq_requests_total"
        out += [
            f"# HELP {name} Requests answered, by route, model, status.",
            f"# TYPE {name} counter",
        ]
        for (route, model, status), n in self.requests.items():
            out.append(
                f'{name}{{route="{_esc(route)}",model="{_esc(model)}",status="{status}"}} {n}'
            )
        name = "routeiq_request_duration_seconds"
        out += [
            f"# HELP {name} Time from request arrival to the end of its response.",
            f"# TYPE {name} histogram",
        ]
        for (route, model), h in self.durations.items():
            labels = f'route="{_esc(route)}",model="{_esc(model)}"'
            out.extend(_buckets(name, labels, h))
        name = "routeiq_tokens_total"
        out += [
            f"# HELP {name} Tokens reported by upstreams, by model and kind.",
            f"# TYPE {name} counter",
        ]
        for (model, kind), n in self.tokens.items():
            out.append(f'{name}{{model="{_esc(model)}",kind="{kind}"}} {n}')
        return "\n".join(out) + "\n"


def _buckets(name: str, labels: str, h: Histogram) -> Iterable[str]:
    cum = 0
    for bound, c in zip(DURATION_BUCKETS, h.counts, strict=False):
        cum += c
        yield f'{name}_bucket{{{labels},le="{bound}"}} {cum}'
    yield f'{name}_bucket{{{labels},le="+Inf"}} {h.count}'
    yield f"{name}_sum{{{labels}}} {h.sum}"
    yield f"{name}_count{{{labels}}} {h.count}"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
