"""The aggregated tool, prompt and resource catalog of the MCP gateway (I/O-free).

Each upstream server contributes a :class:`Listing`. Tool and prompt names are
namespaced ``<server>__<name>`` so two servers never collide (server names
cannot contain ``_``, so the first ``__`` splits a name back). Resource URIs
are kept as the servers give them, because clients dereference them; when two
servers list the same URI, the server registered first owns it. Resource
templates (``note://alpha/items/{item}``) are kept the same way, and a
``resources/read`` of a URI no server lists goes to the first server (in
registration order) with a template matching it (:mod:`routeiq.mcp.uritemplate`).

The catalog carries a ``version`` that changes only when a server is set
(registered, re-listed after ``notifications/tools/list_changed``) or removed.
The flat lists that ``*/list`` pages through are rebuilt lazily, once per
version, by concatenating the per-server lists (prepared when each server is
set); a page is then a slice: O(page size), independent of the number of
servers. A cursor names the version it was issued for; a cursor from an older
version is refused with :class:`StaleCursor` (clients restart the listing
without a cursor) rather than silently skipping or repeating entries.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from routeiq.mcp.settings import NAMESPACE_SEPARATOR
from routeiq.mcp.uritemplate import compile_template, matches

Kind = Literal["tools", "prompts", "resources", "templates"]
KINDS: tuple[Kind, ...] = ("tools", "prompts", "resources", "templates")


class StaleCursor(ValueError):
    """A cursor from another catalog version, or one this gateway never issued."""


@dataclass(frozen=True, slots=True)
class Listing:
    """What one upstream server offers, as JSON objects in MCP wire form."""

    tools: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Entry:
    """A tool or prompt: its namespaced name, owner and upstream name."""

    name: str
    server: str
    upstream_name: str
    definition: dict[str, Any]


def namespaced(server: str, name: str) -> str:
    return f"{server}{NAMESPACE_SEPARATOR}{name}"


def encode_cursor(version: int, kind: Kind, offset: int) -> str:
    raw = f"{version}.{kind}.{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, version: int, kind: Kind) -> int:
    """The offset a cursor points at; :class:`StaleCursor` if it is not for this listing."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        v, k, o = text.split(".")
        cur_version, offset = int(v), int(o)
    except (ValueError, UnicodeError):
        raise StaleCursor("The cursor is not one this gateway issued") from None
    if k != kind or offset < 0:
        raise StaleCursor(f"The cursor belongs to a {k} listing, not {kind}")
    if cur_version != version:
        raise StaleCursor(
            f"The cursor is from catalog version {cur_version}, but the catalog changed "
            f"(now version {version}); list again without a cursor"
        )
    return offset


class _ServerPart:
    __slots__ = ("patterns", "prompts", "resources", "templates", "tools")

    def __init__(
        self,
        tools: list[Entry],
        prompts: list[Entry],
        resources: list[dict[str, Any]],
        templates: list[dict[str, Any]],
    ):
        self.tools = tools
        self.prompts = prompts
        self.resources = resources
        self.templates = templates
        self.patterns = [compile_template(t["uriTemplate"]) for t in templates]


