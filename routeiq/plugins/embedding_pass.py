"""Phase 1's embedding pass: new user messages judged with their MiniLM vector.

With ``injection.embedding: true`` and an embedder in the gateway (the semantic
cache's or the learned router's), each new *direct* (user) text whose injection
verdict is not cached yet is embedded (``Embedder.embed``: micro-batched in a
worker thread, never on the loop) and judged by ``embedding_head.with_embedding``
(the n-gram model, the rules and the vector stacked into one probability). The
verdict goes into the verdict cache under the injection guardrail's key, so the
ordinary scan that follows (``input_scan.scan_input``) uses it in place of the n-gram
verdict: the embedding can clear an n-gram false positive as well as catch what the
n-grams missed (held-out: direct recall 0.892 at 0.61% false positives on benign
user text, 1 of 210 real users' prompts, against 0.906 at 1.56% and 9 of 210 for
the n-grams alone; ``model/MODEL_CARD.md``).

The cost is one embedding per new user message (onnx-int8, in the embedder's
thread) added to phase 1's wall time: 2.46 ms p50 against 0.097 ms without, on a
loaded 2-core machine (``bench/guard_embedding_latency.py``); the loop's share is
the n-gram scan it would have run anyway (its longest step 0.228 ms p50). When
the embedder is loading, busy (its queue full) or fails, the text falls back to
the n-gram verdict (never blocks the request on the embedder); that verdict is
cached like any other, so a text first seen while the model loads keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import trio

from routeiq.plugins.guardrails.base import Guardrail
from routeiq.plugins.guardrails.cache import VerdictCache
from routeiq.plugins.guardrails.embedding_head import default_head, with_embedding
from routeiq.plugins.guardrails.injection import InjectionGuardrail

if TYPE_CHECKING:
    from routeiq.cache.embedder import Embedder


#: New direct texts embedded per request at most (the newest; older ones keep the
#: n-gram verdict): a first turn of hundreds of messages must not cost hundreds of
#: embeddings.
MAX_EMBEDDED = 8


def embedding_guard(guardrails: Sequence[Guardrail]) -> InjectionGuardrail | None:
    """The injection guardrail that asks for the embedding pass, if any."""
    for guardrail in guardrails:
        if (
            isinstance(guardrail, InjectionGuardrail)
            and guardrail.settings.embedding
            and guardrail.model is not None
        ):
            return guardrail
    return None


def texts_to_embed(
    guard: InjectionGuardrail,
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
) -> list[int]:
    """Indices of the direct texts whose injection verdict the cache does not hold."""
    return uncached_of_kinds(guard, digests, roles, cache, ("direct",))


def uncached_of_kinds(
    guard: InjectionGuardrail,
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
    kinds: Sequence[str],
) -> list[int]:
    """Indices of the texts whose role is of ``kinds`` (``guard.role_kind``) and whose
    injection verdict the cache does not hold; a repeated text once (its first)."""
    key = (guard.name, guard.version)
    lru = cache._messages  # read-only peek, as guards.uncached does
    out: list[int] = []
    seen: set[bytes] = set()
    for index, digest in enumerate(digests):
        role = roles[index] if roles is not None else None
        if guard.role_kind(role) not in kinds or digest in seen:
            continue
        entry = lru.get(digest)
        if entry is None or key not in entry:
            seen.add(digest)
            out.append(index)
    return out


async def embedding_pass(
    guard: InjectionGuardrail,
    embedder: Embedder,
    texts: Sequence[str],
    digests: Sequence[bytes],
    roles: Sequence[str | None] | None,
    cache: VerdictCache,
) -> int:
    """Judge the new direct texts with their embedding; returns how many were."""
    if not embedder.ready:
        return 0
    todo = texts_to_embed(guard, digests, roles, cache)[-MAX_EMBEDDED:]
    if not todo:
        return 0
    vectors: list[np.ndarray | None] = [None] * len(todo)
    async with trio.open_nursery() as nursery:  # one batch for the embedder
        for slot, index in enumerate(todo):
            nursery.start_soon(_embed, embedder, texts[index], vectors, slot)
    head = default_head()
    judged = 0
    for slot, index in enumerate(todo):
        vector = vectors[slot]
        if vector is None:
            continue  # the n-gram verdict will do
        verdict = with_embedding(guard, head, texts[index], vector)
        cache.put((guard.name, guard.version, digests[index]), verdict)
        judged += 1
    return judged


async def _embed(embedder: Embedder, text: str, out: list[np.ndarray | None], slot: int) -> None:
    from routeiq.cache.embedder import EmbedderError

    try:
        out[slot] = await embedder.embed(text)
    except EmbedderError:
        pass
