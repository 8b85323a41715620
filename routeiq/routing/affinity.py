"""Conversation affinity: the same conversation keeps its deployment.

The key of a request is, in order of preference (:func:`affinity_key`):

1. ``previous_response_id`` in the body (Responses-API style chaining): the
   deployment that produced that response, recorded when it answered;
2. the ``x-routeiq-conversation-id`` header;
3. ``conversation_id`` or ``session_id`` in the body, then in ``metadata``.

A record holds the deployment id, the model group and its expiry (wall-clock
epoch seconds); the store keeps it for ``ttl`` seconds after the last turn
(every turn rewrites it, so the expiry slides). Every answer's response id is
recorded as well, so ``previous_response_id`` works on the next turn.

No lock: a lookup is one GET and a record one SET. Two concurrent FIRST turns
of one conversation may land on different deployments; the later record wins
and every later turn follows it. Turns of one conversation are sequential in
practice, so serialising them (a lock held across the upstream call) would
cost far more than it could save.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from routeiq.routing.settings import AffinitySettings

if TYPE_CHECKING:  # keeps this module free of trio imports (the key logic is pure)
    from routeiq.state.base import StateStore

HEADER = b"x-routeiq-conversation-id"
KEY_PREFIX = "aff:"
_ID_FIELDS = ("conversation_id", "session_id")


def _clean(value: Any, max_chars: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if not text:
        return None
    if len(text) > max_chars:
        # Bound what a client can make us store; collisions are as unlikely as
        # for any 128-bit hash.
        return "#" + hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).hexdigest()
    return text


def affinity_key(
    body: Mapping[str, Any], header: bytes | None, *, max_chars: int = 128
) -> str | None:
    """The affinity key of a request (``r:<response id>`` or ``c:<conversation>``),
    or ``None`` when it names no conversation."""
    prev = _clean(body.get("previous_response_id"), max_chars)
    if prev is not None:
        return "r:" + prev
    if header:
        conv = _clean(header.decode("utf-8", "replace"), max_chars)
        if conv is not None:
            return "c:" + conv
    for field in _ID_FIELDS:
        conv = _clean(body.get(field), max_chars)
        if conv is not None:
            return "c:" + conv
    meta = body.get("metadata")
    if isinstance(meta, Mapping):
        for field in _ID_FIELDS:
            conv = _clean(meta.get(field), max_chars)
            if conv is not None:
                return "c:" + conv
    return None


def response_key(response_id: str, *, max_chars: int = 128) -> str | None:
    """The key under which an answer's response id is recorded."""
    rid = _clean(response_id, max_chars)
    return None if rid is None else "r:" + rid


@dataclass(frozen=True, slots=True)
class AffinityRecord:
    deployment: str
    model: str
    expires: float  # wall-clock epoch seconds


def encode_record(record: AffinityRecord) -> bytes:
    return orjson.dumps({"d": record.deployment, "m": record.model, "e": record.expires})


def decode_record(raw: bytes) -> AffinityRecord | None:
    """The record, or ``None`` for a value this version cannot read."""
    try:
        obj = orjson.loads(raw)
        return AffinityRecord(str(obj["d"]), str(obj["m"]), float(obj["e"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


class AffinityTable:
    """Affinity records in a :class:`~routeiq.state.base.StateStore`.

    ``wall`` gives epoch seconds (injected so tests on the autojump clock see
    the same time the memory store uses for its TTLs).
    """

    def __init__(
        self,
        store: StateStore,
        settings: AffinitySettings,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.wall = wall

    async def lookup(self, key: str) -> AffinityRecord | None:
        """The live record for ``key`` (an :func:`affinity_key`), if any."""
        raw = await self.store.get(KEY_PREFIX + key)
        if raw is None:
            return None
        record = decode_record(raw)
        if record is None or record.expires <= self.wall():
            return None
        return record

    async def record(self, key: str, deployment: str, model: str) -> None:
        """Remember that ``key`` is served by ``deployment`` for ``ttl`` seconds."""
        ttl = self.settings.ttl
        value = encode_record(AffinityRecord(deployment, model, self.wall() + ttl))
        await self.store.set(KEY_PREFIX + key, value, ttl)