class Catalog:
    """See the module docstring. Not thread-safe; trio needs no lock (no awaits)."""

    def __init__(self) -> None:
        self.version = 0
        self._parts: dict[str, _ServerPart] = {}
        self._tools: dict[str, Entry] = {}
        self._prompts: dict[str, Entry] = {}
        self._resource_owner: dict[str, str] = {}
        self._flat: dict[Kind, list[dict[str, Any]]] | None = None
        self._validators: dict[str, Any] = {}

    @property
    def servers(self) -> list[str]:
        return list(self._parts)

    def __len__(self) -> int:
        """Tools listed."""
        return len(self._tools)

    def set_server(self, server: str, listing: Listing, disabled_tools: Iterable[str] = ()) -> None:
        """Add or replace everything ``server`` offers (a new version)."""
        self._drop(server)
        disabled = frozenset(disabled_tools)
        tools = [
            _entry(server, t)
            for t in listing.tools
            if isinstance(t.get("name"), str) and t["name"] not in disabled
        ]
        prompts = [_entry(server, p) for p in listing.prompts if isinstance(p.get("name"), str)]
        resources = [r for r in listing.resources if isinstance(r.get("uri"), str)]
        templates = [t for t in listing.templates if isinstance(t.get("uriTemplate"), str)]
        self._parts[server] = _ServerPart(tools, prompts, resources, templates)
        for e in tools:
            self._tools[e.name] = e
        for e in prompts:
            self._prompts[e.name] = e
        for r in resources:
            self._resource_owner.setdefault(r["uri"], server)
        self._bump()

    def remove_server(self, server: str) -> bool:
        """Remove ``server``'s entries; ``True`` (and a new version) if it was present."""
        if server not in self._parts:
            return False
        self._drop(server)
        self._bump()
        return True

    def _drop(self, server: str) -> None:
        part = self._parts.pop(server, None)
        if part is None:
            return
        for e in part.tools:
            self._tools.pop(e.name, None)
            self._validators.pop(e.name, None)
        for e in part.prompts:
            self._prompts.pop(e.name, None)
        for r in part.resources:
            if self._resource_owner.get(r["uri"]) == server:
                del self._resource_owner[r["uri"]]
                # Hand the URI to the next server (registration order) that lists it.
                for name, other in self._parts.items():
                    if any(o["uri"] == r["uri"] for o in other.resources):
                        self._resource_owner[r["uri"]] = name
                        break

    def _bump(self) -> None:
        self.version += 1
        self._flat = None

    def _lists(self) -> dict[Kind, list[dict[str, Any]]]:
        if self._flat is None:
            parts = self._parts.values()
            resources = [
                r
                for p_name, p in self._parts.items()
                for r in p.resources
                if self._resource_owner.get(r["uri"]) == p_name
            ]
            self._flat = {
                "tools": list(
                    itertools.chain.from_iterable([e.definition for e in p.tools] for p in parts)
                ),
                "prompts": list(
                    itertools.chain.from_iterable([e.definition for e in p.prompts] for p in parts)
                ),
                "resources": resources,
                "templates": self._owned_templates(),
            }
        return self._flat

    def _owned_templates(self) -> list[dict[str, Any]]:
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for part in self._parts.values():
            for t in part.templates:
                if t["uriTemplate"] not in seen:  # the first server listing it owns it
                    seen.add(t["uriTemplate"])
                    out.append(t)
        return out

    def page(
        self, kind: Kind, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``kind`` and the cursor of the next page (``None`` at the end)."""
        offset = 0 if cursor is None else decode_cursor(cursor, self.version, kind)
        items = self._lists()[kind]
        end = offset + limit
        nxt = encode_cursor(self.version, kind, end) if end < len(items) else None
        return items[offset:end], nxt

    def tools_of(self, server: str) -> list[Entry]:
        part = self._parts.get(server)
        return list(part.tools) if part is not None else []

    def tool(self, name: str) -> Entry | None:
        return self._tools.get(name)

    def prompt(self, name: str) -> Entry | None:
        return self._prompts.get(name)

    def resource_server(self, uri: str) -> str | None:
        """The server to read ``uri`` from: the one listing it, else the first
        (registration order) with a template that matches it."""
        owner = self._resource_owner.get(uri)
        if owner is not None:
            return owner
        for name, part in self._parts.items():
            if any(matches(p, uri) for p in part.patterns):
                return name
        return None

    def validator(self, entry: Entry) -> Any:
        """The compiled validator of ``entry``'s input schema, ``None`` if not
        compiled yet (``False``: the schema is broken and not enforced)."""
        return self._validators.get(entry.name)

    def set_validator(self, entry: Entry, validator: Any) -> None:
        if self._tools.get(entry.name) is entry:  # not replaced or removed meanwhile
            self._validators[entry.name] = validator

    def argument_errors(self, entry: Entry, arguments: dict[str, Any]) -> list[str]:
        """Why ``arguments`` do not match the tool's input schema (empty: they do).

        Validators are compiled once per tool and version of its definition
        (``routeiq.mcp.validation`` compiles them in a worker thread instead)."""
        validator = self.validator(entry)
        if validator is None:
            validator = compile_validator(entry.definition)
            self.set_validator(entry, validator)
        return schema_errors(validator, arguments)


def compile_validator(definition: dict[str, Any]) -> Any:
    """A validator for a tool's ``inputSchema`` (``False`` if the schema is broken:
    an upstream's broken schema cannot be enforced). Imports jsonschema (0.25 s)
    on first use: call it from a worker thread on the hot path."""
    import jsonschema.exceptions  # type: ignore[import-untyped]
    import jsonschema.validators  # type: ignore[import-untyped]

    schema = definition.get("inputSchema") or {"type": "object"}
    try:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        return cls(schema)
    except jsonschema.exceptions.SchemaError:
        return False


def schema_errors(validator: Any, arguments: dict[str, Any]) -> list[str]:
    """At most five problems of ``arguments`` against ``validator``, as text."""
    if validator is False:
        return []
    out: list[str] = []
    for err in itertools.islice(validator.iter_errors(arguments), 5):
        where = "/".join(str(p) for p in err.absolute_path) or "(arguments)"
        out.append(f"{where}: {err.message}")
    return out


def _entry(server: str, item: dict[str, Any]) -> Entry:
    name = namespaced(server, item["name"])
    return Entry(name, server, item["name"], {**item, "name": name})
