"""The embedder with the real all-MiniLM-L6-v2: vectors, batching, cancellation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trio

from routeiq.cache.embedder import (
    Embedder,
    EmbedderBusy,
    EmbedderClosed,
    EmbedderNotReady,
    SentenceEncoder,
    default_model_path,
)
from tests.cache.helpers import F32

LIMIT = 60  # seconds: a hang fails instead of blocking the suite
TEXTS = [f"How do I configure feature number {i} of the router?" for i in range(16)]


def cos(a: F32, b: F32) -> float:
    return float(np.dot(a, b))


def test_model_files_ship_in_the_package() -> None:
    path = default_model_path()
    assert (path / "model.safetensors").is_file()
    assert (path / "modules.json").is_file()


async def test_unit_384_float32_vectors(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm)
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            v = await embedder.embed("What is the capital of France?")
            nursery.cancel_scope.cancel()
        assert v.shape == (384,) and v.dtype == np.float32
        assert float(np.linalg.norm(v)) == pytest.approx(1.0, abs=1e-5)


async def test_paraphrases_are_close_and_other_topics_far(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        # Measured: 0.996 / 0.966 for the paraphrases, 0.133 / 0.038 for the others.
        embedder = Embedder(model=minilm)
        texts = [
            "How do I reset my router?",
            "How can I reset my router?",
            "How do I reset my password?",
            "What's the way to reset my password?",
            "What is the capital of France?",
            "How do I bake sourdough bread?",
            "What are your business hours?",
        ]
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            v = [await embedder.embed(t) for t in texts]
            nursery.cancel_scope.cancel()
        assert cos(v[0], v[1]) >= 0.98
        assert cos(v[2], v[3]) >= 0.93
        assert cos(v[4], v[5]) <= 0.3
        assert cos(v[0], v[6]) <= 0.3


async def test_concurrent_embeds_share_one_encode_and_get_their_own_rows(
    minilm: SentenceEncoder,
) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm, max_wait=0.05)
        results: dict[int, F32] = {}

        async def one(i: int) -> None:
            results[i] = await embedder.embed(TEXTS[i])

        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            async with trio.open_nursery() as callers:
                for i in range(16):
                    callers.start_soon(one, i)
            nursery.cancel_scope.cancel()
        assert embedder.stats.encodes == 1
        assert embedder.stats.batch_sizes[16] == 1
        assert embedder.stats.requests == 16
        direct = embedder.encode_sync(TEXTS)
        for i in range(16):
            assert cos(results[i], direct[i]) == pytest.approx(1.0, abs=1e-5)
        assert cos(results[0], results[1]) < 0.999  # really different rows


async def test_batches_are_capped_at_max_batch(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm, max_batch=4, max_wait=0.05)
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            async with trio.open_nursery() as callers:
                for t in TEXTS[:10]:
                    callers.start_soon(embedder.embed, t)
            nursery.cancel_scope.cancel()
        assert embedder.stats.encodes == 3
        assert embedder.stats.batch_sizes == [0, 0, 1, 0, 2]
        assert embedder.stats.mean_batch == pytest.approx(10 / 3)


async def test_a_lone_request_does_not_wait_for_company(minilm: SentenceEncoder) -> None:
    embedder = Embedder(model=minilm, max_wait=30.0)
    with trio.fail_after(10):  # far below max_wait: the lone request went at once
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            await embedder.embed(TEXTS[0])
            nursery.cancel_scope.cancel()
    assert embedder.stats.batch_sizes[1] == 1


async def test_a_burst_waits_up_to_max_wait_for_more(minilm: SentenceEncoder) -> None:
    embedder = Embedder(model=minilm, max_batch=3, max_wait=5.0)
    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            async with trio.open_nursery() as callers:
                callers.start_soon(embedder.embed, TEXTS[0])
                callers.start_soon(embedder.embed, TEXTS[1])
                await trio.testing.wait_all_tasks_blocked()
                await nursery.start(embedder.run)
                await trio.sleep(0.05)  # arrives while the batcher waits for company
                assert embedder.stats.encodes == 0
                callers.start_soon(embedder.embed, TEXTS[2])
            nursery.cancel_scope.cancel()
    assert embedder.stats.batch_sizes == [0, 0, 0, 1]


async def test_a_caller_cancelled_in_the_queue_is_skipped(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm, max_wait=0.05)
        results: dict[int, F32] = {}

        async def one(i: int, scope_out: list[trio.CancelScope] | None = None) -> None:
            with trio.CancelScope() as cancel_scope:
                if scope_out is not None:
                    scope_out.append(cancel_scope)
                results[i] = await embedder.embed(TEXTS[i])

        async with trio.open_nursery() as nursery:
            scopes: list[trio.CancelScope] = []
            nursery.start_soon(one, 0)
            nursery.start_soon(one, 1, scopes)
            nursery.start_soon(one, 2)
            await trio.testing.wait_all_tasks_blocked()
            assert embedder.queue_depth == 3  # the batcher has not started yet
            scopes[0].cancel()
            await trio.testing.wait_all_tasks_blocked()
            await nursery.start(embedder.run)
            while len(results) < 2:
                await trio.sleep(0.01)
            nursery.cancel_scope.cancel()
        assert sorted(results) == [0, 2]
        assert (embedder.stats.encodes, embedder.stats.abandoned) == (1, 1)
        assert embedder.stats.batch_sizes[2] == 1
        direct = embedder.encode_sync([TEXTS[0], TEXTS[2]])
        assert cos(results[0], direct[0]) == pytest.approx(1.0, abs=1e-5)
        assert cos(results[2], direct[1]) == pytest.approx(1.0, abs=1e-5)


async def test_a_caller_cancelled_mid_encode_does_not_break_the_batch(
    minilm: SentenceEncoder,
) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm, max_wait=0.05)
        results: dict[int, F32] = {}
        cancelled: list[int] = []

        async def one(i: int, scopes: dict[int, trio.CancelScope]) -> None:
            with trio.CancelScope() as cancel_scope:
                scopes[i] = cancel_scope
                results[i] = await embedder.embed(TEXTS[i])
            if cancel_scope.cancelled_caught:
                cancelled.append(i)

        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            scopes: dict[int, trio.CancelScope] = {}
            async with trio.open_nursery() as callers:
                for i in range(3):
                    callers.start_soon(one, i, scopes)
                while embedder.in_flight != 3:  # the encode thread is running
                    await trio.sleep(0.001)
                scopes[1].cancel()
            after = await embedder.embed("and the batcher still works")
            nursery.cancel_scope.cancel()
        assert cancelled == [1]
        assert sorted(results) == [0, 2]
        assert embedder.stats.batch_sizes[3] == 1 and embedder.stats.encodes == 2
        assert float(np.linalg.norm(after)) == pytest.approx(1.0, abs=1e-5)


async def test_not_ready_until_loaded_and_busy_when_full(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        loading = Embedder()
        assert not loading.ready
        with pytest.raises(EmbedderNotReady):
            await loading.embed("x")
        embedder = Embedder(model=minilm, queue_size=2)
        assert embedder.ready
        async with trio.open_nursery() as nursery:
            async with trio.open_nursery() as callers:
                callers.start_soon(embedder.embed, "a")
                callers.start_soon(embedder.embed, "b")
                await trio.testing.wait_all_tasks_blocked()
                with pytest.raises(EmbedderBusy):
                    await embedder.embed("c")
                assert (embedder.queue_depth, embedder.stats.rejected_busy) == (2, 1)
                await nursery.start(embedder.run)
            nursery.cancel_scope.cancel()
        assert embedder.stats.encoded_texts == 2


async def test_shutdown_answers_every_waiting_caller(minilm: SentenceEncoder) -> None:
    with trio.fail_after(LIMIT):
        embedder = Embedder(model=minilm, max_batch=1)
        outcomes: dict[int, str] = {}

        async def one(i: int) -> None:
            try:
                await embedder.embed(TEXTS[i])
                outcomes[i] = "vector"
            except EmbedderClosed:
                outcomes[i] = "closed"

        async with trio.open_nursery() as callers:
            for i in range(3):
                callers.start_soon(one, i)
            await trio.testing.wait_all_tasks_blocked()
            with trio.CancelScope() as batcher_scope:
                async with trio.open_nursery() as nursery:
                    await nursery.start(embedder.run)
                    while embedder.in_flight != 1:
                        await trio.sleep(0.001)
                    batcher_scope.cancel()  # the in-flight encode still completes
        assert sorted(outcomes.values()) == ["closed", "closed", "vector"]
        with pytest.raises(EmbedderClosed):
            await embedder.embed("after shutdown")


async def test_a_model_that_fails_to_load_turns_the_tier_off(tmp_path: Path) -> None:
    embedder = Embedder(model_path=tmp_path / "no-such-model")
    with trio.fail_after(LIMIT):
        async with trio.open_nursery() as nursery:
            await nursery.start(embedder.run)
            await embedder.wait_ready()  # returns on failure too
    assert not embedder.ready
    assert embedder.load_error is not None
    with pytest.raises(EmbedderNotReady):
        await embedder.embed("x")
