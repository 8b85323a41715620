"""Semantic entries shared by every gateway process through one Redis stream.

With the Redis state backend, an answer stored through one process is in L2
(Redis, with TTL) at once; its *vector* must also reach the other processes'
indexes. Every process appends its additions (key, scope, expiry, float32 vector)
and admin flushes to the stream ``<key_prefix>cache:stream`` and follows the
stream to apply everyone else's. A process that starts catches up by reading the
stream from the beginning, then blocks in ``XREAD`` for new entries, so an entry
reaches the others within one round trip.

The stream is bounded twice: ``XADD ... MAXLEN ~ stream_max_len`` (at least the
semantic tier's ``max_entries``, so catching up yields the newest entries a
process would keep anyway) and a periodic ``XTRIM MINID ~`` one TTL behind the
newest entry id (server time), which drops additions that have expired.

Why a client of its own instead of the state store: a blocking ``XREAD`` holds
its connection for up to ``block_ms``, and the store protocol has no stream
operations; this keeps the shared store untouched and its connections free.
Failure model as in ``routeiq.state.redis``: every call runs under a deadline;
on any error the follower drops its client, waits ``next_delay`` (capped,
jittered, exponential; never gives up) and resumes after the last entry it
applied. Additions made while Redis is unreachable are not shared (they still
serve this process) and are counted in ``stats.dropped``.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import coredis
import numpy as np
import orjson
import trio
from coredis.retry import NoRetryPolicy
from coredis.tokens import PureToken

from routeiq.cache.exact import Vector
from routeiq.cache.rules import FlushRule
from routeiq.cache.verify import Facts, dump_facts, load_facts
from routeiq.state.backoff import RandomSource, next_delay

__all__ = ["StreamSync", "SyncStats", "SyncTarget"]

log = logging.getLogger("routeiq.cache")

Client = coredis.Redis[bytes]
STEP_BUDGET = 0.002  # seconds of applying entries before yielding to the loop
TRIM_EVERY = 60.0


class SyncTarget(Protocol):
    """What the stream's entries are applied to (the cache service)."""

    def apply_add(
        self,
        key: str,
        partition: tuple[str, str, str],
        vector: Vector,
        expires_at: float,
        facts: Facts | None = None,
    ) -> bool: ...

    def apply_flush(self, rule: FlushRule) -> None: ...


@dataclass(slots=True)
class SyncStats:
    sent: int = 0
    dropped: int = 0  # additions or flushes not shared (Redis unreachable or failing)
    received: int = 0  # entries of other processes applied
    expired: int = 0  # additions that had expired when they arrived
    malformed: int = 0
    errors: int = 0  # follower failures (each followed by a reconnect)


def _ms(identifier: bytes) -> int:
    return int(identifier.split(b"-", 1)[0])


