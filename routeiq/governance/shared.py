"""Limits and budgets shared by every gateway process and host through Redis.

One Lua script per request (``ADMIT``, ``routeiq.governance.scripts``) reads and
updates the counters of every rule that binds it (key, team, user, customer) in
one round trip, on Redis's own clock, with exactly the arithmetic of
:class:`~routeiq.governance.ledger.Ledger`: all rules admit or nothing is
counted. Settlements (after the response) are summed per principal without I/O
(``routeiq.governance.settle_queue``); the next admission of a principal carries
its sum inside its own argument (so a sequential client sees its previous request
settled, at no extra Redis call), and a flusher sends the others in one ``SETTLE``
call per ``flush_delay``, off every request's round trip.

The admission command is assembled from bytes encoded when each record was
loaded (:meth:`SharedCounters.prepare`) and sent on a lean pipelined connection
(``routeiq.governance.resp``).

Outage: any Redis error marks it down; requests are then admitted by a
per-process :class:`~routeiq.governance.ledger.Ledger` (each process then allows
up to the whole limit), and a probe reconnects with capped, jittered backoff.
Spend settled locally during the outage is added to Redis when it is back
(reconciliation); window counts of the outage are not (they expire anyway).
"""

from __future__ import annotations

import logging
import math
import random
import struct
import time
from collections.abc import Callable
from typing import Any

import trio
from coredis.exceptions import NoScriptError

from routeiq.governance.ledger import MINUTE, Decision, Denial, Ledger, Meter, Rule, Ticket
from routeiq.governance.legacy_keys import sweep_quietly
from routeiq.governance.resp import RespConnection, RespError, address
from routeiq.governance.scripts import (
    ADMIT,
    ADMIT_SHA,
    CLOCK,
    HEAD,
    KINDS,
    METERS,
    RECONCILE,
    REPLY,
    SETTLE,
    SETTLE_SHA,
    bulk,
    command_head,
    header_spend,
)
from routeiq.governance.settle_queue import SettleQueue, Sum, Wire, wire
from routeiq.governance.window import wait_for
from routeiq.state.backoff import next_delay

log = logging.getLogger("routeiq.governance")

FLUSH_AT = 64  # principals with queued sums that make the flusher send at once
FLUSH_BATCH = 512  # principals one flush sends at most
_HEAD_BULK = b"$%d\r\n" % HEAD.size
# HEAD as its RESP bulk string, packed in one call: the bulk's header, HEAD, CRLF.
_HEAD_ARG = struct.Struct(f"<{len(_HEAD_BULK)}s{HEAD.format.lstrip('<')}2s")
_MEMBER_SEQ = 1 << 22  # log members: a random 24-bit process tag, then a 22-bit sequence


