"""The telemetry's CPU per request, in-process, on the exact code paths (issue 17).

``hot_path.py --before REF`` compares whole gateways, but on a shared 2-core
machine under load a pass swings by 2x, far more than the 3% to resolve. This
bench times what the telemetry work adds to one request, with nothing else
running in between: the trace context at arrival, the attempt record around an
upstream call, the reference to the answer, and after the response the request
metrics, the GenAI and per-deployment metrics and the access line (off; and on,
at INFO, to /dev/null). "before" is the same request's telemetry as the code
was (the request metrics only). Each variant runs ``--n`` requests, ``--rounds``
times alternating; the table gives the median microseconds per request, and the
added cost as a share of the gateway's CPU per request measured by
``hot_path.py`` (``--gateway-us``, 2,400 us at c=32 on these machines).

    python bench/telemetry_cost.py [--n 20000] [--rounds 5] [--gateway-us 2400]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import plot_path, save, table

from routeiq.asgi.types import RequestContext
from routeiq.config import Deployment, TelemetrySettings
from routeiq.logs import CURRENT, RequestFilter, TextFormatter
from routeiq.routing.executor import AttemptResult
from routeiq.telemetry import Telemetry
from routeiq.telemetry.attempts import note_response, traced
from routeiq.tracecontext import start_trace

HEADERS = [
    (b"host", b"127.0.0.1:4000"),
    (b"user-agent", b"wrk"),
    (b"content-type", b"application/json"),
    (b"authorization", b"Bearer sk-bench-key"),
    (b"content-length", b"84"),
]
REQ = {"model": "bench-model", "messages": [{"role": "user", "content": "Say hello."}]}
BODY = (
    b'{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"bench-model",'
    b'"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},'
    b'"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,'
    b'"total_tokens":6}}'
)
DEP = Deployment(
    id="bench-dep",
    model_name="bench-model",
    provider="openai",
    upstream_model="bench-model",
    api_base="http://127.0.0.1:9000/v1",
    api_key="x",
    api_version=None,
    timeout=None,
    stream_timeout=None,
    rpm=None,
    tpm=None,
    weight=1.0,
)
PATH = "/v1/chat/completions"


class _Exchange:
    response_body = BODY
    usage = {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}


def _drive(coro: Any) -> Any:
    """Run a coroutine that never suspends (the stub attempt) without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the stub attempt suspended")


def request_before(tel: Telemetry) -> None:
    ctx = RequestContext("0123456789abcdef01234567", time.perf_counter())
    ctx.model, ctx.deployment, ctx.key_name = "bench-model", "bench-dep", "bench"
    ctx.attempts, ctx.status = 1, 200
    ctx.usage = _Exchange.usage
    tel.on_request_done(PATH, ctx, "POST")


def request_after(tel: Telemetry) -> None:
    ctx = RequestContext("0123456789abcdef01234567", time.perf_counter())
    ctx.trace = start_trace(HEADERS)  # RequestIdMiddleware
    CURRENT.set(ctx)
    ctx.model, ctx.key_name = "bench-model", "bench"
    ctx.trace.operation = "chat"  # api/openai.py
    ctx.trace.request = REQ

    async def attempt(dep: Deployment) -> AttemptResult:
        ctx.deployment = dep.id
        ctx.attempts += 1
        ctx.status = 200
        note_response(ctx, _Exchange)
        ctx.usage = _Exchange.usage
        return AttemptResult()

    _drive(traced(ctx, attempt)(DEP))
    tel.on_request_done(PATH, ctx, "POST")


def timed(fn: Callable[[], None], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--gateway-us", type=float, default=2400.0)
    args = ap.parse_args()
    quiet = Telemetry(TelemetrySettings(), routes=[PATH], models=["bench-model"])
    access = Telemetry(TelemetrySettings(), routes=[PATH], models=["bench-model"])
    # The access line at INFO through the JSON/text formatter, to /dev/null.
    handler = logging.StreamHandler(open(os.devnull, "w"))
    handler.setFormatter(TextFormatter())
    handler.addFilter(RequestFilter())
    access_log = logging.getLogger("routeiq.access")
    variants: dict[str, Callable[[], None]] = {
        "before": lambda: request_before(quiet),
        "after": lambda: request_after(quiet),
        "after+access": lambda: request_after(access),
    }
    runs: dict[str, list[float]] = {k: [] for k in variants}
    for i in range(args.rounds):
        names = list(variants) if i % 2 == 0 else list(reversed(variants))
        for name in names:
            if name == "after+access":
                access_log.addHandler(handler)
                access_log.setLevel(logging.INFO)
                access_log.propagate = False
            try:
                runs[name].append(timed(variants[name], args.n))
            finally:
                access_log.removeHandler(handler)
                access_log.setLevel(logging.NOTSET)
                access_log.propagate = True
    med = {k: statistics.median(v) for k, v in runs.items()}
    rows = []
    for name in variants:
        added = med[name] - med["before"]
        rows.append(
            {
                "variant": name,
                "us_per_request": med[name],
                "added_us": added,
                "share_of_gateway_cpu": added / args.gateway_us,
                "throughput_ratio_est": args.gateway_us / (args.gateway_us + added),
            }
        )
    cols = ["variant", "us_per_request", "added_us", "share_of_gateway_cpu", "throughput_ratio_est"]
    print(f"median of {args.rounds} alternating rounds of {args.n} requests each")
    print(f"gateway CPU per request (hot_path.py, c=32): {args.gateway_us:.0f} us")
    print(table(rows, cols))
    save("telemetry_cost", {"rows": rows, "runs": runs, "n": args.n, "gateway_us": args.gateway_us})
    _plot(rows)


def _plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar([r["variant"] for r in rows], [r["us_per_request"] for r in rows])
    ax.set_ylabel("telemetry CPU per request (us)")
    ax.set_title("Telemetry work per request, in-process")
    fig.tight_layout()
    fig.savefig(plot_path("telemetry_cost"))


if __name__ == "__main__":
    main()
