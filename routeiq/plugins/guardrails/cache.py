"""Bounded verdict cache and incremental scanning of a conversation.

A conversation's history was scanned on earlier turns. Verdicts are cached
under ``(guardrail name, guardrail version, blake2b(message))``, so turn N
scans only the messages it has not seen; a change of patterns or settings
changes the version and so misses the old entries instead of reusing them.

Layout: an LRU ``OrderedDict`` over message digests, each holding the
verdicts of every (name, version) that scanned that message. One digest and
one LRU touch per message serve all the guardrails (``scan_conversation``),
which is what keeps a cached turn cheap. No lock: the gateway runs on one
trio thread and nothing here awaits.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

from routeiq.plugins.guardrails.base import Guardrail, Verdict

CacheKey = tuple[str, str, bytes]
_blake2b = hashlib.blake2b


def message_digest(text: str) -> bytes:
    """128-bit blake2b of the message (lone surrogates from JSON survive)."""
    return _blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class VerdictCache:
    """LRU of verdicts for at most ``max_messages`` distinct messages.

    ``scans`` counts real scans done through ``scan_messages`` /
    ``scan_conversation`` (cache misses); ``hits`` counts verdicts served
    from the cache. ``len()`` is the number of verdicts held.
    """

    def __init__(self, max_messages: int = 50_000) -> None:
        if max_messages < 1:
            raise ValueError("max_messages must be >= 1")
        self.max_messages = max_messages
        self._messages: OrderedDict[bytes, dict[tuple[str, str], Verdict]] = OrderedDict()
        self._count = 0
        self.scans = 0
        self.hits = 0

    def __len__(self) -> int:
        return self._count

    def _entry(self, digest: bytes) -> dict[tuple[str, str], Verdict]:
        """The verdicts of one message, created if missing, marked most recently used."""
        entry = self._messages.get(digest)
        if entry is None:
            entry = self._messages[digest] = {}
            if len(self._messages) > self.max_messages:
                _, evicted = self._messages.popitem(last=False)
                self._count -= len(evicted)
        else:
            self._messages.move_to_end(digest)
        return entry

    def get(self, key: CacheKey) -> Verdict | None:
        """The cached verdict (its message now most recently used), or None."""
        name, version, digest = key
        entry = self._messages.get(digest)
        if entry is None:
            return None
        self._messages.move_to_end(digest)
        return entry.get((name, version))

    def put(self, key: CacheKey, verdict: Verdict) -> None:
        """Store a verdict, evicting the least recently used message past the cap."""
        name, version, digest = key
        entry = self._entry(digest)
        if (name, version) not in entry:
            self._count += 1
        entry[(name, version)] = verdict

    def clear(self) -> None:
        """Drop every entry (counters are kept)."""
        self._messages.clear()
        self._count = 0


def scan_messages(
    guardrail: Guardrail,
    messages: Sequence[str],
    cache: VerdictCache,
    digests: Sequence[bytes] | None = None,
) -> list[Verdict]:
    """One verdict per message, scanning only those not cached for this guardrail version.

    ``digests`` (from ``message_digest``) may be passed when several
    guardrails scan the same messages, so each message is hashed once.
    """
    return scan_conversation([guardrail], messages, cache, digests)[0]


def scan_conversation(
    guardrails: Sequence[Guardrail],
    messages: Sequence[str],
    cache: VerdictCache,
    digests: Sequence[bytes] | None = None,
) -> list[list[Verdict]]:
    """``result[g][m]`` is guardrail g's verdict on message m; only misses are scanned.

    Each message is hashed once and touched once in the LRU, whatever the
    number of guardrails; then each guardrail scans its misses in turn.
    """
    if digests is None:
        digests = [message_digest(m) for m in messages]
    if len(messages) == 1:  # a next turn's one new text
        return _scan_one(guardrails, messages[0], cache, digests[0])
    return _scan_many(guardrails, messages, cache, digests)


def _scan_many(
    guardrails: Sequence[Guardrail],
    messages: Sequence[str],
    cache: VerdictCache,
    digests: Sequence[bytes],
) -> list[list[Verdict]]:
    """``scan_conversation`` of any number of messages (the general loop)."""
    pairs: list[tuple[tuple[str, str], Callable[[str], Verdict], list[Verdict]]] = [
        ((g.name, g.version), g.check, []) for g in guardrails
    ]
    results: list[list[Verdict]] = [verdicts for _, _, verdicts in pairs]
    # Hot path of every turn: locals instead of attribute lookups, counters
    # added once at the end.
    lru = cache._messages
    lru_get, touch = lru.get, lru.move_to_end
    entries = []
    for digest in digests:  # one LRU touch per message, whatever the guardrail count
        entry = lru_get(digest)
        if entry is None:
            entry = cache._entry(digest)
        else:
            touch(digest)
        entries.append(entry)
    scans = served = stored = 0
    try:
        # Guardrail-major: each guardrail's (large) compiled pattern stays in the
        # CPU caches for all its messages; interleaving the three measured ~1.7x
        # slower on a 50-message first turn.
        for (key, check, verdicts), guardrail in zip(pairs, guardrails, strict=True):
            prefetch = getattr(guardrail, "prefetch", None)
            if prefetch is not None:
                # A guardrail with per-call overhead (the learned model's numpy
                # calls) judges all of this turn's new texts in one batch first.
                misses = [t for t, e in zip(messages, entries, strict=True) if key not in e]
                if len(misses) > 1:
                    prefetch(misses)
            for text, digest, entry in zip(messages, digests, entries, strict=True):
                verdict = entry.get(key)
                if verdict is None:
                    verdict = entry[key] = check(text)
                    scans += 1
                    # A conversation longer than the cache evicts its own first
                    # messages: their verdicts are returned but not counted as held.
                    stored += lru_get(digest) is entry
                verdicts.append(verdict)
                served += 1
    finally:  # keep the counters exact even if a guardrail raised
        cache.scans += scans
        cache._count += stored
        cache.hits += served - scans
    return results


def _scan_one(
    guardrails: Sequence[Guardrail], text: str, cache: VerdictCache, digest: bytes
) -> list[list[Verdict]]:
    """``scan_conversation`` of one message (a next turn's new text): the same
    verdicts, LRU touch, cache entries and counters, without the per-message
    lists, the zips and the batch prefetch (which only ever runs for two or
    more misses). Measured hot with three guardrails answering at once: 3.7 us
    a call for the general loop (``_scan_many``), 1.6 for this one; in the
    bench's next turn of 50 (caches cold, interleaved): 0.92 and 0.96 of the
    phase-1 time in two runs."""
    lru = cache._messages
    entry = lru.get(digest)
    if entry is None:
        entry = cache._entry(digest)
    else:
        lru.move_to_end(digest)
    results: list[list[Verdict]] = []
    scans = stored = 0
    try:
        for guardrail in guardrails:
            key = (guardrail.name, guardrail.version)
            verdict = entry.get(key)
            if verdict is None:
                verdict = entry[key] = guardrail.check(text)
                scans += 1
                # A cache of one message evicts nothing here; kept as the loop counts it.
                stored += lru.get(digest) is entry
            results.append([verdict])
    finally:  # keep the counters exact even if a guardrail raised
        cache.scans += scans
        cache._count += stored
        cache.hits += len(results) - scans
    return results
