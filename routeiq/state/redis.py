"""The multi-instance state backend on Redis, through coredis (anyio, so trio).

Failure model: every Redis call runs under ``trio.fail_after(op_timeout)``. Any
failure of the server (refused, reset, timeout, protocol or pool error) marks the
store DOWN at once; that operation and every later one are served by a local
:class:`~routeiq.state.memory.MemoryStore` fallback, so no caller sees the
outage. :meth:`RedisStore.run` (started by the lifespan nursery) then discards
the client and probes with fresh connections, waiting ``next_delay`` between
probes (capped, jittered, exponential) and never giving up; the first PING that
answers marks the store UP again. Writes served by the fallback stay local and
are dropped when Redis returns (they are rate counters, cache entries and
affinity hints, all of which regenerate). Errors that are the caller's fault
(INCR of a non-integer) raise ``ValueError`` instead.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import coredis
import trio
from coredis.commands.script import Script
from coredis.exceptions import ResponseError
from coredis.retry import NoRetryPolicy
from coredis.tokens import PureToken

from routeiq.state.backoff import RandomSource, next_delay
from routeiq.state.base import Health, StateConflictError, UpdateFn, check_ttl
from routeiq.state.broker import LocalSubscription
from routeiq.state.cas import CAS_SCRIPT, cas_args, cas_outcome, ttl_ms
from routeiq.state.locks import KeyedLocks
from routeiq.state.memory import MemoryStore
from routeiq.state.settings import StateSettings

log = logging.getLogger("routeiq.state")

T = TypeVar("T")
Client = coredis.Redis[bytes]

# Caller mistakes, not server failures: they must not mark Redis down.
# (Matched as substrings: inside a pipeline coredis prefixes the server's text.)
_CALLER_ERRORS = ("not an integer", "WRONGTYPE", "increment or decrement would overflow")


class _Fallback(enum.Enum):
    FALLBACK = 0


_FALLBACK = _Fallback.FALLBACK


@dataclass(slots=True)
class HealthCounters:
    """Counters the telemetry layer reads (monotonic ints)."""

    downs: int = 0  # up -> down transitions
    ups: int = 0  # transitions to up, the first connection included
    fallback_ops: int = 0  # operations served by the local fallback
    probes: int = 0  # connection attempts made by run()


def _run_cas(cas: Script[bytes], key: str, args: list[bytes], client: Client) -> Awaitable[Any]:
    return cas(keys=[key], args=args, client=client)


def _leaf(exc: BaseException) -> BaseException:
    """The first concrete exception inside (possibly nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


class RedisStore:
    """Redis-backed :class:`~routeiq.state.base.StateStore` with a local fallback."""

    name = "redis"

    def __init__(
        self,
        settings: StateSettings,
        *,
        rng: RandomSource | None = None,
        max_update_attempts: int = 100,
    ) -> None:
        self._url = settings.redis_url
        self._prefix = settings.key_prefix
        self._op_timeout = settings.op_timeout
        self._backoff_initial = settings.backoff_initial
        self._backoff_cap = settings.backoff_cap
        self._rng: RandomSource = rng if rng is not None else random.Random()
        self._max_update_attempts = max_update_attempts
        self._fallback = MemoryStore(
            max_keys=settings.max_keys,
            sweep_interval=settings.sweep_interval,
            subscriber_buffer=settings.subscriber_buffer,
        )
        self._client: Client | None = None
        self._cas: Script[bytes] | None = None
        self._lost = trio.Event()
        self._up = trio.Event()
        self._nursery: trio.Nursery | None = None
        self._locks = KeyedLocks()
        self.counters = HealthCounters()

    @property
    def health(self) -> Health:
        return "up" if self._client is not None else "down"

    @property
    def fallback(self) -> MemoryStore:
        """The local store that serves operations while Redis is down."""
        return self._fallback

    def _key(self, key: str) -> str:
        return self._prefix + key

    # -- health ----------------------------------------------------------------

    def _mark_up(self, client: Client) -> None:
        self._cas = client.register_script(CAS_SCRIPT)
        self._client = client
        self.counters.ups += 1
        # Fallback contents were only valid while Redis was unreachable.
        self._fallback.clear()
        self._up.set()
        log.info("state: redis %s is up", self._url)

    def _lose(self, client: Client, exc: BaseException) -> None:
        """An operation on ``client`` failed: go DOWN unless already done."""
        if self._client is not client:
            return  # a newer client (or none) is current; stale failure
        self._client = None
        self._cas = None
        self._up = trio.Event()
        self._lost.set()
        self.counters.downs += 1
        log.warning(
            "state: redis %s is down (%s: %s); serving from the local fallback",
            self._url,
            type(exc).__name__,
            exc,
        )

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Own the Redis connection for the store's lifetime.

        Connects (one probe, bounded by ``op_timeout``), reports started whether
        or not Redis answered, then alternates forever between serving (until an
        operation fails) and probing with backoff. Also runs the fallback's
        expiry sweeper and hosts the pub/sub relays. Cancel to stop.
        """
        async with trio.open_nursery() as nursery:
            await nursery.start(self._fallback.run)
            self._nursery = nursery
            try:
                await self._connect_forever(task_status)
            finally:
                self._nursery = None
                self._client = None
                self._cas = None
                nursery.cancel_scope.cancel()

    async def _connect_forever(self, task_status: trio.TaskStatus[None]) -> None:
        attempt = 0
        started = False
        while True:
            self.counters.probes += 1
            client: Client = coredis.Redis.from_url(
                self._url, connect_timeout=self._op_timeout, retry_policy=NoRetryPolicy()
            )
            try:
                async with client:
                    with trio.fail_after(self._op_timeout):
                        await client.ping()
                    lost = self._lost = trio.Event()
                    self._mark_up(client)
                    attempt = 0
                    if not started:
                        task_status.started()
                        started = True
                    # Serve until an operation reports a failure; leaving the
                    # context then closes every connection of this client.
                    await lost.wait()
            # coredis runs connections in task groups, so a failure may arrive as a
            # group mixing Cancelled (re-raised: shutdown wins) with cleanup errors.
            except* trio.Cancelled:
                raise
            except* Exception as group:  # any failure to connect or to PING: stay down
                exc = _leaf(group)
                if self._client is client:
                    self._lose(client, exc)
                elif attempt == 0:
                    log.warning("state: redis %s unreachable (%r); probing", self._url, exc)
            if not started:
                task_status.started()
                started = True
            await trio.sleep(
                next_delay(attempt, self._backoff_initial, self._backoff_cap, self._rng)
            )
            attempt += 1

    async def _call(
        self, call: Callable[[Client], Awaitable[T]]
    ) -> T | Literal[_Fallback.FALLBACK]:
        """Run one Redis call under the deadline; ``_FALLBACK`` if Redis is down or
        the call failed (the store is then marked down)."""
        client = self._client
        if client is not None:
            try:
                with trio.fail_after(self._op_timeout):
                    return await call(client)
            except ResponseError as exc:
                if any(text in str(exc) for text in _CALLER_ERRORS):
                    raise ValueError(str(exc)) from exc
                self._lose(client, exc)
            except Exception as exc:  # any server/transport failure: fall back
                self._lose(client, exc)
        self.counters.fallback_ops += 1
        return _FALLBACK

    async def ping(self) -> bool:
        client = self._client
        if client is None:
            return False
        try:
            with trio.fail_after(self._op_timeout):
                await client.ping()
        except Exception as exc:
            self._lose(client, exc)
            return False
        return True

    # -- data ------------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        result = await self._call(lambda c: c.get(self._key(key)))
        if result is _FALLBACK:
            return await self._fallback.get(key)
        return result

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        result = await self._call(lambda c: c.mget([self._key(k) for k in keys]))
        if result is _FALLBACK:
            return await self._fallback.get_many(keys)
        return list(result)

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        check_ttl(ttl)
        k = self._key(key)
        if ttl is None:
            result: bool | _Fallback = await self._call(lambda c: c.set(k, value))
        else:
            result = await self._call(lambda c: c.set(k, value, px=ttl_ms(ttl)))
        if result is _FALLBACK:
            await self._fallback.set(key, value, ttl)

    async def delete(self, key: str) -> bool:
        result = await self._call(lambda c: c.delete([self._key(key)]))
        if result is _FALLBACK:
            return await self._fallback.delete(key)
        return result > 0

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        k = self._key(key)

        async def pipelined(c: Client) -> int:
            # One round trip: INCRBY, then PEXPIRE NX (only a key without expiry
            # gets one, so a rate window is not extended), atomic in MULTI/EXEC.
            async with c.pipeline(transaction=True) as pipe:
                total = pipe.incrby(k, amount)
                if ttl is not None:
                    pipe.pexpire(k, ttl_ms(ttl), PureToken.NX)
            return await total

        result = await self._call(pipelined)
        if result is _FALLBACK:
            return await self._fallback.incr(key, amount, ttl)
        return result

    async def update(self, key: str, fn: UpdateFn, ttl: float | None = None) -> bytes | None:
        """Optimistic read-modify-write: GET, ``fn``, then a compare-and-set
        script that writes only if the value is unchanged (two round trips). On
        conflict the script returns the winner's value and ``fn`` runs again on it.
        Updaters of one key in this process queue on a per-key lock, so conflicts
        only come from other processes."""
        check_ttl(ttl)
        k = self._key(key)
        async with self._locks.hold(key):
            current = await self._call(lambda c: c.get(k))
            for _ in range(self._max_update_attempts):
                if current is _FALLBACK:
                    break
                new = fn(current)
                cas = self._cas
                if cas is None:
                    break
                args = cas_args(current, new, ttl)
                reply = await self._call(partial(_run_cas, cas, k, args))
                if reply is _FALLBACK:
                    break
                written, winner = cas_outcome(reply)
                if written:
                    return new
                # Another process wrote in between: run fn again on what it wrote.
                current = winner
                await trio.lowlevel.checkpoint()
            else:
                raise StateConflictError(f"update of {key!r} kept conflicting")
        return await self._fallback.update(key, fn, ttl)

    # -- pub/sub -----------------------------------------------------------------

    async def publish(self, channel: str, message: bytes) -> None:
        result = await self._call(lambda c: c.publish(self._key(channel), message))
        if result is _FALLBACK:
            # Redis is down: deliver to this process's subscribers at least.
            await self._fallback.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[LocalSubscription]:
        """A local bounded subscription fed by a relay task (in :meth:`run`'s
        nursery) that re-subscribes in Redis whenever the store comes back up;
        while down, it receives what this process publishes."""
        async with self._fallback.broker.subscribe(channel) as sub:
            nursery = self._nursery
            cancel_scope = trio.CancelScope()
            if nursery is not None:
                await nursery.start(self._relay, channel, sub, cancel_scope)
            try:
                yield sub
            finally:
                cancel_scope.cancel()

    async def _relay(
        self,
        channel: str,
        sub: LocalSubscription,
        cancel_scope: trio.CancelScope,
        *,
        task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
    ) -> None:
        started = False
        with cancel_scope:
            while True:
                client = self._client
                if client is None:
                    if not started:
                        task_status.started()
                        started = True
                    await self._up.wait()
                    continue
                try:
                    async with client.pubsub(
                        channels=[self._key(channel)],
                        ignore_subscribe_messages=True,
                        retry_policy=NoRetryPolicy(),
                        subscription_timeout=self._op_timeout,
                    ) as pubsub:
                        if not started:
                            task_status.started()
                            started = True
                        async for message in pubsub:
                            if message["type"] == "message":
                                data = message["data"]
                                sub.push(data if isinstance(data, bytes) else str(data).encode())
                except* trio.Cancelled:
                    raise  # unsubscribing (or shutdown) wins over cleanup errors
                except* Exception as group:
                    self._lose(client, _leaf(group))
                if not started:
                    task_status.started()
                    started = True
                # Do not spin if the subscription fails while commands still work.
                await trio.sleep(self._backoff_initial)
