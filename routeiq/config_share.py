"""Runtime model edits and reloads shared by every gateway process on one state store.

With ``routeiq.state.backend: redis`` several processes (``--workers N``, several
hosts) serve one config. A ``/model/new|update|delete`` or ``/config/reload`` on any
of them is stored under ``cfg:models`` (the runtime edits: ``{"runtime": {id: entry},
"deleted": [...]}``) and announced on ``config.models``; every other process applies
it with its own reload, and a process that starts later applies the stored edits at
start-up. Before an edit a process first takes in the stored state, so edits made
elsewhere are not lost (two edits racing within one round trip: the last one wins).
With the memory backend this is one process and the messages go nowhere.

(When the SQLite/PostgreSQL store lands, the runtime models belong in it: durable,
and read at start-up; this module then only announces changes.)
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

import orjson
import trio

from routeiq.state.base import StateStore

if TYPE_CHECKING:
    from routeiq.reload import Reloader

log = logging.getLogger("routeiq.reload")

KEY = "cfg:models"
CHANNEL = "config.models"


class SharedModels:
    """Publishes this process's runtime edits and applies the others' (see above)."""

    def __init__(self, reloader: Reloader, store: StateStore) -> None:
        self.reloader = reloader
        self.store = store
        self.instance = uuid.uuid4().hex[:12].encode()
        self.applied = 0  # edits from other processes applied (for tests and logs)

    def _state(self) -> bytes:
        r = self.reloader
        return orjson.dumps({"runtime": r.runtime, "deleted": sorted(r.deleted)})

    def _take(self, raw: bytes) -> bool:
        """Adopt a stored state; True if it differs from ours."""
        try:
            doc: Any = orjson.loads(raw)
            runtime = dict(doc["runtime"])
            deleted = {str(x) for x in doc["deleted"]}
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            log.warning("ignoring a malformed %s value", KEY)
            return False
        r = self.reloader
        if runtime == r.runtime and deleted == r.deleted:
            return False
        r.runtime, r.deleted = runtime, deleted
        return True

    async def sync(self) -> None:
        """Take in the stored edits before making one here."""
        raw = await self.store.get(KEY)
        if raw is not None and self._take(raw):
            await self.reloader.reload(from_file=False)

    async def publish(self, *, file_reload: bool = False) -> None:
        state = self._state()
        await self.store.set(KEY, state)
        kind = b"file" if file_reload else b"models"
        await self.store.publish(CHANNEL, self.instance + b"|" + kind + b"\n" + state)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Apply the stored edits, then every announced one, until cancelled."""
        async with self.store.subscribe(CHANNEL) as messages:
            raw = await self.store.get(KEY)
            if raw is not None and self._take(raw):
                result = await self.reloader.reload(from_file=False)
                if not result.ok:
                    log.warning("stored runtime models rejected: %s", result.errors)
            task_status.started()
            async for message in messages:
                head, _, state = message.partition(b"\n")
                sender, _, kind = head.partition(b"|")
                if sender == self.instance:
                    continue
                changed = self._take(state)
                if kind == b"file" or changed:
                    result = await self.reloader.reload(from_file=kind == b"file")
                    self.applied += 1
                    if not result.ok:
                        log.warning("announced config change rejected here: %s", result.errors)
