"""The start-up heap is frozen out of the collector's reach; collections are timed."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys

import httpx
import pytest
import trio
import trio.testing

from routeiq.heap import (
    GcPauses,
    collection_paused,
    freeze_startup_heap,
    frozen_objects,
    release_memory,
    release_when_idle,
)


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> None:
    a, b = Node(), Node()
    a.other, b.other = b, a


def test_freeze_leaves_new_garbage_collectable() -> None:
    try:
        frozen = freeze_startup_heap()
        # The test process's own heap. Frozen objects can still die (another thread of
        # an earlier test dropping its last reference: a CI run saw 4 go), never appear.
        assert frozen > 1000
        assert frozen - 1000 < gc.get_freeze_count() <= frozen
        for _ in range(50):
            cycle()
        assert gc.collect() >= 100  # new cycles are still found and freed
    finally:
        gc.unfreeze()


def test_collection_paused_disables_then_freezes_what_was_built() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    try:
        with collection_paused():
            assert not gc.isenabled()
            kept = [[i] for i in range(5000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def test_the_scrape_reports_the_frozen_count_without_walking_the_heap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gc.get_freeze_count walks every frozen object (10-13 ms of CPU in one /metrics
    step under load): the count is taken when freezing, not on each scrape."""
    try:
        frozen = freeze_startup_heap()
        with collection_paused():
            kept = [[i] for i in range(5000)]
        assert frozen_objects() >= frozen + len(kept)
        # (the live count drifts by the odd object frozen or freed since)
        assert abs(frozen_objects() - gc.get_freeze_count()) < 100
        expected = frozen_objects()

        def walk() -> int:
            raise AssertionError("the scrape walked the frozen heap")

        monkeypatch.setattr(gc, "get_freeze_count", walk)
        text = GcPauses().prometheus()
        assert f"routeiq_gc_frozen_objects {expected}\n" in text
    finally:
        monkeypatch.undo()
        gc.unfreeze()


def test_gc_pauses_are_counted_by_generation() -> None:
    pauses = GcPauses()
    pauses.install()
    try:
        gc.collect(0)
        for _ in range(50):
            cycle()
        gc.collect(2)
    finally:
        pauses.uninstall()
    assert pauses.collected[2] >= 100  # the 50 two-node cycles
    assert pauses not in gc.callbacks
    assert pauses.count[0] >= 1 and pauses.count[2] >= 1
    assert pauses.max[2] > 0 and pauses.total[2] >= pauses.max[2]
    assert "routeiq_gc_collected_objects_total" in pauses.prometheus()
    text = pauses.prometheus()
    assert 'routeiq_gc_pause_seconds_count{generation="2"} ' in text
    counted = pauses.count[2]
    gc.collect(2)
    assert pauses.count[2] == counted  # uninstalled: no longer counts
    pauses.reset_max()  # serving starts: the start-up collection is not a serving pause
    assert pauses.max == [0.0, 0.0, 0.0] and pauses.count[2] == counted


def test_a_serving_process_reports_its_frozen_heap() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
    )
    try:
        assert proc.stdout is not None
        m = re.search(rb"listening on (http://\S+)", proc.stdout.readline())
        assert m
        text = httpx.get(
            m.group(1).decode() + "/metrics",
            headers={"authorization": "Bearer sk-routeiq-demo"},
            timeout=30,
        ).text
        frozen = re.search(r"^routeiq_gc_frozen_objects (\d+)$", text, re.M)
        assert frozen and int(frozen.group(1)) > 20_000  # imports, config, app
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def test_a_finished_exchange_leaves_no_cyclic_garbage() -> None:
    """httpx's response <-> stream cycle is broken, so refcounting frees each exchange."""
    from tests.conftest import CHAT, CHAT_STREAM, running_stack

    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        for body in (CHAT, CHAT_STREAM):  # warm up both paths
            assert (await c.post("/v1/chat/completions", json=body)).status_code == 200
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for _ in range(10):
                for body in (CHAT, CHAT_STREAM):
                    r = await c.post("/v1/chat/completions", json=body)
                    assert r.status_code == 200
            gc.collect()
            upstream = [
                o
                for o in gc.garbage
                if isinstance(o, httpx.Response) and not str(o.url).startswith(s.url)
            ]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert upstream == []  # (this test's own client responses are in cycles: not ours)


async def test_memory_is_released_once_after_a_quiet_period(
    autojump_clock: trio.testing.MockClock,
) -> None:
    """Ticks every 10 s: released at the first tick after a whole quiet period that
    follows traffic, with nothing in flight; never twice for the same traffic."""
    entered = 0
    in_flight = 0
    releases: list[float] = []

    async def traffic() -> None:
        nonlocal entered, in_flight
        await trio.sleep(3)
        entered += 1  # t=3
        await trio.sleep(11)
        entered += 1  # t=14
        await trio.sleep(31)
        entered += 1  # t=45: a stream that stays open until t=72
        in_flight = 1
        await trio.sleep(27)
        in_flight = 0

    async with trio.open_nursery() as nursery:
        await nursery.start(
            release_when_idle,
            lambda: entered,
            lambda: in_flight,
            10.0,
            lambda: releases.append(trio.current_time()),
        )
        await traffic()
        await trio.sleep(60)
        nursery.cancel_scope.cancel()
    # t=10, 20 saw traffic; 30 quiet -> release. 50 saw t=45; 60, 70 in flight; 80 -> release.
    assert releases == [30.0, 80.0]


async def test_release_memory_runs_a_full_collection() -> None:
    pauses = GcPauses()
    pauses.install()
    try:
        await release_memory()
    finally:
        pauses.uninstall()
    assert pauses.count[2] == 1
