"""Semantic cache benchmark: index search, lookups, recall, embedding batching, memory.

    .venv/bin/python bench/semantic_cache.py            # ~2-3 min on 2 shared cores
    .venv/bin/python bench/semantic_cache.py --big 1000000 --skip-main   # HNSW alone at 1M,
        # built 100k at a time until done or --big-budget seconds (default 300) pass

Vectors are clustered 384-d unit vectors: 1000 random topic centres, members at
cosine ~0.73 to each other. Three query kinds:
  near      perturbed copies of stored vectors (cos ~0.98: what a paraphrase looks like)
  in-topic  new members of the same topics (nearest neighbour at cos ~0.77)
  off-topic random unit vectors (nearest neighbour at cos ~0.2)
Recall@1 is HNSW against exact numpy search on the same entries; "same answer" is
the fraction of queries where both give the same outcome at the 0.95 threshold
(same entry on a hit, a miss on both otherwise), which is what a client sees.

Writes bench/results/semantic_cache.json and .png; ratios are within this run.

``--gateway`` then runs ``bench/semantic_cache_gateway.py`` (miss and hit latency
through the real gateway, cache off vs on with each encoder runtime, same run) and
``--memory`` runs ``bench/semantic_cache_memory.py`` (RSS over 50,000 encodes and
after a flush); each writes its own result files.
"""

from __future__ import annotations

import argparse
import os
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from routeiq.cache.exact import ExactIndex
from routeiq.cache.hnsw import HnswIndex, HnswParams
from routeiq.cache.index import IndexConfig
from routeiq.cache.keys import exact_key
from routeiq.cache.lru import LRUCache
from routeiq.cache.semantic import SemanticStore

DIM = 384
RESULTS = Path(__file__).resolve().parent / "results"
F32 = np.ndarray[Any, np.dtype[np.float32]]


def unit_rows(x: F32) -> F32:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class Vectors:
    def __init__(self, seed: int = 0, topics: int = 1000) -> None:
        self.rng = np.random.default_rng(seed)
        self.centres = unit_rows(self.rng.standard_normal((topics, DIM)).astype(np.float32))

    def members(self, n: int, spread: float = 0.6) -> F32:
        out = np.empty((n, DIM), dtype=np.float32)
        for s in range(0, n, 100_000):  # chunks bound the temporary arrays
            m = min(100_000, n - s)
            labels = self.rng.integers(0, len(self.centres), m)
            noise = self.rng.standard_normal((m, DIM)).astype(np.float32)
            out[s : s + m] = unit_rows(self.centres[labels] + noise * (spread / np.sqrt(DIM)))
        return out

    def near(self, x: F32, k: int) -> F32:
        rows = x[self.rng.choice(len(x), k, replace=k > len(x))]
        noise = self.rng.standard_normal(rows.shape).astype(np.float32) * (0.2 / np.sqrt(DIM))
        return unit_rows(rows + noise)

    def off_topic(self, k: int) -> F32:
        return unit_rows(self.rng.standard_normal((k, DIM)).astype(np.float32))


def timed(
    fn: Callable[[F32], object], queries: F32, passes: int = 3
) -> tuple[float, float, list[object]]:
    """p50 and p99 in ms of ``fn`` per query, and the first pass's results.

    The 2 cores are shared with other work, whose preemptions put multi-ms blips in
    any single pass; each pass gives its own p50/p99 and the report keeps the median
    p50 and the lowest p99 of ``passes`` passes over the same queries.
    """
    p50s, p99s, first = [], [], []
    for i in range(passes):
        lat = []
        for q in queries:
            t = time.perf_counter()
            r = fn(q)
            lat.append(time.perf_counter() - t)
            if i == 0:
                first.append(r)
        ms = np.array(lat) * 1e3
        p50s.append(float(np.percentile(ms, 50)))
        p99s.append(float(np.percentile(ms, 99)))
    return float(np.median(p50s)), min(p99s), first


def truth(x: F32, queries: F32) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    ids, sims = [], []
    for s in range(0, len(x), 200_000):
        block = queries @ x[s : s + 200_000].T
        ids.append(np.argmax(block, axis=1) + s)
        sims.append(np.max(block, axis=1))
    id_arr, sim_arr = np.stack(ids, 1), np.stack(sims, 1)
    best = np.argmax(sim_arr, axis=1)
    rows = np.arange(len(queries))
    return id_arr[rows, best], sim_arr[rows, best]