class StreamSync:
    """Publishes this process's semantic additions and follows everyone else's."""

    def __init__(
        self,
        *,
        url: str,
        stream_key: str,
        target: SyncTarget,
        ttl: float,
        max_len: int,
        op_timeout: float = 0.25,
        block_ms: int = 1000,
        batch: int = 128,
        backoff_initial: float = 0.1,
        backoff_cap: float = 5.0,
        rng: RandomSource | None = None,
    ) -> None:
        self.url = url
        self.stream_key = stream_key
        self.target = target
        self.ttl = ttl
        self.max_len = max_len
        self.op_timeout = op_timeout
        self.block_ms = block_ms
        self.batch = batch
        self.backoff = (backoff_initial, backoff_cap)
        self._rng: RandomSource = rng if rng is not None else random.Random()
        self.origin = secrets.token_hex(8).encode()
        self.stats = SyncStats()
        self.last_id = b"0-0"
        self.caught_up = trio.Event()
        self._client: Client | None = None
        self._trimmed_at = 0.0

    @property
    def connected(self) -> bool:
        return self._client is not None

    # -- publishing ----------------------------------------------------------------

    async def publish_add(
        self,
        key: str,
        partition: tuple[str, str, str],
        vector: Vector,
        expires_at: float,
        facts: Facts | None = None,
    ) -> None:
        ns, model, fp = partition
        fields: dict[str, bytes] = {
            "o": self.origin,
            "op": b"add",
            "k": key.encode(),
            "ns": ns.encode(),
            "m": model.encode(),
            "fp": fp.encode(),
            "x": repr(expires_at).encode(),
            "v": np.ascontiguousarray(vector, dtype="<f4").tobytes(),
        }
        if facts is not None:  # the other processes verify their hits against it too
            fields["f"] = orjson.dumps(dump_facts(facts))
        await self._xadd(fields)

    async def publish_flush(self, rule: FlushRule) -> None:
        fields: dict[str, bytes] = {"o": self.origin, "op": b"flush", "at": repr(rule.at).encode()}
        if rule.namespace is not None:
            fields["ns"] = rule.namespace.encode()
        if rule.model is not None:
            fields["m"] = rule.model.encode()
        await self._xadd(fields)

    async def _xadd(self, fields: dict[str, bytes]) -> None:
        client = self._client
        if client is None:
            self.stats.dropped += 1
            return
        try:
            with trio.fail_after(self.op_timeout):
                await client.xadd(
                    self.stream_key,
                    fields,
                    trim_strategy=PureToken.MAXLEN,
                    threshold=self.max_len,
                    trim_operator=PureToken.APPROXIMATELY,
                )
        except Exception as exc:  # the follower notices a real outage and reconnects
            self.stats.dropped += 1
            log.debug("cache sync: XADD failed: %r", exc)
            return
        self.stats.sent += 1

    # -- following -----------------------------------------------------------------

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Connect, catch up, follow; reconnect with backoff on any failure. Reports
        started after the first connection attempt (whether or not it succeeded);
        ``caught_up`` is set once the stream has been read to its end."""
        started = False
        attempt = 0
        while True:
            client: Client = coredis.Redis.from_url(
                self.url, connect_timeout=self.op_timeout, retry_policy=NoRetryPolicy()
            )
            try:
                async with client:
                    with trio.fail_after(self.op_timeout):
                        await client.ping()
                    self._client = client
                    attempt = 0
                    if not started:
                        task_status.started()
                        started = True
                    await self._follow(client)
            except* trio.Cancelled:
                raise
            except* Exception as group:
                self.stats.errors += 1
                log.warning("cache sync: redis stream unavailable (%r); retrying", group)
            finally:
                self._client = None
            if not started:
                task_status.started()
                started = True
            await trio.sleep(next_delay(attempt, *self.backoff, self._rng))
            attempt += 1

    async def _follow(self, client: Client) -> None:
        key = self.stream_key
        while True:  # catch up: everything after the last entry applied
            start = "-" if self.last_id == b"0-0" else b"(" + self.last_id
            with trio.fail_after(self.op_timeout * 4):
                entries = await client.xrange(key, start, "+", count=self.batch)
            if not entries:
                break
            await self._apply(entries)
        self.caught_up.set()
        while True:
            with trio.fail_after(self.block_ms / 1000.0 + self.op_timeout * 4):
                reply = await client.xread(
                    {key: self.last_id}, count=self.batch, block=self.block_ms
                )
            for entries in (reply or {}).values():
                await self._apply(entries)
            await self._maybe_trim(client)

    async def _maybe_trim(self, client: Client) -> None:
        now = trio.current_time()
        if now - self._trimmed_at < TRIM_EVERY or self.last_id == b"0-0":
            return
        self._trimmed_at = now
        horizon = _ms(self.last_id) - int(self.ttl * 1000)
        if horizon > 0:
            with trio.fail_after(self.op_timeout):
                await client.xtrim(
                    key=self.stream_key,
                    trim_strategy=PureToken.MINID,
                    threshold=horizon,
                    trim_operator=PureToken.APPROXIMATELY,
                )

    async def _apply(self, entries: Sequence[Any]) -> None:
        t0 = time.perf_counter()
        for entry in entries:
            self.last_id = entry.identifier
            fields = entry.field_values
            if fields.get(b"o") == self.origin:
                continue  # our own: applied when it was made
            try:
                self._apply_one(fields)
            except (KeyError, ValueError, UnicodeDecodeError):
                self.stats.malformed += 1
            if time.perf_counter() - t0 > STEP_BUDGET:
                await trio.lowlevel.checkpoint()  # a long catch-up must not hold the loop
                t0 = time.perf_counter()

    def _apply_one(self, fields: dict[bytes, bytes]) -> None:
        op = fields[b"op"]
        if op == b"add":
            vector = np.frombuffer(fields[b"v"], dtype="<f4").astype(np.float32)
            partition = (fields[b"ns"].decode(), fields[b"m"].decode(), fields[b"fp"].decode())
            expires_at = float(fields[b"x"])
            if expires_at <= time.time():
                self.stats.expired += 1
                return
            raw_facts = fields.get(b"f")
            facts = load_facts(orjson.loads(raw_facts)) if raw_facts else None
            self.target.apply_add(fields[b"k"].decode(), partition, vector, expires_at, facts)
            self.stats.received += 1
        elif op == b"flush":
            ns, model = fields.get(b"ns"), fields.get(b"m")
            self.target.apply_flush(
                FlushRule(
                    ns.decode() if ns is not None else None,
                    model.decode() if model is not None else None,
                    float(fields[b"at"]),
                )
            )
            self.stats.received += 1
        else:
            raise ValueError(f"unknown op {op!r}")
