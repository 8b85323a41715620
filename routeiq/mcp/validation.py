"""Tool arguments checked against input schemas without holding the event loop.

The first ``tools/call`` used to import jsonschema (0.25 s) and compile the
tool's schema on the loop: the 140 ms stall of the conformance run. Here a
schema is compiled in a worker thread, ahead of time when a server's listing
arrives (:meth:`ArgumentChecker.warm`) or on the first call of a tool that is
not warm yet. Checking arguments against a small schema takes microseconds and
runs inline; a schema larger than ``inline_bytes`` (its JSON) is checked in a
worker thread too.
"""

from __future__ import annotations

from typing import Any

import orjson
import trio

from routeiq.mcp.catalog import Catalog, Entry, compile_validator, schema_errors


class ArgumentChecker:
    """See the module docstring."""

    def __init__(self, catalog: Catalog, inline_bytes: int = 16 * 1024) -> None:
        self.catalog = catalog
        self.inline_bytes = inline_bytes
        self.limiter = trio.CapacityLimiter(1)
        self._large: dict[str, bool] = {}

    async def _compile(self, entry: Entry) -> Any:
        def build() -> tuple[Any, bool]:
            schema = entry.definition.get("inputSchema") or {}
            return compile_validator(entry.definition), len(
                orjson.dumps(schema)
            ) > self.inline_bytes

        validator, large = await trio.to_thread.run_sync(build, limiter=self.limiter)
        self.catalog.set_validator(entry, validator)
        self._large[entry.name] = large
        if len(self._large) > 4 * max(len(self.catalog), 1024):
            self._large.clear()  # names of tools long gone; recomputed on use
        return validator

    async def warm(self, entries: list[Entry]) -> None:
        """Compile the validators of ``entries`` (in a worker thread, one at a time)."""
        for entry in entries:
            if self.catalog.validator(entry) is None and self.catalog.tool(entry.name) is entry:
                await self._compile(entry)

    async def errors(self, entry: Entry, arguments: dict[str, Any]) -> list[str]:
        """Why ``arguments`` do not match ``entry``'s input schema (empty: they do)."""
        validator = self.catalog.validator(entry)
        if validator is None or entry.name not in self._large:
            validator = await self._compile(entry)
        if validator is False:
            return []
        if self._large.get(entry.name):
            return await trio.to_thread.run_sync(schema_errors, validator, arguments)
        return schema_errors(validator, arguments)
