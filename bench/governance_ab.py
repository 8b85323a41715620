"""Redis governance check: this tree's admission against the v2 layout's, in one process.

Separate runs of ``bench/governance.py`` (this tree, then an export of an older
commit) could not resolve a few microseconds here: on the shared 2-core machine the
raw PING's p50 moved between 45 and 125 us from one run to the next, and the ratio
with it. So both admissions run in the same process, alternating per sample (which
goes first alternates too), each followed by a raw PING on the same lean connection:
all three see the same moments of the machine's load.

"Before" is the v2 layout (a 104-byte header, every rpm time written to the ring
string, 96-byte rule arguments): its Lua text is loaded from ``--before``, an export
of a commit that has it (3199cd9: ``git archive 3199cd9 | tar -x -C DIR``). Its
client is this tree's (the command is assembled the same way), so the figure is the
Redis side's change plus the shorter arguments, not the client-side edits.

    python bench/governance_ab.py --before DIR [--rounds 3] [--samples 4000]

Prints one line per round and key count; writes bench/results/governance_ab.json.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import save
from governance import REQ, _governance, _redis

from routeiq.asgi.types import RequestContext
from routeiq.governance.scripts import NOTHING_SETTLED, SETTLE_SHA, bulk, command_head
from routeiq.governance.service import Governance
from routeiq.governance.shared import SharedCounters


def _load_lua(tree: Path) -> Any:
    spec = importlib.util.spec_from_file_location("before_lua", tree / "routeiq/governance/lua.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Before(SharedCounters):
    """This tree's client speaking the v2 layout: its scripts, keys and arguments."""

    def __init__(self, url: str, lua: Any) -> None:
        super().__init__(url, "bench:", op_timeout=5.0)
        self.prefix = "bench:gov:v2:"
        self.lua = lua
        self.admit_sha = hashlib.sha1(lua.ADMIT.encode()).hexdigest()
        self.settle_sha = hashlib.sha1(lua.SETTLE.encode()).hexdigest()
        for n in (1, 2, 3, 4):
            self._admit_heads[n] = command_head(self.admit_sha, n, n + 1)

    def _head(self, sha: str, nkeys: int, nargs: int) -> bytes:
        return super()._head(self.settle_sha if sha == SETTLE_SHA else sha, nkeys, nargs)

    def v2_arguments(self) -> None:
        for w in self._wires.values():
            w.arg = bulk(w.raw + NOTHING_SETTLED)  # v2 read 12 doubles per rule


async def _round(url: str, lua: Any, n_keys: int, n: int) -> dict[str, Any]:
    after = SharedCounters(url, "bench:", op_timeout=5.0)
    before = _Before(url, lua)
    gov_after, tokens = _governance(n_keys, after)
    gov_before, _ = _governance(0, before)
    for kind in ("key", "team"):
        gov_before.records[kind].update(gov_after.records[kind])
    for w in list(after._wires.values()):
        before.prepare(w.rule)
    before.v2_arguments()
    samples: dict[str, list[float]] = {"after": [], "before": [], "ping": []}
    async with trio.open_nursery() as nursery:
        await nursery.start(after.run)
        await nursery.start(before.run)
        await before._client.script_load(lua.ADMIT)
        await before._client.script_load(lua.SETTLE)
        fast = after._fast
        assert fast is not None
        rng = random.Random(1)
        pair: tuple[tuple[str, Governance], ...] = (("before", gov_before), ("after", gov_after))
        for i in range(n + 500):
            token = tokens[rng.randrange(len(tokens))]
            for name, gov in pair if i % 2 else pair[::-1]:
                ctx = RequestContext(f"r{i}", time.perf_counter())
                t0 = time.perf_counter_ns()
                gov.authenticate(hashlib.sha256(token).hexdigest(), ctx)
                await gov.admit(ctx, "bench-model", REQ, 120)
                t1 = time.perf_counter_ns()
                ctx.model, ctx.status, ctx.cost = "bench-model", 200, 1e-5
                ctx.usage = {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
                gov.finish(ctx)
                p0 = time.perf_counter_ns()
                await fast.call(b"PING")
                p1 = time.perf_counter_ns()
                if i >= 500:
                    samples[name].append((t1 - t0) / 1000)
                    samples["ping"].append((p1 - p0) / 1000)
                if len(gov.rows) > 5000:
                    gov.rows.clear()
                    gov.deltas.clear()
        fell_back = after.downs + before.downs
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
    lua = _load_lua(args.before)
    server = _redis()
    rows = []
    try:
        for _ in range(args.rounds):
            for n_keys in (10_000, 100_000):
                server.command("FLUSHALL")
                r = trio.run(_round, server.url, lua, n_keys, args.samples)
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
