"""The event loop is never held by an embedding while 50 concurrent clients hit
the semantic tier (embeddings in worker threads, micro-batched). The 5 ms
per-step target is measured by ``bench/loop_blocking.py``; this test asserts
only what a loaded machine cannot trip: no step near an encode's 15-50 ms.

The clients run in another process so only the gateway's task steps are timed.
Two instruments watch the same steps: the gateway's own (wall time, what
``gw.telemetry.loop`` reports) and one that also reads this thread's CPU time.
On a shared 2-core machine a step's wall time also includes time the OS gave
other processes (and time waiting for the GIL while the encoder thread holds it),
so the bound is asserted on CPU time per step, and the wall-time figures are
printed alongside (run with ``-s`` to see them).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import orjson
import trio
import trio.lowlevel

from routeiq.cache.embedder import SentenceEncoder
from tests.cache.stack import MASTER, cache_config, cache_stack, chat
from tests.conftest import MASTER_KEY

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 50
ROUNDS = 4
QUESTIONS = [
    "How do I reset my router?",
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "What are your business hours?",
    "How can I change my password?",
    "Where is my order?",
    "How do I cancel my subscription?",
    "What payment methods do you accept?",
    "How do I update my shipping address?",
    "Can I get a refund for a damaged item?",
]


def variants(text: str) -> list[str]:
    """Texts with other exact keys but the same embedding (the model is uncased and
    the semantic text collapses whitespace): every one is a semantic hit."""
    words = text.split(" ")
    out = [text.lower(), text.upper()]
    for i in range(1, len(words)):
        out.append(" ".join(words[:i]) + "  " + " ".join(words[i:]))
    return out


class CpuSteps(trio.abc.Instrument):
    """Per task step: wall time and this thread's CPU time."""

    def __init__(self) -> None:
        self.max_cpu = 0.0
        self.max_cpu_task = ""
        self.max_wall = 0.0
        self.steps = 0
        self.over_5ms_wall = 0
        self.over_5ms_cpu = 0
        self.cpu_of_slow_walls: list[float] = []
        self._wall0 = 0.0
        self._cpu0 = 0.0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._wall0 = time.perf_counter()
        self._cpu0 = time.thread_time()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        if not self._wall0:
            return
        cpu = time.thread_time() - self._cpu0
        wall = time.perf_counter() - self._wall0
        self.steps += 1
        if cpu > self.max_cpu:
            self.max_cpu, self.max_cpu_task = cpu, task.name
        self.max_wall = max(self.max_wall, wall)
        if wall > 0.005:
            self.over_5ms_wall += 1
            self.cpu_of_slow_walls.append(cpu)
        if cpu > 0.005:
            self.over_5ms_cpu += 1


async def test_no_step_over_5ms_with_50_clients_on_the_semantic_tier(
    minilm: SentenceEncoder,
) -> None:
    with trio.fail_after(120):
        # No lookup budget: with 50 clients the encoder queue is seconds deep, and this
        # test is about the loop while every request really goes through the tier.
        semantic = {"lookup_budget_ms": None}
        async with cache_stack(minilm, cache_config(semantic=semantic)) as s:
            gw = s.gw
            async with httpx.AsyncClient(base_url=s.url, headers=MASTER, timeout=30) as c:
                for q in QUESTIONS:
                    r = await c.post("/v1/chat/completions", json=chat(q))
                    assert r.headers["x-routeiq-cache"] == "miss"
            with trio.fail_after(10):
                while gw.cache.stats.stores < len(QUESTIONS):
                    await trio.sleep(0.01)
            texts = [v for q in QUESTIONS for v in variants(q)]
            embedder = gw.cache.embedder
            assert embedder is not None
            encodes_before = embedder.stats.encodes
            cpu = CpuSteps()
            trio.lowlevel.add_instrument(cpu)
            gw.telemetry.loop.reset_max()
            try:
                done = await trio.run_process(
                    [
                        sys.executable,
                        "-m",
                        "tests.cache.load_client",
                        s.url,
                        MASTER_KEY,
                        str(CLIENTS),
                        str(ROUNDS),
                        orjson.dumps(texts).decode(),
                    ],
                    cwd=str(ROOT),
                    capture_stdout=True,
                )
            finally:
                trio.lowlevel.remove_instrument(cpu)
            wall_max = gw.telemetry.loop.max_seconds
            load = orjson.loads(done.stdout)
            assert load["statuses"] == {"200": CLIENTS * ROUNDS}
            assert load["outcomes"] == {"hit-semantic": CLIENTS * ROUNDS}
            encodes = embedder.stats.encodes - encodes_before
            mean_batch = CLIENTS * ROUNDS / encodes
            slow = sorted(cpu.cpu_of_slow_walls, reverse=True)[:5]
            print(
                f"\n{CLIENTS} clients x {ROUNDS}: {load['seconds']:.2f} s, p50 {load['p50_ms']:.1f}"
                f" ms, p99 {load['p99_ms']:.1f} ms; {encodes} encodes (mean batch"
                f" {mean_batch:.1f}); {cpu.steps} task steps: max CPU"
                f" {cpu.max_cpu * 1000:.2f} ms ({cpu.max_cpu_task}), over 5 ms CPU:"
                f" {cpu.over_5ms_cpu}; max wall {wall_max * 1000:.2f} ms"
                f" ({gw.telemetry.loop.max_task}), over 5 ms wall: {cpu.over_5ms_wall}"
                f" (their CPU ms: {[round(x * 1000, 2) for x in slow]})"
            )
            assert mean_batch > 2  # micro-batching gathered concurrent requests
            # The 5 ms target lives in bench/loop_blocking.py; here only a bound a loaded
            # 2-core CI machine cannot trip (10x): an encode on the loop costs 15-50 ms.
            assert cpu.max_cpu < 0.05, (cpu.max_cpu, cpu.max_cpu_task)
