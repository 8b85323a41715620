"""Redis governance check: this tree against an older commit's, in one process.

Separate runs of ``bench/governance.py`` cannot resolve a few microseconds here:
on the shared 2-core machine the raw PING's p50 moves between 45 and 125 us from
one run to the next, and the ratio with it. So both checks run in the same
process, alternating per sample (which goes first alternates too), each followed
by a raw PING on this tree's lean connection: all three see the same moments of
the machine's load.

"Before" is the whole of an older commit's ``routeiq`` (client and scripts):
``--before DIR`` is an export of it (``git archive <commit> | tar -x -C DIR``),
imported as the package ``routeiq_before`` (a copy with its imports renamed), so
the figure is every change between the two, client side and Redis side. Each
side has its own key prefix on one redis-server.

    python bench/governance_ab.py --before DIR [--rounds 3] [--samples 4000]

Prints one line per round and key count; writes bench/results/governance_ab.json.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import save
from governance import CHECK_LIMITS, REQ, _redis

from routeiq.asgi.types import RequestContext
from routeiq.governance.resp import RespConnection, address

_IMPORT = re.compile(r"\b(from|import) routeiq\b")


def _before_package(tree: Path) -> Any:
    """``tree``'s routeiq, importable beside this one as ``routeiq_before``."""
    root = Path(tempfile.mkdtemp(prefix="routeiq-before-"))
    shutil.copytree(tree / "routeiq", root / "routeiq_before")
    for path in (root / "routeiq_before").rglob("*.py"):
        text = path.read_text()
        path.write_text(_IMPORT.sub(r"\1 routeiq_before", text))
    sys.path.insert(0, str(root))
    return importlib.import_module("routeiq_before")


def _side(pkg: str, url: str, prefix: str, n_keys: int, tokens: list[bytes]) -> tuple[Any, Any]:
    """A Governance of package ``pkg`` with ``n_keys`` keys in 100 teams, on Redis."""
    service = importlib.import_module(f"{pkg}.governance.service")
    shared = importlib.import_module(f"{pkg}.governance.shared")
    settings = importlib.import_module(f"{pkg}.governance.settings")
    db = importlib.import_module(f"{pkg}.db")
    base = importlib.import_module(f"{pkg}.db.base")
    counters = shared.SharedCounters(url, prefix, op_timeout=5.0)
    database = db.open_database("sqlite:///" + tempfile.mktemp(), Path("."))  # never opened
    prices = {"bench-model": service.GroupPrice(1e-6, 2e-6, None)}
    gov = service.Governance(settings.GovernanceSettings(), database, counters, prices)
    for t in range(100):
        gov.apply(base.EntityRow("team", f"t{t}", dict(CHECK_LIMITS), t + 1, 0.0, 0))
    for i, token in enumerate(tokens[:n_keys]):
        data = {**CHECK_LIMITS, "team_id": f"t{i % 100}", "key_alias": f"k{i}"}
        gov.apply(base.EntityRow("key", hashlib.sha256(token).hexdigest(), data, 1000 + i, 0.0, 0))
    if hasattr(gov, "bind_all"):  # as its Governance.run does once the records are loaded
        gov.bind_all()
    return gov, counters


async def _round(url: str, n_keys: int, n: int) -> dict[str, Any]:
    tokens = [f"sk-bench-{i:07d}-{random.random()}".encode() for i in range(n_keys)]
    sides = {
        "before": _side("routeiq_before", url, "benchA:", n_keys, tokens),
        "after": _side("routeiq", url, "benchB:", n_keys, tokens),
    }
    samples: dict[str, list[float]] = {"after": [], "before": [], "ping": []}
    addr = address(url)
    assert addr is not None
    async with trio.open_nursery() as nursery:
        for _, counters in sides.values():
            await nursery.start(counters.run)
        ping = await RespConnection.open(addr)
        await nursery.start(ping.run)
        rng = random.Random(1)
        order = list(sides.items())
        for i in range(n + 500):
            token = tokens[rng.randrange(n_keys)]
            for name, (gov, _) in order if i % 2 else order[::-1]:
                ctx = RequestContext(f"r{i}", time.perf_counter())
                t0 = time.perf_counter_ns()
                gov.authenticate(hashlib.sha256(token).hexdigest(), ctx)
                await gov.admit(ctx, "bench-model", REQ, 120)
                t1 = time.perf_counter_ns()
                ctx.model, ctx.status, ctx.cost = "bench-model", 200, 1e-5
                ctx.usage = {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
                gov.finish(ctx)
                p0 = time.perf_counter_ns()
                await ping.call(b"PING")
                p1 = time.perf_counter_ns()
                if i >= 500:
                    samples[name].append((t1 - t0) / 1000)
                    samples["ping"].append((p1 - p0) / 1000)
                if len(gov.rows) > 5000:
                    gov.rows.clear()
                    gov.deltas.clear()
        fell_back = sum(c.downs for _, c in sides.values())
        nursery.cancel_scope.cancel()
    if fell_back:
        sys.exit("a counter fell back to per-process counting: the figures would not be Redis's")
    out: dict[str, Any] = {"keys": n_keys, "samples": n, "load": os.getloadavg()[0]}
    for name, values in samples.items():
        out[f"{name}_p50_us"] = float(np.percentile(values, 50))
        out[f"{name}_p99_us"] = float(np.percentile(values, 99))
    for name in ("before", "after"):
        out[f"{name}_ratio_p50"] = out[f"{name}_p50_us"] / out["ping_p50_us"]
        out[f"{name}_ratio_p99"] = out[f"{name}_p99_us"] / out["ping_p99_us"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="an export of the older commit")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--samples", type=int, default=4000)
    args = ap.parse_args()
    _before_package(args.before)
    server = _redis()
    rows = []
    try:
        for _ in range(args.rounds):
            for n_keys in (10_000, 100_000):
                server.command("FLUSHALL")
                r = trio.run(_round, server.url, n_keys, args.samples)
                rows.append(r)
                print(
                    f"{n_keys // 1000}k keys, load {r['load']:.2f}: PING p50/p99 "
                    f"{r['ping_p50_us']:.1f}/{r['ping_p99_us']:.0f} us | before "
                    f"{r['before_p50_us']:.1f}/{r['before_p99_us']:.0f} us = "
                    f"{r['before_ratio_p50']:.3f}x/{r['before_ratio_p99']:.2f}x | after "
                    f"{r['after_p50_us']:.1f}/{r['after_p99_us']:.0f} us = "
                    f"{r['after_ratio_p50']:.3f}x/{r['after_ratio_p99']:.2f}x",
                    flush=True,
                )
    finally:
        server.stop()
    save("governance_ab", {"args": {**vars(args), "before": str(args.before)}, "rounds": rows})


if __name__ == "__main__":
    main()
