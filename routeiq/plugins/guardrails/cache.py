"""Bounded verdict cache and incremental scanning of a conversation.

A conversation's history was scanned on earlier turns. Verdicts are cached
under ``(guardrail name, guardrail version, blake2b(message))``, so turn N
scans only the messages it has not seen; a change of patterns or settings
changes the version and so misses the old entries instead of reusing them.

Plain ``OrderedDict`` LRU with a size cap and no lock: the gateway runs on
one trio thread, and nothing here awaits.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

from routeiq.plugins.guardrails.base import Guardrail, Verdict

CacheKey = tuple[str, str, bytes]


def message_digest(text: str) -> bytes:
    """128-bit blake2b of the message (lone surrogates from JSON survive)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class VerdictCache:
    """LRU of verdicts, at most ``max_entries`` of them.

    ``scans`` counts real scans done through ``scan_messages`` (cache misses);
    ``hits`` counts verdicts served from the cache.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, Verdict] = OrderedDict()
        self.scans = 0
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> Verdict | None:
        """The cached verdict (now most recently used), or None."""
        verdict = self._entries.get(key)
        if verdict is not None:
            self._entries.move_to_end(key)
        return verdict

    def put(self, key: CacheKey, verdict: Verdict) -> None:
        """Store a verdict, evicting the least recently used past the cap."""
        self._entries[key] = verdict
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop every entry (counters are kept)."""
        self._entries.clear()


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
    if digests is None:
        digests = [message_digest(m) for m in messages]
    name, version = guardrail.name, guardrail.version
    verdicts: list[Verdict] = []
    for text, digest in zip(messages, digests, strict=True):
        key = (name, version, digest)
        verdict = cache.get(key)
        if verdict is None:
            verdict = guardrail.check(text)
            cache.scans += 1
            cache.put(key, verdict)
        else:
            cache.hits += 1
        verdicts.append(verdict)
    return verdicts
