"""The semantic store: threshold, scopes, TTL/eviction keeping the index in step."""

from __future__ import annotations

import numpy as np
import pytest
import trio
import trio.testing

from routeiq.cache.index import IndexConfig
from routeiq.cache.maintenance import rebuild_index, run_maintenance
from routeiq.cache.semantic import SemanticStore
from tests.cache.helpers import F32, random_unit

DIM = 32
CONFIG = IndexConfig(dim=DIM, hnsw_threshold=100)


def basis(i: int) -> F32:
    v = np.zeros(DIM, dtype=np.float32)
    v[i] = 1.0
    return v


def blend(i: int, j: int, cos: float) -> F32:
    """A unit vector with cosine ``cos`` to basis(i), the rest towards basis(j)."""
    return (cos * basis(i) + np.sqrt(1 - cos * cos) * basis(j)).astype(np.float32)


def make(**kw: float) -> SemanticStore[str]:
    return SemanticStore(now=trio.current_time, index_config=CONFIG, **kw)  # type: ignore[arg-type]


async def test_hit_needs_the_threshold_and_the_same_scope() -> None:
    store = make(threshold=0.95)
    store.store("e1", "ns", "gpt", "fp", basis(0), "answer one")
    hit = store.lookup("ns", "gpt", "fp", blend(0, 1, 0.96))
    assert hit is not None
    assert (hit.entry_id, hit.value) == ("e1", "answer one")
    assert hit.similarity == pytest.approx(0.96, abs=1e-6)
    assert store.lookup("ns", "gpt", "fp", blend(0, 1, 0.949)) is None
    assert store.lookup("ns", "gpt", "fp", blend(0, 1, 0.90), threshold=0.9) is not None
    assert store.lookup("other-ns", "gpt", "fp", basis(0)) is None
    assert store.lookup("ns", "claude", "fp", basis(0)) is None
    assert store.lookup("ns", "gpt", "other-fp", basis(0)) is None
    assert (store.stats.lookups, store.stats.hits, store.stats.below_threshold) == (6, 2, 1)


async def test_best_match_wins() -> None:
    store = make()
    store.store("far", "ns", "m", "fp", blend(0, 1, 0.96), "far")
    store.store("close", "ns", "m", "fp", blend(0, 2, 0.99), "close")
    store.store("other", "ns", "m", "fp", basis(5), "other")
    hit = store.lookup("ns", "m", "fp", basis(0))
    assert hit is not None and hit.value == "close"


async def test_entries_expire_with_their_vectors(autojump_clock: trio.testing.MockClock) -> None:
    store = make(ttl=60.0)
    t0 = trio.current_time()
    store.store("a", "ns", "m", "fp", basis(0), "A")
    store.store("b", "ns", "m", "fp", basis(1), "B", ttl=10.0)
    await trio.sleep_until(t0 + 10.0)
    assert store.lookup("ns", "m", "fp", basis(1)) is None  # expired, then dropped
    index = store.index(("ns", "m", "fp"))
    assert index is not None and len(index) == 1 and "b" not in index
    await trio.sleep_until(t0 + 60.0)
    assert store.expire() == 1
    assert store.index(("ns", "m", "fp")) is None  # empty indexes are dropped
    assert len(store) == 0


async def test_an_expired_nearest_does_not_hide_a_live_one(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = make(ttl=60.0)
    t0 = trio.current_time()
    store.store("old", "ns", "m", "fp", basis(0), "old", ttl=1.0)
    store.store("new", "ns", "m", "fp", blend(0, 1, 0.97), "new")
    await trio.sleep_until(t0 + 1.0)
    hit = store.lookup("ns", "m", "fp", basis(0))
    assert hit is not None and hit.value == "new"


async def test_eviction_removes_the_vector() -> None:
    store = make(max_entries=3)
    for i in range(3):
        store.store(f"e{i}", "ns", "m", "fp", basis(i), str(i))
    assert store.lookup("ns", "m", "fp", basis(0)) is not None  # e0 recently hit
    store.store("e3", "ns", "m", "fp", basis(3), "3")  # evicts e1
    assert store.lookup("ns", "m", "fp", basis(1)) is None
    index = store.index(("ns", "m", "fp"))
    assert index is not None and len(index) == 3 and "e1" not in index
    assert store.summary()["evictions"] == 1


async def test_restore_moves_an_entry_between_scopes() -> None:
    store = make()
    store.store("e", "ns", "m", "fp1", basis(0), "v1")
    store.store("e", "ns", "m", "fp2", basis(0), "v2")
    assert store.lookup("ns", "m", "fp1", basis(0)) is None
    assert store.index(("ns", "m", "fp1")) is None
    hit = store.lookup("ns", "m", "fp2", basis(0))
    assert hit is not None and hit.value == "v2"
    assert len(store) == 1
    assert store.remove("e") and not store.remove("e")
    assert store.index(("ns", "m", "fp2")) is None


async def test_a_bad_vector_changes_nothing() -> None:
    store = make()
    store.store("e", "ns", "m", "fp", basis(0), "v")
    with pytest.raises(ValueError, match="non-zero"):
        store.store("e", "ns", "m", "fp", np.zeros(DIM), "w")
    hit = store.lookup("ns", "m", "fp", basis(0))
    assert hit is not None and hit.value == "v"


async def test_flush_by_namespace_and_by_model() -> None:
    store = make()
    for ns in ("a", "b"):
        for model in ("m1", "m2"):
            for i in range(3):
                store.store(f"{ns}-{model}-{i}", ns, model, "fp", basis(i), "v")
    assert store.flush(namespace="a") == 6
    assert store.lookup("a", "m1", "fp", basis(0)) is None
    assert store.flush(model_group="m2") == 3
    assert store.lookup("b", "m2", "fp", basis(0)) is None
    assert store.lookup("b", "m1", "fp", basis(0)) is not None
    assert store.summary()["indexes"] == 1
    assert store.flush() == 3
    assert len(store) == 0


async def test_large_scope_is_rebuilt_as_hnsw_and_keeps_answering() -> None:
    rng = np.random.default_rng(0)
    x = random_unit(rng, 150, DIM)
    store = make()
    for i, v in enumerate(x):
        store.store(f"e{i}", "ns", "m", "fp", v, f"v{i}")
    (wanted,) = store.take_rebuilds()
    assert wanted[0] == ("ns", "m", "fp")
    assert store.take_rebuilds() == []  # handed out once
    assert await rebuild_index(wanted[1], limiter=trio.CapacityLimiter(1))
    store.rebuild_done(wanted[0])
    assert store.summary()["hnsw_indexes"] == 1
    for i in range(0, 150, 10):
        hit = store.lookup("ns", "m", "fp", x[i])
        assert hit is not None and hit.value == f"v{i}"


async def test_maintenance_sweeps_on_its_tick(autojump_clock: trio.testing.MockClock) -> None:
    store = make(ttl=10.0)
    t0 = trio.current_time()
    async with trio.open_nursery() as nursery:
        await nursery.start(run_maintenance, store)
        store.store("a", "ns", "m", "fp", basis(0), "v")
        await trio.sleep_until(t0 + 9.5)
        assert len(store) == 1
        await trio.sleep_until(t0 + 10.5)  # the tick at t0+10 swept it
        assert len(store) == 0 and store.summary()["indexes"] == 0
        nursery.cancel_scope.cancel()
