"""Vector indexes against a brute-force numpy reference on random vectors."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pytest
import trio
import trio.lowlevel

from routeiq.cache.exact import ExactIndex
from routeiq.cache.hnsw import HnswIndex
from routeiq.cache.index import IndexConfig, VectorIndex
from routeiq.cache.maintenance import rebuild_index
from tests.cache.helpers import F32, clustered, near, random_unit

DIM = 64


def reference(ids: list[Hashable], mat: F32, q: F32, k: int) -> list[tuple[Hashable, float]]:
    sims = mat @ q
    order = np.argsort(-sims, kind="stable")[:k]
    return [(ids[i], float(sims[i])) for i in order]


def assert_same(got: list[tuple[Hashable, float]], want: list[tuple[Hashable, float]]) -> None:
    assert [g[0] for g in got] == [w[0] for w in want]
    np.testing.assert_allclose([g[1] for g in got], [w[1] for w in want], rtol=0, atol=1e-5)


# --- exact -------------------------------------------------------------------------


def test_exact_search_equals_brute_force() -> None:
    rng = np.random.default_rng(0)
    x = random_unit(rng, 3000, DIM)
    ids: list[Hashable] = [f"id{i}" for i in range(len(x))]
    index = ExactIndex(DIM)
    for i, v in zip(ids, x, strict=True):
        index.add(i, v)
    assert len(index) == 3000
    assert index.capacity == 4096  # 256 doubled four times
    for q in random_unit(rng, 50, DIM):
        for k in (1, 5):
            assert_same(index.search(q, k), reference(ids, x, q, k))


def test_exact_normalises_inputs_and_rejects_zero() -> None:
    index = ExactIndex(3)
    index.add("a", [3.0, 0.0, 0.0])
    assert index.search([0.0, 2.0, 0.0]) == [("a", 0.0)]
    assert index.search([5.0, 0.0, 0.0]) == [("a", 1.0)]
    with pytest.raises(ValueError, match="non-zero"):
        index.add("b", [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="non-zero"):
        index.search([np.nan, 0.0, 0.0])
    assert ExactIndex(3).search([1.0, 0.0, 0.0]) == []


def test_exact_deletes_swap_with_last_and_keep_everything_else() -> None:
    rng = np.random.default_rng(1)
    x = random_unit(rng, 1000, DIM)
    index = ExactIndex(DIM)
    for i, v in enumerate(x):
        index.add(i, v)
    doomed = set(rng.choice(1000, 800, replace=False).tolist())
    for i in doomed:
        assert index.remove(i)
    assert not index.remove(next(iter(doomed)))
    keep = [i for i in range(1000) if i not in doomed]
    assert len(index) == 200
    assert index.capacity == 512  # shrank from 1024 once a quarter full
    for i in keep:  # every survivor still maps to its own vector
        np.testing.assert_allclose(index.get(i), x[i], rtol=0, atol=1e-6)
    for q in random_unit(rng, 30, DIM):
        assert_same(index.search(q, 3), reference(list(keep), x[keep], q, 3))
    for i in list(doomed)[:50]:  # a deleted vector is never found, even as query
        assert index.search(x[i])[0][0] != i


def test_exact_add_replaces() -> None:
    index = ExactIndex(2)
    index.add("a", [1.0, 0.0])
    index.add("a", [0.0, 1.0])
    assert len(index) == 1
    assert index.search([0.0, 1.0]) == [("a", 1.0)]


# --- HNSW --------------------------------------------------------------------------


def test_hnsw_recall_at_1_on_clustered_vectors() -> None:
    rng = np.random.default_rng(2)
    x, centres = clustered(rng, 4000, dim=384, clusters=80)
    ids = list(range(len(x)))
    index = HnswIndex.build(384, ids, x, capacity=8000, num_threads=2)
    queries = near(rng, x[rng.choice(len(x), 300, replace=False)])
    fresh, _ = clustered(rng, 200, dim=384, centres=centres)  # same topics, new points
    hits = 0
    for q in np.vstack([queries, fresh]):
        got = index.search(q)
        want = reference(ids, x, q, 1)
        hits += got[0][0] == want[0][0]
        assert got[0][1] <= want[0][1] + 1e-5  # never better than exact
    recall = hits / 500
    assert recall >= 0.95, recall


def test_hnsw_deletes_are_never_returned_and_keep_their_slots() -> None:
    rng = np.random.default_rng(3)
    x = random_unit(rng, 1000, DIM)
    index = HnswIndex(DIM, capacity=1000)
    for i, v in enumerate(x):
        index.add(i, v)
    for i in range(0, 1000, 2):
        assert index.remove(i)
    assert not index.remove(0)
    assert (len(index), index.slots, index.deleted) == (500, 1000, 500)
    for i in range(0, 1000, 2):
        assert index.search(x[i], k=3)[0][0] % 2 == 1
    for i in range(1, 200, 2):  # survivors are found exactly
        assert index.search(x[i]) == [(i, pytest.approx(1.0, abs=1e-5))]
    y = random_unit(rng, 400, DIM)
    for j, v in enumerate(y):
        index.add(f"new{j}", v)
    # Fresh slots (no in-place reuse); the fallback resize doubled the capacity.
    assert (len(index), index.slots, index.deleted) == (900, 1400, 500)
    assert index.capacity == 2000
    assert index.search(y[7])[0][0] == "new7"


def test_hnsw_grows_when_full_and_replaces() -> None:
    rng = np.random.default_rng(4)
    x = random_unit(rng, 40, DIM)
    index = HnswIndex(DIM, capacity=16)
    for i, v in enumerate(x):
        index.add(i, v)
    assert index.capacity == 64
    index.add(3, x[5])
    assert len(index) == 40
    assert {h[0] for h in index.search(x[5], k=2)} == {3, 5}
    np.testing.assert_allclose(index.get(3), x[5], atol=1e-6)


# --- hybrid + rebuilds ---------------------------------------------------------------


def small_config(**kw: int) -> IndexConfig:
    return IndexConfig(dim=DIM, hnsw_threshold=kw.pop("hnsw_threshold", 200), **kw)  # type: ignore[arg-type]


def contents(index: VectorIndex, x: dict[Hashable, F32], rng: np.random.Generator) -> None:
    """Every live id is found by its own vector and the index size matches."""
    assert len(index) == len(x)
    for id_, v in x.items():
        assert id_ in index
        assert index.search(v)[0] == (id_, pytest.approx(1.0, abs=1e-5))


def test_hybrid_switches_to_hnsw_through_a_rebuild_with_changes_meanwhile() -> None:
    rng = np.random.default_rng(5)
    index = VectorIndex(small_config())
    live: dict[Hashable, F32] = {}
    for i, v in enumerate(random_unit(rng, 201, DIM)):
        index.add(i, v)
        live[i] = v
    assert index.kind == "exact"
    assert index.needs_rebuild()
    job = index.begin_rebuild()
    assert job is not None and not index.needs_rebuild() and index.begin_rebuild() is None
    # Changes while frozen: new ids, a replaced id, deletes of old and of new ids.
    for i, v in enumerate(random_unit(rng, 10, DIM), start=1000):
        index.add(i, v)
        live[i] = v
    replacement = random_unit(rng, 1, DIM)[0]
    index.add(7, replacement)
    live[7] = replacement
    for gone in (3, 4, 1001):
        assert index.remove(gone)
        del live[gone]
    assert not index.remove(3)
    contents(index, live, rng)  # searches merge frozen structure, delta and tombstones
    job.run()  # normally in trio.to_thread.run_sync
    job = index.finish_rebuild(job)  # 14 ops > catchup_inline (4): one more round
    assert job is not None and job.round == 1 and index.rebuilding
    contents(index, live, rng)
    job.run()  # replays the 14 ops on the new structure, in the worker
    assert index.finish_rebuild(job) is None
    assert index.kind == "hnsw" and not index.rebuilding
    contents(index, live, rng)


def test_rebuild_takes_catch_up_rounds_when_many_ops_arrive() -> None:
    rng = np.random.default_rng(6)
    index = VectorIndex(small_config(catchup_inline=4, max_rounds=3))
    live: dict[Hashable, F32] = {}
    for i, v in enumerate(random_unit(rng, 300, DIM)):
        index.add(i, v)
        live[i] = v
    job = index.begin_rebuild()
    rounds = 0
    while job is not None:
        for v in random_unit(rng, 10, DIM):  # 10 adds + 1 delete per round
            index.add(len(live) + 10_000, v)
            live[len(live) + 10_000] = v
        index.remove(rounds)
        del live[rounds]
        job.run()
        job = index.finish_rebuild(job)
        rounds += 1
    assert rounds == 3  # capped by max_rounds, the rest applied inline
    assert index.kind == "hnsw"
    contents(index, live, rng)


def test_hnsw_shrinks_back_to_exact_and_compacts() -> None:
    rng = np.random.default_rng(7)
    x = random_unit(rng, 400, DIM)
    index = VectorIndex(small_config(hnsw_threshold=200))
    for i, v in enumerate(x):
        index.add(i, v)
    job = index.begin_rebuild()
    assert job is not None
    job.run()
    index.finish_rebuild(job)
    assert index.kind == "hnsw"
    for i in range(200):  # 200 of 400 slots deleted: over 30%, compact
        index.remove(i)
    assert index.needs_rebuild()
    job = index.begin_rebuild()
    assert job is not None and job.target == "hnsw"
    job.run()
    index.finish_rebuild(job)
    assert index.stats()["deleted_slots"] == 0
    for i in range(200, 360):  # 40 left: below threshold / 4, back to exact
        index.remove(i)
    job = index.begin_rebuild()
    assert job is not None and job.target == "exact"
    job.run()
    index.finish_rebuild(job)
    assert index.kind == "exact"
    contents(index, {i: x[i] for i in range(360, 400)}, rng)
    assert index.rebuilds == 3


def test_abort_rebuild_replays_changes_onto_the_old_structure() -> None:
    rng = np.random.default_rng(8)
    x = random_unit(rng, 250, DIM)
    index = VectorIndex(small_config())
    for i, v in enumerate(x):
        index.add(i, v)
    assert index.begin_rebuild() is not None
    index.remove(0)
    index.add("new", x[0])
    index.abort_rebuild()
    assert index.kind == "exact" and not index.rebuilding
    live = {i: x[i] for i in range(1, 250)} | {"new": x[0]}
    contents(index, live, rng)


def test_finish_rebuild_rejects_a_job_that_did_not_run() -> None:
    index = VectorIndex(small_config(hnsw_threshold=1))
    index.add("a", [1.0] * DIM)
    index.add("b", [1.0] + [0.0] * (DIM - 1))
    job = index.begin_rebuild()
    assert job is not None
    with pytest.raises(RuntimeError, match="after its run"):
        index.finish_rebuild(job)


async def test_rebuild_in_a_worker_thread_while_trio_keeps_writing() -> None:
    rng = np.random.default_rng(9)
    x, _ = clustered(rng, 3000, dim=DIM, clusters=30)
    index = VectorIndex(small_config(hnsw_threshold=2000))
    live: dict[Hashable, F32] = {}
    for i, v in enumerate(x[:2500]):
        index.add(i, v)
        live[i] = v
    writes = 0

    async def writer() -> None:
        nonlocal writes
        for i in range(2500, 3000):
            index.add(i, x[i])
            live[i] = x[i]
            writes += 1
            await trio.lowlevel.checkpoint()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(writer)
        assert await rebuild_index(index, limiter=trio.CapacityLimiter(1))
    assert writes == 500
    assert index.kind == "hnsw" and not index.rebuilding
    contents(index, live, rng)


def test_hnsw_bulk_add_new_grows_and_rejects_known_ids() -> None:
    rng = np.random.default_rng(10)
    x = random_unit(rng, 300, DIM)
    index = HnswIndex.build(DIM, list(range(100)), x[:100], capacity=100)
    index.add_new(range(100, 300), x[100:], num_threads=2)
    assert (len(index), index.capacity) == (300, 300)
    assert index.search(x[250])[0] == (250, pytest.approx(1.0, abs=1e-5))
    with pytest.raises(ValueError, match="new, unique"):
        index.add_new([5], x[:1])
    with pytest.raises(ValueError, match="new, unique"):
        index.add_new([400, 400], x[:2])
    index.add(1000, x[0])  # single adds continue after the bulk labels
    assert len(index) == 301
