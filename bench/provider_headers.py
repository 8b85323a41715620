"""What LiteLLM's ``llm_provider-*`` copies of the upstream headers cost the hot path.

Two parts, one run:

1. In-process, per response start: each stage that touches the response headers,
   timed on the headers of a real chat answer (the mock upstream's seven plus the
   gateway's own), with and without the seven copies. Shows where the per-header
   cost is: ours (building the list, the x-litellm mirrors, the injection check)
   or the server's (hypercorn's header check, h11's validation and writing).
2. End to end, interleaved rounds against the same mock upstream (wrk, non-streamed
   chat, 0 ms upstream): the gateway as of git ``--before`` (default: HEAD~1), the
   current one with the copies (the default, LiteLLM's behaviour) and the current
   one with ``general_settings.return_llm_provider_headers: false``. Figures are
   medians of per-round ratios to "before"; /proc/loadavg is recorded before and
   after each setting because the machine is shared.

    python bench/provider_headers.py [--before REF] [--seconds 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KEY, ROOT, mock, plot_path, process, save, table, wrk
from hot_path import BODY, METRICS, checkout, one_pass

UPSTREAM = [  # what the mock upstream (hypercorn) sends with a chat answer
    (b"content-type", b"application/json"),
    (b"content-length", b"301"),
    (b"x-ratelimit-limit-requests", b"10000"),
    (b"x-ratelimit-remaining-requests", b"9876"),
    (b"openai-processing-ms", b"0"),
    (b"date", b"Mon, 07 Dec 2026 17:40:18 GMT"),
    (b"server", b"hypercorn-h11"),
]
DECISION = [  # the gateway's decision and x-litellm attempt headers on that answer
    (b"x-routeiq-request-ms", b"4.54"),
    (b"x-routeiq-attempts", b"1"),
    (b"x-routeiq-model", b"bench-model"),
    (b"x-routeiq-deployment", b"bench-dep"),
    (b"x-litellm-model-group", b"bench-model"),
    (b"x-litellm-attempted-retries", b"0"),
    (b"x-litellm-attempted-fallbacks", b"0"),
    (b"x-litellm-model-name", b"openai/bench-model"),
    (b"x-litellm-model-api-base", b"http://127.0.0.1:37177/v1"),
]


def micro(number: int = 20000) -> list[dict[str, Any]]:
    import h11
    from h11._writers import write_any_response
    from hypercorn.utils import build_and_validate_headers

    from routeiq.asgi.headers import bad_header
    from routeiq.asgi.litellm_headers import litellm_headers
    from routeiq.llm.passthrough import passthrough_headers

    rid = (b"x-request-id", b"87e91a8365e4fc0513549696")
    rows = []
    for copies in (True, False):
        relayed = passthrough_headers(UPSTREAM, copies)
        hs = [(b"content-type", b"application/json"), (b"content-length", b"301")]
        hs += DECISION + relayed + [rid]
        hs += litellm_headers(hs, rid[1], None)
        checked = build_and_validate_headers(hs)
        response = h11.Response(headers=checked, status_code=200)
        out: list[bytes] = []
        stages = {
            "passthrough_headers (ours)": lambda c=copies: passthrough_headers(UPSTREAM, c),
            "litellm_headers (ours)": lambda h=hs: litellm_headers(h, rid[1], None),
            "bad_header (ours)": lambda h=hs: bad_header(h),
            "hypercorn build_and_validate": lambda h=hs: build_and_validate_headers(h),
            "h11.Response (validation)": lambda h=checked: h11.Response(headers=h, status_code=200),
            "h11 write": lambda r=response, o=out: (write_any_response(r, o.append), o.clear()),
        }
        for name, fn in stages.items():
            best = min(timeit.repeat(fn, number=number, repeat=5)) / number
            rows.append(
                {"copies": copies, "headers": len(hs), "stage": name, "us": round(best * 1e6, 3)}
            )
    return rows


_OURS = """
import json, sys, timeit
from routeiq.asgi.headers import bad_header
from routeiq.asgi.litellm_headers import litellm_headers
from routeiq.llm.passthrough import passthrough_headers
up, decision = json.loads(sys.argv[1])
up = [(k.encode(), v.encode()) for k, v in up]
rid = (b"x-request-id", b"87e91a8365e4fc0513549696")
def respond():
    hs = [(b"content-type", b"application/json"), (b"content-length", b"301")]
    hs += [(k.encode(), v.encode()) for k, v in decision]
    hs += passthrough_headers(up)
    hs.append(rid)
    hs += litellm_headers(hs, rid[1], None)
    bad_header(hs)