class SharedCounters:
    """See the module docstring; tickets admitted by the local ledger carry ``shared=False``."""

    name = "redis"

    def __init__(
        self,
        url: str,
        prefix: str,
        *,
        reserve: bool = True,
        op_timeout: float = 0.25,
        backoff_initial: float = 0.1,
        backoff_cap: float = 5.0,
        flush_delay: float = 0.01,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.url = url
        # v3: the packed layout of routeiq.governance.scripts, the header holding its
        # newest rpm times (the hashes of the first layout and the v2 headers are
        # deleted in the background after the first connection, legacy_keys.py; their
        # spend comes back from the database's totals).
        self.prefix = prefix + "gov:v3:"
        self.key_prefix = prefix
        # The older layouts' keys are deleted once, after the first connection
        # (routeiq.governance.legacy_keys); [True] when that sweep completed.
        self.swept = [False]
        #: Redis-side time for the scripts (tests inject exact times); None: Redis TIME.
        self.clock = clock
        self.reserve = reserve
        self.op_timeout = op_timeout
        self.backoff = (backoff_initial, backoff_cap)
        self.local = Ledger(reserve=reserve)
        self._client: Any = None
        # The admission call's own lean connection (routeiq.governance.resp), beside
        # coredis's; None for URLs it does not speak (TLS, unix sockets).
        self._fast: RespConnection | None = None
        self._wires: dict[str, Wire] = {}  # ns -> the current rule's wire form
        self._heads: dict[tuple[str, int, int], bytes] = {}
        self._pending = SettleQueue()
        self._member = random.getrandbits(24) * _MEMBER_SEQ
        self._seq = 0
        self.flush_delay = flush_delay
        self._lost = trio.Event()
        #: spend settled by the local ledger while Redis was down: ns -> USD
        self.outage_spend: dict[str, float] = {}
        self.downs = 0

    @property
    def up(self) -> bool:
        return self._client is not None

    # -- wire forms, built off the hot path ---------------------------------------------

    def _wire(self, rule: Rule) -> Wire:
        w = self._wires.get(rule.ns)
        if w is None or w.rule is not rule:  # a record not prepared (or just changed)
            w = self._wires[rule.ns] = wire(self.prefix, rule)
        return w

    def prepare(self, rule: Rule) -> None:
        """Encode ``rule``'s key and argument now (its record was loaded)."""
        self._wires[rule.ns] = wire(self.prefix, rule)

    def forget(self, ns: str) -> None:
        self._wires.pop(ns, None)
        self.local.forget(ns)

    def _head(self, sha: str, nkeys: int, nargs: int) -> bytes:
        head = self._heads.get((sha, nkeys, nargs))
        if head is None:
            head = self._heads[(sha, nkeys, nargs)] = command_head(sha, nkeys, nargs)
        return head

    def prepare_rules(self, rules: tuple[Rule, ...]) -> tuple[bytes, ...]:
        """``rules``' admission command but its HEAD, in pieces: ``EVALSHA ADMIT_SHA n``,
        each key, each RULE (kept in its key's binding; the pieces are the wires', not
        copies: ~100 bytes a key)."""
        wires = [self._wire(r) for r in rules]
        prefix = self._head(ADMIT_SHA, len(rules), len(rules) + 1)
        return (prefix, *(w.key for w in wires), *(w.arg for w in wires))

    # -- the hot path -------------------------------------------------------------------

    def _lose(self, exc: BaseException) -> None:
        if self._client is not None:
            log.warning("governance: redis down (%r); counting limits per process", exc)
            self.downs += 1
        self._client = None
        self._fast = None
        self._lost.set()

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, prepared: Any = None
    ) -> tuple[Decision, Ticket | None]:
        client = self._client
        if client is not None:
            # The command: EVALSHA sha n key.. RULE.. HEAD: the pieces before HEAD encoded
            # when the key's binding was made (prepare_rules), a principal's RULE +
            # SETTLE_PART instead where its queued settlements ride along.
            pieces = prepared if prepared is not None else self.prepare_rules(rules)
            self._seq += 1
            head_arg = _HEAD_ARG.pack(
                _HEAD_BULK,
                -1.0 if self.clock is None else self.clock(),
                len(rules),
                self.reserve,  # a bool packs as 0 or 1
                tokens,
                max_cost,
                self._member + self._seq % _MEMBER_SEQ,
                b"\r\n",
            )
            carried: list[Sum] | None = None
            pending = self._pending
            sums = pending.sums
            if sums:
                for r in rules:
                    if (item := sums.pop(id(r), None)) is not None:
                        if carried is None:
                            carried = [item]
                        else:
                            carried.append(item)
            if carried is None:
                data = b"".join((*pieces, head_arg))
            else:
                with_sums = list(pieces)
                at = {id(item.wire.rule): item for item in carried}
                for i, r in enumerate(rules, 1 + len(rules)):
                    if (item := at.get(id(r))) is not None:
                        with_sums[i] = bulk(item.raw())
                data = b"".join((*with_sums, head_arg))
            fast = self._fast
            try:
                if fast is not None:  # its wait is bounded by RespConnection.watch
                    out = await fast.call_encoded(data)
                    if isinstance(out, RespError):
                        if not str(out).startswith("NOSCRIPT"):
                            raise out
                        with trio.fail_after(self.op_timeout):
                            out = await self._eval(client, ADMIT, rules, head_arg, carried)
                else:
                    with trio.fail_after(self.op_timeout):
                        out = await self._eval(client, ADMIT, rules, head_arg, carried)
            except trio.Cancelled:
                # Sent (the connection still stands): Redis applies it. Else not
                # known to be: queued again.
                if carried and (fast is None or fast.broken):
                    pending.give_back(carried, trio.current_time())
                raise
            except Exception as exc:
                self._lose(exc)
                for item in carried or ():  # not known to be applied: counted locally
                    self._note_outage(item)
            else:
                if carried and out[0] == 0:
                    # Refused: the script wrote nothing, so the sums it applied to
                    # decide are still to be sent.
                    pending.give_back(carried, trio.current_time())
                return self._decode(rules, tokens, max_cost, out)
        decision, ticket = self.local.admit(
            rules, trio.current_time(), time.time(), tokens, max_cost
        )
        return decision, ticket

    def _decode(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, out: bytes
    ) -> tuple[Decision, Ticket | None]:
        admitted, kind, index, a, b, c, d, e, f = REPLY.unpack_from(out)
        if admitted:
            decision = Decision(
                None,
                Meter(int(a), int(b), c) if a >= 0 else None,
                Meter(int(d), int(e), f) if d >= 0 else None,
            )
            return decision, Ticket(rules, tokens, max_cost if self.reserve else 0.0, True)
        name = KINDS[kind]
        rule = rules[index - 1]
        # a: the limit; b: the rpm wait or tpm previous; c: tpm current; d: elapsed;
        # e: spend + reserved.
        if name == "rpm":
            wait = b if b < 1e299 else float("inf")
        elif name == "tpm":
            wait = wait_for(MINUTE, d, b, c, a, tokens)
        else:
            wait = 1.0 if name == "parallel" else float("inf")
        decision = Decision(Denial(name, rule.ns, a, wait, e))
        if name == "rpm":
            decision.requests = Meter(int(a), 0, wait if wait < MINUTE else MINUTE)
        elif name == "tpm":  # as the memory ledger's: what the sliding estimate leaves
            est = b * (1.0 - d / MINUTE) + c
            decision.tokens = Meter(int(a), max(0, math.floor(a - est)), wait)
        elif len(out) >= REPLY.size + METERS.size:  # parallel, budget: every rule's meters
            rl, rleft, rreset, tl, tleft, treset = METERS.unpack_from(out, REPLY.size)
            if rl >= 0:
                decision.requests = Meter(int(rl), int(rleft), rreset)
            if tl >= 0:
                decision.tokens = Meter(int(tl), int(tleft), treset)
        return decision, None

    async def _eval(
        self,
        client: Any,
        script: str,
        rules: tuple[Rule, ...],
        head_arg: bytes | None,
        carried: list[Sum] | None,
    ) -> Any:
        """The same call through coredis (URLs the lean connection does not speak, and
        loading the script again when Redis forgot it). (coredis's Script wrapper
        cost ~80 us more per call here.) An admission: ``rules``, each with its sum
        in ``carried`` if any; a settlement (``head_arg`` None): the sums in ``carried``."""
        carried = carried or []
        if head_arg is not None:
            sha = ADMIT_SHA
            sums = {id(item.wire.rule): item for item in carried}
            keys = [self._wire(r).name for r in rules]
            args = []
            for r in rules:
                item = sums.get(id(r))
                args.append(item.raw() if item is not None else self._wire(r).raw)
            args.append(head_arg[len(_HEAD_BULK) : -2])  # HEAD itself, out of its RESP bulk
        else:
            sha = SETTLE_SHA
            keys = [item.wire.name for item in carried]
            args = [self._clock_arg()] + [item.raw() for item in carried]
        try:
            return await client.evalsha(sha, keys=keys, args=args)
        except NoScriptError:
            await client.script_load(script)
            return await client.evalsha(sha, keys=keys, args=args)

    # -- after the response ----------------------------------------------------------------

    def settle(self, ticket: Ticket, tokens: int, cost: float) -> None:
        """Settle a ticket without I/O: a local one at once; a shared one is added to
        its principals' sums, carried by the next admission of each, or sent by the
        flusher within ``flush_delay``."""
        if ticket.settled:
            return
        if not ticket.shared:
            self.local.settle(ticket, trio.current_time(), time.time(), tokens, cost)
            self._note_local(ticket, cost)
            return
        ticket.settled = True
        if self._client is None:  # Redis is down: its spend is added when it is back
            self._note_local(ticket, cost)
            return
        now = trio.current_time()
        delta, reserved = tokens - ticket.tokens, ticket.reserved
        add = self._pending.add
        for r in ticket.rules:
            # The rule as admitted (a record changed since keeps its old wire form here).
            w = self._wires.get(r.ns)
            if w is None or w.rule is not r:
                w = wire(self.prefix, r)
            add(w, delta, reserved, cost, now)

    async def _flush(self) -> None:
        """Send the queued sums no admission carried."""
        client = self._client
        if client is None or not self._pending:
            return
        carried = self._pending.take_batch(FLUSH_BATCH, trio.current_time())
        fast = self._fast
        try:
            with trio.fail_after(self.op_timeout * 4):
                out: Any = None
                if fast is not None:
                    parts = [self._head(SETTLE_SHA, len(carried), len(carried) + 1)]
                    parts += [item.wire.key for item in carried]
                    parts.append(bulk(self._clock_arg()))
                    parts += [bulk(item.raw()) for item in carried]
                    out = await fast.call_encoded(b"".join(parts))
                if fast is None or isinstance(out, RespError):
                    if isinstance(out, RespError) and not str(out).startswith("NOSCRIPT"):
                        raise out
                    await self._eval(client, SETTLE, (), None, carried)
        except trio.Cancelled:
            if fast is None or fast.broken:
                self._pending.give_back(carried, trio.current_time())
            raise
        except Exception as exc:
            self._lose(exc)
            for item in carried:
                self._note_outage(item)

    async def _flusher(self) -> None:
        """Sends the sums no admission carried, ``flush_delay`` after the oldest was
        queued (at once when more than FLUSH_AT principals wait)."""
        pending = self._pending
        while True:
            await trio.sleep(self.flush_delay / 2)
            if pending.sums and (
                len(pending) > FLUSH_AT or trio.current_time() - pending.since >= self.flush_delay
            ):
                await self._flush()

    def _clock_arg(self) -> bytes:
        return CLOCK.pack(-1.0 if self.clock is None else self.clock())

    def _note_local(self, ticket: Ticket, cost: float) -> None:
        if cost > 0:
            for r in ticket.rules:
                if r.max_budget is not None:
                    self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + cost

    def _note_outage(self, item: Sum) -> None:
        r = item.wire.rule
        if item.cost > 0 and r.max_budget is not None:
            self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + item.cost

    def spend(self, rule: Rule) -> tuple[float, float]:
        return self.local.spend(rule, time.time())

    async def read_spend(self, rule: Rule) -> float | None:
        """The spend Redis holds for ``rule`` (``None``: unknown or down)."""
        client = self._client
        if client is None:
            return None
        try:
            with trio.fail_after(self.op_timeout):
                raw = await client.get(self.prefix + rule.ns)
        except trio.Cancelled:
            raise
        except Exception as exc:
            self._lose(exc)
            return None
        return header_spend(raw)

    async def _reconcile(self, client: Any) -> None:
        pending, self.outage_spend = self.outage_spend, {}
        script = client.register_script(RECONCILE)
        for ns, usd in pending.items():
            with trio.fail_after(self.op_timeout * 4):
                await script(keys=[self.prefix + ns], args=[repr(usd)], client=client)
        if pending:
            log.info("governance: redis back; added outage spend of %d principals", len(pending))

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Own the connection: connect, serve until an error, probe with backoff; forever."""
        import coredis
        from coredis.retry import NoRetryPolicy

        rng = random.Random()
        attempt = 0
        started = False
        while True:
            client: Any = coredis.Redis.from_url(
                self.url, connect_timeout=self.op_timeout, retry_policy=NoRetryPolicy()
            )
            try:
                async with client:
                    with trio.fail_after(self.op_timeout * 4):
                        await client.ping()
                        await self._reconcile(client)
                    with trio.fail_after(self.op_timeout * 4):
                        await client.script_load(ADMIT)
                        await client.script_load(SETTLE)
                    addr = address(self.url)
                    fast = None
                    if addr is not None:
                        with trio.fail_after(self.op_timeout * 4):
                            fast = await RespConnection.open(addr)
                    self._lost = lost = trio.Event()
                    try:
                        async with trio.open_nursery() as flushing:
                            if fast is not None and addr is not None:
                                await flushing.start(fast.run)
                                flushing.start_soon(fast.watch, self.op_timeout)
                                with trio.fail_after(self.op_timeout * 4):
                                    await fast.hello(addr)
                            self._fast = fast
                            self._client = client
                            attempt = 0
                            if not started:
                                task_status.started()
                                started = True
                            flushing.start_soon(self._flusher)
                            if not self.swept[0]:
                                flushing.start_soon(
                                    sweep_quietly, client, self.key_prefix, self.swept
                                )
                            await lost.wait()
                            flushing.cancel_scope.cancel()
                    finally:
                        self._fast = None
                        if fast is not None:
                            with trio.CancelScope(shield=True):
                                await fast.aclose()
            except* trio.Cancelled:
                raise
            except* Exception as group:
                self._lose(group.exceptions[0])
            self._client = None
            if not started:
                task_status.started()
                started = True
            await trio.sleep(next_delay(attempt, *self.backoff, rng))
            attempt += 1
