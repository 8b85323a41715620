"""Admin-API registrations shared by every gateway process on one state store.

The A2A and MCP registries start from the YAML; the admin API then adds,
replaces and removes entries at run time. With several processes (``--workers``
or several hosts on Redis) a registration made through one process must reach
the others. :class:`RegistrySync` does that with the state store:

- every admin change is written to ``<name>:registry`` (one JSON object:
  entry name -> spec, or ``null`` for a removal, so a removed YAML entry stays
  removed) and published on the ``<name>:registry`` channel;
- :meth:`RegistrySync.run` (lifespan nursery) subscribes, then applies the
  stored changes (a process that starts later catches up), then applies every
  change another process publishes. A change that fails here (for instance the
  SSRF check, which each process runs again) is logged and skipped.

The stored object holds one entry per name ever registered through the admin
API, so it is bounded by what operators register. With the memory backend
there is one process and this is a no-op beyond bookkeeping.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import orjson
import trio
from pydantic import BaseModel, ValidationError

from routeiq.errors import RouteIQError
from routeiq.state.base import StateStore

log = logging.getLogger("routeiq.registry")

S = TypeVar("S", bound=BaseModel)


class RegistrySync(Generic[S]):
    """See the module docstring."""

    def __init__(
        self,
        store: StateStore,
        name: str,
        model: type[S],
        add: Callable[[S], Awaitable[None]],
        remove: Callable[[str], None],
    ) -> None:
        self.store = store
        self.key = f"{name}:registry"
        self.model = model
        self._add = add
        self._remove = remove
        self.origin = secrets.token_hex(8)
        self.applied = 0

    async def record_add(self, spec: S) -> None:
        """Share an admin registration (after it succeeded here)."""
        entry_name: str = getattr(spec, "name")  # noqa: B009 (every spec model has a name)
        await self._record(entry_name, spec.model_dump(mode="json"))

    async def record_remove(self, entry_name: str) -> None:
        """Share an admin removal (after it succeeded here)."""
        await self._record(entry_name, None)

    async def _record(self, entry_name: str, value: dict[str, Any] | None) -> None:
        def fn(raw: bytes | None) -> bytes:
            current = orjson.loads(raw) if raw else {}
            current[entry_name] = value
            return orjson.dumps(current)

        await self.store.update(self.key, fn)
        message = {"origin": self.origin, "name": entry_name, "spec": value}
        await self.store.publish(self.key, orjson.dumps(message))

    async def _apply(self, entry_name: str, value: Any) -> None:
        try:
            if value is None:
                self._remove(entry_name)
            else:
                await self._add(self.model.model_validate(value))
            self.applied += 1
        except (RouteIQError, ValidationError) as exc:
            log.warning("shared registration of %s not applied here: %s", entry_name, exc)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with self.store.subscribe(self.key) as sub:
            raw = await self.store.get(self.key)
            for entry_name, value in (orjson.loads(raw) if raw else {}).items():
                await self._apply(entry_name, value)
            task_status.started()
            async for data in sub:
                message = orjson.loads(data)
                if message.get("origin") != self.origin:
                    await self._apply(message["name"], message.get("spec"))
