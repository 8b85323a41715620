"""Phase 1 of a conversation's next turn: the history's outcome, remembered whole.

The verdict cache (``guardrails/cache.py``) already spares the history a
rescan, but a cached turn still walks every earlier message: one LRU touch,
one verdict lookup per guardrail and one role decision each. On a 50-message
conversation that walk was most of the next turn (0.30 ms p50 against 0.14 ms
for a one-message turn, ``bench/guardrails.py``).

A chat client resends the whole conversation every turn, so this turn's texts
start with the last turn's. ``PrefixMemo`` keeps the *combined* phase-1 outcome
(``InputScan``: nothing blocked, what triggered, which texts to redact) of each
conversation it saw, keyed by one digest over the guardrails' versions and the
messages' digests and roles. The next turn finds its longest remembered prefix
with a few dict lookups and scans only the texts after it.

Only outcomes without a block are kept (a blocked request never becomes the
history of a next turn). A hit returns what a full scan would: the same
verdicts (they are a pure function of text, role and guardrail version), the
same redaction indices; ``triggered`` lists the history's verdicts first.
Pure and I/O-free; bounded LRU.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, TypeVar

from routeiq.plugins.guards import InputScan

#: Prefixes tried per turn: a turn usually adds the assistant's reply and the
#: next user message (2), sometimes tool calls and their results too.
MAX_NEW_TEXTS = 6

Outcome = TypeVar("Outcome")


def prefix_key(
    guards: bytes, digests: Sequence[bytes], roles: Sequence[str | None] | None, count: int
) -> bytes:
    """One 128-bit digest of the guardrails (``Guards.key``) and the first
    ``count`` texts with their roles."""
    h = hashlib.blake2b(guards, digest_size=16)
    h.update(b"".join(digests[:count]))
    if roles is not None:
        head = roles[:count]
        # Every role is a string in the common case: joined as they are (a
        # generator step per message cost ~2 us for 50 messages, twice a turn).
        if None in head:
            head = [r or "" for r in head]
        h.update("\x1f".join(head).encode())  # type: ignore[arg-type]
    return h.digest()


class PrefixMemo(Generic[Outcome]):
    """LRU of ``prefix_key`` -> the phase-1 outcome of those texts (at most ``max_entries``)."""

    def __init__(self, max_entries: int = 20_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, Outcome] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def longest(
        self, guards: bytes, digests: Sequence[bytes], roles: Sequence[str | None] | None
    ) -> tuple[int, Outcome | None]:
        """(k, outcome of texts[:k]) for the longest remembered proper prefix
        among the last ``MAX_NEW_TEXTS`` lengths, or (0, None)."""
        n = len(digests)
        entries = self._entries
        for count in range(n - 1, max(n - 1 - MAX_NEW_TEXTS, 0), -1):
            key = prefix_key(guards, digests, roles, count)
            found = entries.get(key)
            if found is not None:
                entries.move_to_end(key)
                self.hits += 1
                return count, found
        self.misses += 1
        return 0, None

    def put(
        self,
        guards: bytes,
        digests: Sequence[bytes],
        roles: Sequence[str | None] | None,
        outcome: Outcome,
    ) -> None:
        """Remember the outcome of all of ``digests`` (evicting the oldest past the cap)."""
        key = prefix_key(guards, digests, roles, len(digests))
        self._entries[key] = outcome
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def followed_by(history: InputScan, rest: InputScan, offset: int) -> InputScan:
    """The outcome of the history's texts followed by ``rest`` (whose indices start at
    ``offset``); the stored history is not modified."""
    return InputScan(
        rest.block,
        [*history.triggered, *rest.triggered],
        [*history.redact, *(offset + i for i in rest.redact)],
    )
