"""Does the semantic tier's memory stay flat, and does a flush give it back?

In one process, the gateway's own embedder (micro-batched, worker threads) encodes
``--encodes`` distinct questions from ``--clients`` concurrent tasks; RSS is read
every 5,000 encodes (issue target: RSS after 50,000 at most 5% above RSS after the
first 5,000). Then ``--entries`` answers' vectors and verification facts go into a
``SemanticStore``, are flushed, and ``routeiq.heap.release_memory`` (a full
collection and glibc's ``malloc_trim``, what ``CacheService.flush`` now runs)
hands the memory back: RSS before the stores, after them, after the flush.

Run: ``PYTHONPATH=. .venv/bin/python bench/semantic_cache_memory.py --runtime onnx-int8``
(or ``torch``). Writes bench/results/semantic_cache_memory_<runtime>.json and .png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import plot_path, save, table
from routeiq.cache.embedder import Embedder, load_model
from routeiq.cache.semantic import SemanticStore
from routeiq.cache.verify import Facts
from routeiq.heap import release_memory

WORDS = (
    "router invoice password printer account laptop refund network screen battery "
    "update install cancel export share repair configure backup restore delete "
    "office home school weekend morning quickly safely again today later"
).split()


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def question(i: int) -> str:
    rng = np.random.default_rng(i)
    n = int(rng.integers(4, 40))
    words = [WORDS[int(k)] for k in rng.integers(0, len(WORDS), n)]
    return f"How do I {' '.join(words)} number {i}?"


async def encode_phase(embedder: Embedder, total: int, clients: int) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    done = 0
    counter = iter(range(total))
    t0 = time.perf_counter()

    async def client() -> None:
        nonlocal done
        for i in counter:
            await embedder.embed_with_facts(question(i))
            done += 1
            if done % 5000 == 0:
                samples.append(
                    {"encodes": done, "rss_mib": rss_mib(), "s": time.perf_counter() - t0}
                )
                print(f"  {done:>6} encodes  RSS {samples[-1]['rss_mib']:.1f} MiB", flush=True)

    async with trio.open_nursery() as nursery:
        await nursery.start(embedder.run)
        async with trio.open_nursery() as clients_nursery:
            for _ in range(clients):
                clients_nursery.start_soon(client)
        nursery.cancel_scope.cancel()
    return samples


async def store_phase(embedder: Embedder, entries: int) -> dict[str, float]:
    store: SemanticStore[Facts] = SemanticStore(now=trio.current_time, max_entries=entries)
    await release_memory()
    before = rss_mib()
    for start in range(0, entries, 32):  # the embedder's max_batch
        texts = [question(10_000_000 + i) for i in range(start, min(entries, start + 32))]
        vectors = await trio.to_thread.run_sync(embedder.encode_sync, texts)
        facts = await trio.to_thread.run_sync(embedder.facts_sync, texts)
        for j, (v, f) in enumerate(zip(vectors, facts, strict=True)):
            store.store(f"k{start + j}", "ns", "m", "fp", v, f)
    stored = rss_mib()
    store.flush()
    flushed_no_release = rss_mib()
    await release_memory()
    released = rss_mib()
    return {
        "entries": entries,
        "before_mib": before,
        "stored_mib": stored,
        "flushed_mib": flushed_no_release,
        "flushed_released_mib": released,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", default="onnx-int8", choices=["torch", "onnx", "onnx-int8"])
    ap.add_argument("--encodes", type=int, default=50_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--entries", type=int, default=20_000)
    args = ap.parse_args()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f} runtime={args.runtime}")
    base = rss_mib()
    model = load_model(runtime=args.runtime)
    loaded = rss_mib()
    print(f"RSS: start {base:.1f} MiB, model loaded {loaded:.1f} MiB", flush=True)
    embedder = Embedder(model=model)
    samples = trio.run(encode_phase, embedder, args.encodes, args.clients)
    first, last = samples[0]["rss_mib"], samples[-1]["rss_mib"]
    growth = last / first - 1
    print(
        f"RSS after {samples[-1]['encodes']} encodes {last:.1f} MiB vs after "
        f"{samples[0]['encodes']} {first:.1f} MiB: {100 * growth:+.1f}% (target <= +5%)"
    )
    embedder2 = Embedder(model=model)
    mem = trio.run(store_phase, embedder2, args.entries)
    print(table([mem], list(mem)))
    save(
        f"semantic_cache_memory_{args.runtime}",
        {
            "runtime": args.runtime,
            "rss_start_mib": base,
            "rss_loaded_mib": loaded,
            "samples": samples,
            "growth_5k_to_last": growth,
            "store": mem,
            "mean_batch": embedder.stats.mean_batch,
        },
    )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot([s["encodes"] for s in samples], [s["rss_mib"] for s in samples], marker="o")
    ax.axhline(first * 1.05, color="grey", ls=":", label="+5% over 5k")
    ax.set_xlabel("encodes")
    ax.set_ylabel("RSS (MiB)")
    ax.set_title(f"embedder RSS over encodes ({args.runtime})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path(f"semantic_cache_memory_{args.runtime}"), dpi=110)


if __name__ == "__main__":
    main()