def quality(
    got: list[object], ids: np.ndarray[Any, Any], sims: np.ndarray[Any, Any]
) -> dict[str, float]:
    top = [(h[0][0], h[0][1]) if h else (-1, -1.0) for h in got]  # type: ignore[index]
    recall = float(np.mean([g[0] == t for g, t in zip(top, ids, strict=True)]))
    same = [
        (g[1] >= 0.95 and s >= 0.95 and g[0] == t) or (g[1] < 0.95 and s < 0.95)
        for g, t, s in zip(top, ids, sims, strict=True)
    ]
    return {"recall@1": recall, "same_answer": float(np.mean(same))}


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_index(
    vec: Vectors, sizes: list[int], nq: int
) -> tuple[list[dict[str, Any]], dict[str, Any], tuple[F32, HnswIndex]]:
    """Exact and HNSW search at each size; RSS of both builds at 100k."""
    rows, memory = [], {}
    for n in sizes:
        x = vec.members(n)
        ids = list(range(n))
        kinds = {
            "near": vec.near(x, nq),
            "in-topic": vec.members(nq),
            "off-topic": vec.off_topic(nq // 2),
        }
        rss0 = rss_mb()
        exact = ExactIndex.build(DIM, ids, x)
        exact_mb = rss_mb() - rss0
        allq = np.vstack(list(kinds.values()))
        # Exact search at 20k+ costs ms per query: one pass over 200 queries is plenty.
        big = n >= 20_000
        e50, e99, _ = timed(exact.search, allq[::4] if big else allq, passes=1 if big else 3)
        del exact
        row: dict[str, Any] = {"n": n, "exact_p50_ms": e50, "exact_p99_ms": e99}
        rss0 = rss_mb()
        t = time.perf_counter()
        hnsw = HnswIndex.build(DIM, ids, x, capacity=n, num_threads=2)
        row["hnsw_build_s"] = time.perf_counter() - t
        hnsw_mb = rss_mb() - rss0
        h50, h99, _ = timed(hnsw.search, allq)
        row |= {"hnsw_p50_ms": h50, "hnsw_p99_ms": h99}
        for kind, qs in kinds.items():
            got = [hnsw.search(q) for q in qs]
            row[kind] = quality(got, *truth(x, qs))
        if n == 100_000:
            memory = {
                "vectors_float32_mb": x.nbytes / 2**20,
                "exact_index_100k_rss_mb": exact_mb,
                "hnsw_index_100k_rss_mb": hnsw_mb,
            }
        rows.append(row)
        print(f"  index n={n:>7}: " + fmt(row), flush=True)
    return rows, memory, (x, hnsw)


def fmt(row: dict[str, Any]) -> str:
    parts = []
    for k, v in row.items():
        if k == "n":
            continue
        if isinstance(v, dict):
            parts.append(f"{k} " + "/".join(f"{x:.3f}" for x in v.values()))
        elif isinstance(v, float):
            parts.append(f"{k} {v:.3f}")
        else:
            parts.append(f"{k} {v}")
    return ", ".join(parts)


def bench_store(
    vec: Vectors, sizes: list[int], nq: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """SemanticStore lookups (one hot scope) and the exact tier (key + LRU) at each size."""
    rows, memory = [], {}
    config = IndexConfig(build_threads=2)
    request = {
        "model": "m",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is the capital of France? Answer in one word."},
        ],
        "temperature": 0,
    }
    for n in sizes:
        x = vec.members(n)
        rss0 = rss_mb()
        clock = time.monotonic
        store: SemanticStore[str] = SemanticStore(now=clock, max_entries=n, index_config=config)
        t = time.perf_counter()
        for i in range(n):
            store.store(f"{i:032x}", "ns", "m", "fp", x[i], "answer")
        fill_s = time.perf_counter() - t
        rebuild_s = 0.0
        for _, index in store.take_rebuilds():
            t = time.perf_counter()
            job = index.begin_rebuild()
            while job is not None:
                job.run()
                job = index.finish_rebuild(job)
            rebuild_s = time.perf_counter() - t
        store_mb = rss_mb() - rss0
        index = store.index(("ns", "m", "fp"))
        assert index is not None
        hits = vec.near(x, min(n, nq))
        misses = vec.off_topic(nq)
        lookup = store_lookup(store)
        hit50, hit99, got = timed(lookup, hits)
        miss50, miss99, _ = timed(lookup, misses)
        ex50, ex99, _ = timed(exact_tier(request, n), hits)
        add50, add99, _ = timed(store_add(store), vec.members(nq), passes=1)
        row = {
            "n": n,
            "index": index.kind,
            "exact_hit_p50_ms": ex50,
            "exact_hit_p99_ms": ex99,
            "semantic_hit_p50_ms": hit50,
            "semantic_hit_p99_ms": hit99,
            "miss_p50_ms": miss50,
            "miss_p99_ms": miss99,
            "store_p50_ms": add50,
            "store_p99_ms": add99,
            "hit_rate_near": sum(g is not None for g in got) / len(got),
            "fill_s": fill_s,
            "rebuild_s": rebuild_s,
            "store_rss_mb": store_mb,
        }
        if n == 100_000:
            memory["semantic_store_100k_rss_mb"] = store_mb
        rows.append(row)
        print(f"  store n={n:>7}: " + fmt(row), flush=True)
    return rows, memory


def store_lookup(store: SemanticStore[str]) -> Callable[[F32], object]:
    return lambda q: store.lookup("ns", "m", "fp", q)


def store_add(store: SemanticStore[str]) -> Callable[[F32], object]:
    """One ``store`` of a new entry (its index insert included), as done after a miss."""
    counter = iter(range(10**9))
    return lambda v: store.store(f"new{next(counter)}", "ns", "m", "fp", v, "answer")


def exact_tier(request: dict[str, Any], n: int) -> Callable[[F32], object]:
    """The exact tier's cost: key the request, then an LRU get among ``n`` entries."""
    lru: LRUCache[str, str] = LRUCache(n + 1, 3600, now=time.monotonic)
    for i in range(n):
        lru.set(f"{i:032x}", "answer")
    lru.set(exact_key(request, model_group="m", namespace="ns"), "answer")
    return lambda _q: lru.get(exact_key(request, model_group="m", namespace="ns"))


def bench_ef(vec: Vectors, x: F32, hnsw: HnswIndex, nq: int) -> list[dict[str, Any]]:
    qs = {"in-topic": vec.members(nq), "off-topic": vec.off_topic(nq)}
    ref = {k: truth(x, q) for k, q in qs.items()}
    rows = []
    for ef in (16, 32, 64, 96, 128):
        hnsw.set_ef(ef)
        row: dict[str, Any] = {"n": len(x), "ef": ef}
        for kind, q in qs.items():
            p50, p99, got = timed(hnsw.search, q)
            row[kind] = quality(got, *ref[kind]) | {"p50_ms": p50, "p99_ms": p99}
        rows.append(row)
        print(f"  ef={ef:>3} n={len(x)}: " + fmt(row), flush=True)
    hnsw.set_ef(HnswParams().ef_search)
    return rows


def bench_big(
    vec: Vectors,
    n: int,
    nq: int,
    budget_s: float,
    params: HnswParams | None = None,
    efs: tuple[int, ...] = (64, 128, 256),
) -> dict[str, Any]:
    """HNSW alone, built 100k at a time until ``n`` entries or ``budget_s`` seconds."""
    x = vec.members(n)
    hnsw = HnswIndex(DIM, capacity=n, params=params)
    t = time.perf_counter()
    built = 0
    while built < n and time.perf_counter() - t < budget_s:
        step = min(100_000, n - built)
        hnsw.add_new(range(built, built + step), x[built : built + step], num_threads=2)
        built += step
        print(f"  HNSW alone: {built} built in {time.perf_counter() - t:.0f} s", flush=True)
    out: dict[str, Any] = {
        "n": built,
        "target": n,
        "build_s": time.perf_counter() - t,
        "params": str(hnsw.params),
    }
    x = x[:built]
    queries = {"near": vec.near(x, nq), "in-topic": vec.members(nq), "off-topic": vec.off_topic(nq)}
    ref = {kind: truth(x, qs) for kind, qs in queries.items()}
    out["ef_sweep"] = []
    for ef in efs:
        hnsw.set_ef(ef)
        row: dict[str, Any] = {"ef": ef}
        for kind, qs in queries.items():
            p50, p99, got = timed(hnsw.search, qs)
            row[kind] = quality(got, *ref[kind]) | {"p50_ms": p50, "p99_ms": p99}
        out["ef_sweep"].append(row)
        print(f"  HNSW alone n={built}: " + fmt(row), flush=True)
    return out


def questions(n: int) -> list[str]:
    rng = np.random.default_rng(1)
    subjects = ["router", "invoice", "password", "VPN", "printer", "account", "laptop", "refund"]
    verbs = ["reset", "configure", "update", "cancel", "find", "share", "export", "repair"]
    out = []
    for i in range(n):
        word = "".join(rng.choice(list(string.ascii_lowercase), 6))
        out.append(f"How do I {verbs[i % 8]} my {subjects[(i // 8) % 8]} {word} on day {i}?")
    return out


def bench_embedding(concurrencies: list[int], per_run: int) -> dict[str, Any]:
    import torch
    import trio

    from routeiq.cache.embedder import Embedder, default_torch_threads, load_model

    t = time.perf_counter()
    model = load_model()
    load_s = time.perf_counter() - t
    texts = questions(per_run)
    threads = default_torch_threads()
    out: dict[str, Any] = {"load_s": load_s, "torch_threads": threads, "runs": []}

    async def run(mode: str, conc: int) -> dict[str, Any]:
        embedder = Embedder(model=model)
        todo = iter(texts)
        lat: list[float] = []

        async def worker() -> None:
            for text in todo:
                t0 = time.perf_counter()
                if mode == "single":
                    await embedder.embed_unbatched(text)
                else:
                    await embedder.embed(text)
                lat.append(time.perf_counter() - t0)

        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            t0 = time.perf_counter()
            async with trio.open_nursery() as workers:
                for _ in range(conc):
                    workers.start_soon(worker)
            elapsed = time.perf_counter() - t0
            nursery.cancel_scope.cancel()
        ms = np.array(lat) * 1e3
        return {
            "mode": mode,
            "concurrency": conc,
            "texts_per_s": len(texts) / elapsed,
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "mean_batch": embedder.stats.mean_batch if mode == "batched" else 1.0,
        }

    async def end_to_end() -> dict[str, Any]:
        """Embedding included: embed a reworded question, then look it up (one client)."""
        embedder = Embedder(model=model)
        store: SemanticStore[str] = SemanticStore(now=trio.current_time)
        for i, v in enumerate(embedder.encode_sync(texts)):
            store.store(str(i), "ns", "m", "fp", v, texts[i])
        reworded = [t.replace("How do I", "How can I") for t in texts[:50]]
        lat, hits = [], 0
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            for text in reworded:
                t0 = time.perf_counter()
                hit = store.lookup("ns", "m", "fp", await embedder.embed(text))
                lat.append(time.perf_counter() - t0)
                hits += hit is not None
            nursery.cancel_scope.cancel()
        ms = np.array(lat) * 1e3
        return {
            "store_entries": len(store),
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "semantic_hit_rate": hits / len(reworded),
        }

    for conc in concurrencies:
        for mode in ("single", "batched"):
            r = trio.run(run, mode, conc) | {"torch_threads": threads}
            out["runs"].append(r)
            print(f"  embed {mode:>7} c={conc:>2}: " + fmt(r), flush=True)
    # The same at c=32 with one more torch thread than the default, for the choice.
    torch.set_num_threads(threads + 1)
    for mode in ("single", "batched"):
        r = trio.run(run, mode, 32) | {"torch_threads": threads + 1}
        out["runs_more_threads"] = [*out.get("runs_more_threads", []), r]
        print(f"  embed {mode:>7} c=32 torch_threads={threads + 1}: " + fmt(r), flush=True)
    torch.set_num_threads(threads)
    out["embed_and_lookup"] = trio.run(end_to_end)
    print("  embed + semantic lookup, one client: " + fmt(out["embed_and_lookup"]), flush=True)
    return out


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    ax = axes[0]
    idx = result["index"]
    for key, label in (("exact", "numpy exact"), ("hnsw", "hnswlib HNSW")):
        pts = [
            (r["n"], r[f"{key}_p50_ms"], r[f"{key}_p99_ms"]) for r in idx if f"{key}_p50_ms" in r
        ]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"{label} p50")
        ax.plot([p[0] for p in pts], [p[2] for p in pts], "o--", label=f"{label} p99")
    st = result["store"]
    ax.plot(
        [r["n"] for r in st],
        [r["semantic_hit_p99_ms"] for r in st],
        "s:",
        label="store lookup hit p99",
    )
    ax.axhline(1.0, color="red", lw=0.8, label="1 ms target")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="entries",
        ylabel="ms per search (k=1)",
        title="Search latency",
    )
    ax.legend(fontsize=7)
    ax = axes[1]
    runs = result["embedding"]["runs"]
    concs = sorted({r["concurrency"] for r in runs})
    w = 0.35
    for j, mode in enumerate(("single", "batched")):
        vals = [
            next(r["texts_per_s"] for r in runs if r["mode"] == mode and r["concurrency"] == c)
            for c in concs
        ]
        ax.bar(np.arange(len(concs)) + (j - 0.5) * w, vals, w, label=mode)
    ax.set_xticks(np.arange(len(concs)), [f"c={c}" for c in concs])
    ax.set(ylabel="texts / s", title="Embedding throughput (all-MiniLM-L6-v2, CPU)")
    ax.legend()
    ax = axes[2]
    for kind in ("near", "in-topic", "off-topic"):
        pts = [(r["n"], r[kind]["recall@1"]) for r in idx if kind in r]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"recall@1 {kind}")
    ax.axhline(0.95, color="red", lw=0.8)
    ax.set(xscale="log", xlabel="entries", ylim=(0.0, 1.02), title="HNSW recall@1 vs exact")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,2500,5000,10000,20000,100000")
    ap.add_argument("--store-sizes", default="100,1000,10000,100000")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--big", type=int, default=0, help="also build HNSW alone at this size")
    ap.add_argument("--big-budget", type=float, default=300.0, help="seconds for the --big build")
    ap.add_argument("--skip-main", action="store_true", help="only the --big run")
    ap.add_argument("--big-m", type=int, default=HnswParams().M, help="HNSW M for --big")
    ap.add_argument("--big-efc", type=int, default=HnswParams().ef_construction, help="for --big")
    ap.add_argument("--big-efs", default="64,96,128", help="ef_search values for --big")
    ap.add_argument("--embed-texts", type=int, default=160)
    ap.add_argument("--gateway", action="store_true", help="also bench/semantic_cache_gateway.py")
    ap.add_argument("--memory", action="store_true", help="also bench/semantic_cache_memory.py")
    args = ap.parse_args()
    companions = [n for n, on in (("gateway", args.gateway), ("memory", args.memory)) if on]
    if companions:
        import atexit
        import subprocess

        def run_companions() -> None:
            for name in companions:
                script = Path(__file__).with_name(f"semantic_cache_{name}.py")
                subprocess.run([sys.executable, str(script)], check=False)

        atexit.register(run_companions)
    vec = Vectors()
    t0 = time.perf_counter()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f} params={HnswParams()}")
    result: dict[str, Any] = {
        "params": str(HnswParams()),
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg()[0],
    }
    if args.skip_main:  # the big build alone, into its own file
        result["big"] = bench_big(
            vec,
            args.big or 1_000_000,
            args.queries,
            args.big_budget,
            HnswParams(M=args.big_m, ef_construction=args.big_efc),
            tuple(int(e) for e in args.big_efs.split(",")),
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / "semantic_cache_big.json"
        path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
        print(f"wrote {path}")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print("index search, k=1, exact numpy vs hnswlib standalone:")
    result["index"], memory, (x_big, hnsw_big) = bench_index(vec, sizes, args.queries)
    print("HNSW ef_search sweep at the largest size:")
    result["ef_sweep"] = bench_ef(vec, x_big, hnsw_big, args.queries)
    del x_big, hnsw_big
    print("semantic store lookups (hybrid index: exact <= 8192 entries, HNSW above):")
    result["store"], store_memory = bench_store(
        vec, [int(s) for s in args.store_sizes.split(",")], args.queries
    )
    result["memory"] = memory | store_memory
    print("memory per 100k entries (RSS deltas): " + fmt(result["memory"]))
    if args.big:
        result["big"] = bench_big(
            vec,
            args.big,
            args.queries,
            args.big_budget,
            HnswParams(M=args.big_m, ef_construction=args.big_efc),
            tuple(int(e) for e in args.big_efs.split(",")),
        )
    print("embedding throughput, single encodes vs micro-batched:")
    result["embedding"] = bench_embedding([1, 8, 32], args.embed_texts)
    runs = result["embedding"]["runs"]
    for c in (1, 8, 32):
        single = next(r for r in runs if r["mode"] == "single" and r["concurrency"] == c)
        batched = next(r for r in runs if r["mode"] == "batched" and r["concurrency"] == c)
        result["embedding"][f"batched_over_single_c{c}"] = (
            batched["texts_per_s"] / single["texts_per_s"]
        )
    result["total_s"] = time.perf_counter() - t0
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "semantic_cache.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    plot(result, RESULTS / "semantic_cache.png")
    print_table(result)


def print_table(result: dict[str, Any]) -> None:
    print(
        "\n| entries | exact p50/p99 ms | HNSW p50/p99 ms "
        "| recall@1 near/in-topic/off-topic | same answer @0.95 |"
    )
    print("|---:|---:|---:|---:|---:|")
    for r in result["index"]:
        h = f"{r['hnsw_p50_ms']:.3f} / {r['hnsw_p99_ms']:.3f}" if "hnsw_p50_ms" in r else "-"
        rec = (
            "/".join(f"{r[k]['recall@1']:.3f}" for k in ("near", "in-topic", "off-topic"))
            if "near" in r
            else "-"
        )
        same = (
            "/".join(f"{r[k]['same_answer']:.3f}" for k in ("near", "in-topic", "off-topic"))
            if "near" in r
            else "-"
        )
        exact = f"{r['exact_p50_ms']:.3f} / {r['exact_p99_ms']:.3f}"
        print(f"| {r['n']} | {exact} | {h} | {rec} | {same} |")
    print(
        "\n| entries | index | exact hit p50/p99 ms | semantic hit p50/p99 ms "
        "| miss p50/p99 ms | store p50/p99 ms | rebuild s |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in result["store"]:
        print(
            f"| {r['n']} | {r['index']} "
            f"| {r['exact_hit_p50_ms']:.4f} / {r['exact_hit_p99_ms']:.4f} "
            f"| {r['semantic_hit_p50_ms']:.3f} / {r['semantic_hit_p99_ms']:.3f} "
            f"| {r['miss_p50_ms']:.3f} / {r['miss_p99_ms']:.3f} "
            f"| {r['store_p50_ms']:.3f} / {r['store_p99_ms']:.3f} | {r['rebuild_s']:.1f} |"
        )
    print("\n| mode | concurrency | torch threads | texts/s | p50 ms | p99 ms | mean batch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in result["embedding"]["runs"] + result["embedding"]["runs_more_threads"]:
        print(
            f"| {r['mode']} | {r['concurrency']} | {r['torch_threads']} | {r['texts_per_s']:.1f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['mean_batch']:.1f} |"
        )
    e = result["embedding"]
    print(
        f"\nbatched/single: c=1 {e['batched_over_single_c1']:.2f}x, "
        f"c=8 {e['batched_over_single_c8']:.2f}x, c=32 {e['batched_over_single_c32']:.2f}x "
        f"(target >= 3x at c=32); model load {e['load_s']:.1f} s"
    )
    print("embed + lookup (embedding included): " + fmt(e["embed_and_lookup"]))
    print("memory: " + fmt(result["memory"]))
    if "big" in result:
        big = result["big"]
        print(f"big: HNSW alone {big['n']} entries built in {big['build_s']:.0f} s")
        for row in big["ef_sweep"]:
            print("  " + fmt(row))
    print(f"total {result['total_s']:.0f} s, load average at start {result['load_avg']:.2f}")


if __name__ == "__main__":
    main()
