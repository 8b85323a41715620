"""Runtime model edits and reloads shared by every gateway process on one state store.

With ``routeiq.state.backend: redis`` several processes (``--workers N``, several
hosts) serve one config. A ``/model/new|update|delete`` or ``/config/reload`` on any
of them is stored under ``cfg:models`` (the runtime edits: ``{"runtime": {id: entry},
"deleted": [...]}``) and announced on ``config.models``; every other process applies
it with its own reload, and a process that starts later applies the stored edits at
start-up. Before an edit a process first takes in the stored state, so edits made
elsewhere are not lost (two edits racing within one round trip: the last one wins).
With the memory backend this is one process and the messages go nowhere.

When the gateway has its key database (``routeiq.db``: SQLite, or PostgreSQL with
``database_url``), the edits are also written there (record ``config/models``) and read
from there at start-up: they survive a restart of every gateway and of Redis. A
database that cannot be written is logged; the edit still applies and is shared.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

import orjson
import trio
from pydantic import ValidationError

from routeiq.state.base import StateStore

if TYPE_CHECKING:
    from routeiq.db import Database
    from routeiq.reload import Reloader

log = logging.getLogger("routeiq.reload")

KEY = "cfg:models"
CHANNEL = "config.models"
DB_KIND, DB_ID = "config", "models"  # the record in the key database


def _loadable(dep_id: str, entry: Any) -> bool:
    """Whether a stored entry passes this gateway's checks of one model entry. One an
    older gateway stored and this one refuses (an ``api_base`` DNS cannot carry, say)
    is skipped with a warning, not allowed to make the whole stored set fail to load
    (which also made every later ``/model/new`` fail on that entry's error)."""
    from routeiq.config import ModelEntry

    try:
        ModelEntry.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        log.warning("stored runtime model %s skipped: %s: %s", dep_id, where, first["msg"])
        return False
    return True


class SharedModels:
    """Publishes this process's runtime edits and applies the others' (see above)."""

    def __init__(self, reloader: Reloader, store: StateStore, db: Database | None = None) -> None:
        self.reloader = reloader
        self.store = store
        self.db = db
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
        runtime = {k: v for k, v in runtime.items() if _loadable(k, v)}
        r = self.reloader
        if runtime == r.runtime and deleted == r.deleted:
            return False
        r.runtime, r.deleted = runtime, deleted
        return True

    async def _stored(self, *, starting: bool = False) -> bytes | None:
        """The stored edits: the database's when there is one (durable), else the state
        store's. At start-up a local SQLite file is read on the loop (milliseconds)."""
        if self.db is not None:
            blocking = starting and self.db.name == "sqlite"
            row = await self.db.get(DB_KIND, DB_ID, blocking=blocking)
            if row is not None and row.data is not None:
                return orjson.dumps(row.data)
        return await self.store.get(KEY)

    async def sync(self) -> None:
        """Take in the stored edits before making one here."""
        raw = await self._stored()
        if raw is not None and self._take(raw):
            await self.reloader.reload(from_file=False)

    async def publish(self, *, file_reload: bool = False) -> None:
        state = self._state()
        if self.db is not None:
            try:
                await self.db.put(DB_KIND, DB_ID, orjson.loads(state))
            except Exception as exc:  # the edit is applied and shared all the same
                log.warning("runtime models not written to the %s database: %s", self.db.name, exc)
        await self.store.set(KEY, state)
        kind = b"file" if file_reload else b"models"
        await self.store.publish(CHANNEL, self.instance + b"|" + kind + b"\n" + state)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Apply the stored edits, then every announced one, until cancelled."""
        async with self.store.subscribe(CHANNEL) as messages:
            raw = await self._stored(starting=True)
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
