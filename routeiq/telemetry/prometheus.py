"""Render OpenTelemetry metrics data as Prometheus text (exposition format 0.0.4)."""

from __future__ import annotations

import math
import re
from typing import Any

from opentelemetry.sdk.metrics.export import (
    Gauge,
    Histogram,
    MetricsData,
    Sum,
)

_BAD = re.compile(r"[^a-zA-Z0-9_:]")


def _name(name: str) -> str:
    return _BAD.sub("_", name)


def _labels(attrs: Any, extra: tuple[tuple[str, str], ...] = ()) -> str:
    items = [(_name(str(k)), str(v)) for k, v in (attrs or {}).items()]
    items.extend(extra)
    if not items:
        return ""
    parts = []
    for k, v in items:
        v = v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        parts.append(f'{k}="{v}"')
    return "{" + ",".join(parts) + "}"


def _num(v: float) -> str:
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v)) if isinstance(v, float) else str(v)


def render(data: MetricsData | None, skip: frozenset[str] | set[str] = frozenset()) -> str:
    out: list[str] = []
    if data is None:
        return ""
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                if metric.name in skip:
                    continue
                name = _name(metric.name)
                d = metric.data
                if isinstance(d, Sum):
                    kind = "counter" if d.is_monotonic else "gauge"
                    pname = (
                        name + "_total" if d.is_monotonic and not name.endswith("_total") else name
                    )
                    out.append(f"# HELP {pname} {metric.description}")
                    out.append(f"# TYPE {pname} {kind}")
                    for p in d.data_points:
                        out.append(f"{pname}{_labels(p.attributes)} {_num(p.value)}")
                elif isinstance(d, Gauge):
                    out.append(f"# HELP {name} {metric.description}")
                    out.append(f"# TYPE {name} gauge")
                    for p in d.data_points:
                        out.append(f"{name}{_labels(p.attributes)} {_num(p.value)}")
                elif isinstance(d, Histogram):
                    out.append(f"# HELP {name} {metric.description}")
                    out.append(f"# TYPE {name} histogram")
                    for hp in d.data_points:
                        cum = 0
                        for bound, c in zip(hp.explicit_bounds, hp.bucket_counts, strict=False):
                            cum += c
                            lbl = _labels(hp.attributes, (("le", _num(float(bound))),))
                            out.append(f"{name}_bucket{lbl} {cum}")
                        cum += hp.bucket_counts[-1]
                        lbl = _labels(hp.attributes, (("le", "+Inf"),))
                        out.append(f"{name}_bucket{lbl} {cum}")
                        out.append(f"{name}_sum{_labels(hp.attributes)} {_num(hp.sum)}")
                        out.append(f"{name}_count{_labels(hp.attributes)} {hp.count}")
    return "\n".join(out) + ("\n" if out else "")