print(min(timeit.repeat(respond, number=20000, repeat=7)) / 20000 * 1e6)
"""


def ours_before_after(ref: str) -> list[dict[str, Any]]:
    """The gateway's own header work per response start (list building, the x-litellm
    mirrors, the injection check; copies on), as of ``ref`` and now, alternated."""
    import json
    import subprocess

    arg = json.dumps(
        [
            [[k.decode(), v.decode()] for k, v in UPSTREAM],
            [[k.decode(), v.decode()] for k, v in DECISION],
        ]
    )
    runs: dict[str, list[float]] = {"before": [], "after": []}
    with checkout(ref) as old:
        for _ in range(3):
            for name, root in (("before", old), ("after", ROOT)):
                out = subprocess.run(
                    [sys.executable, "-c", _OURS, arg],
                    env={**os.environ, "PYTHONPATH": str(root)},
                    cwd=root,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                runs[name].append(float(out))
    return [{"code": name, "us_best": round(min(v), 3), "us_runs": v} for name, v in runs.items()]


def gateway_config(base: str, copies: bool | None) -> Path:
    """The bench config; ``copies`` None: the setting left out (the old code lacks it)."""
    general: dict[str, Any] = {"master_key": KEY}
    if copies is not None:
        general["return_llm_provider_headers"] = copies
    cfg = {
        "model_list": [
            {
                "model_name": "bench-model",
                "litellm_params": {"model": "openai/bench-model", "api_base": base, "api_key": "x"},
                "model_info": {"id": "bench-dep"},
            }
        ],
        "general_settings": general,
    }
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix="routeiq-bench-")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(cfg, f)
    return Path(name)


def serve(base: str, *, copies: bool | None, root: Path = ROOT) -> Any:
    cfg = gateway_config(base, copies)
    args = ["-m", "routeiq.cli", "serve", "--config", str(cfg), "--port", "0", "--quiet"]
    return process(args, root=root)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def end_to_end(ref: str, seconds: int, rounds: int, concs: list[int]) -> list[dict[str, Any]]:
    targets = ["before", "copies", "no-copies"]
    rows: list[dict[str, Any]] = []
    with (
        checkout(ref) as old,
        mock(0.0) as base,
        serve(base, copies=None, root=old) as before_url,
        serve(base, copies=True) as copies_url,
        serve(base, copies=False) as plain_url,
    ):
        urls = dict(zip(targets, (before_url, copies_url, plain_url), strict=True))
        for conc in concs:
            for url in urls.values():
                wrk(url + "/v1/chat/completions", BODY, connections=conc, seconds=2)  # warm
            load0 = loadavg()
            passes: dict[str, list[dict[str, float]]] = {t: [] for t in targets}
            for i in range(rounds):
                order = targets if i % 2 == 0 else list(reversed(targets))
                for name in order:
                    passes[name].append(one_pass(urls[name], conc, seconds))
            load1 = loadavg()
            for name in targets:
                med = {m: statistics.median(p[m] for p in passes[name]) for m in METRICS}
                rows.append({"conc": conc, "target": name, **med, "load": f"{load0}->{load1}"})
            for name in ("copies", "no-copies"):
                per_round = {
                    m: [a[m] / b[m] for a, b in zip(passes[name], passes["before"], strict=True)]
                    for m in METRICS
                }
                rows.append(
                    {
                        "conc": conc,
                        "target": f"ratio {name}/before",
                        **{m: statistics.median(v) for m, v in per_round.items()},
                        "rps_range": f"{min(per_round['rps']):.3f}-{max(per_round['rps']):.3f}",
                        "cpu_range": (
                            f"{min(per_round['cpu_us_per_req']):.3f}-"
                            f"{max(per_round['cpu_us_per_req']):.3f}"
                        ),
                    }
                )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="HEAD~1", help="git ref of the code to compare with")
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--conc", default="1,32")
    ap.add_argument("--tag", default="", help="suffix of the result files (repeats)")
    ap.add_argument("--micro-only", action="store_true", help="the in-process parts only")
    args = ap.parse_args()
    stage_rows = micro()
    print("per response start, in-process (best of 5):")
    print(table(stage_rows, ["copies", "headers", "stage", "us"]))
    print()
    ours = ours_before_after(args.before)
    print(f"the gateway's own header work per response start (copies on), {args.before} vs now:")
    print(table(ours, ["code", "us_best"]))
    print()
    if args.micro_only:
        save("provider_headers_micro", {"before": args.before, "stages": stage_rows, "ours": ours})
        return
    concs = [int(c) for c in args.conc.split(",")]
    rows = end_to_end(args.before, args.seconds, args.rounds, concs)
    cols = ["conc", "target", "p50_ms", "rps", "cpu_us_per_req", "rps_range", "cpu_range", "load"]
    print(f"before = {args.before}; median of {args.rounds} interleaved rounds of {args.seconds} s")
    print(table(rows, cols))
    name = "provider_headers" + (f"_{args.tag}" if args.tag else "")
    save(
        name,
        {
            "before": args.before,
            "stages": stage_rows,
            "ours": ours,
            "rows": rows,
            "seconds": args.seconds,
            "rounds": args.rounds,
        },
    )
    _plot(stage_rows, rows, name)


def _plot(stage_rows: list[dict[str, Any]], rows: list[dict[str, Any]], name: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    stages = list(dict.fromkeys(r["stage"] for r in stage_rows))
    for i, copies in enumerate((True, False)):
        us = [
            next(r["us"] for r in stage_rows if r["stage"] == s and r["copies"] == copies)
            for s in stages
        ]
        left.barh([j + 0.4 * i for j in range(len(stages))], us, 0.4, label=f"copies={copies}")
    left.set_yticks([j + 0.2 for j in range(len(stages))], stages)
    left.set_xlabel("us per response start")
    left.legend()
    ratios = [r for r in rows if r["target"].startswith("ratio")]
    labels = [f"c={r['conc']} {r['target'][6:]}" for r in ratios]
    x = range(len(ratios))
    right.bar([i - 0.2 for i in x], [r["rps"] for r in ratios], 0.4, label="rps")
    right.bar([i + 0.2 for i in x], [r["cpu_us_per_req"] for r in ratios], 0.4, label="CPU/req")
    right.axhline(1.0, color="grey", lw=0.8)
    right.set_xticks(list(x), labels, rotation=20)
    right.set_title("ratio to before (median of interleaved rounds)")
    right.legend()
    fig.tight_layout()
    fig.savefig(plot_path(name))


if __name__ == "__main__":
    main()
