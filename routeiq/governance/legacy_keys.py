"""Delete the shared counters' Redis keys of older layouts, once, in the background.

The counters moved from a hash per principal (``<prefix>gov:<ns>``, with sorted
sets beside it) to ``<prefix>gov:v2:<ns>`` strings and then to the packed
``<prefix>gov:v3:<ns>`` layout (``governance/scripts.py``). The older keys were left
alone (their spend comes back from the database's totals), and without a TTL some of
them lingered for ever. After each process's first connection, :func:`sweep` walks
``<prefix>gov:*`` with ``SCAN ... COUNT`` (never ``KEYS``, which blocks Redis for the
whole keyspace) and ``UNLINK``s (freed by Redis off its main thread) every key not of
the current layout: a batch per round trip, each under a deadline, a checkpoint
between batches, at most ``limit`` keys looked at. It runs in the counters' own
nursery, never on a request's path; an error ends it quietly (the next start tries
again), and several processes sweeping at once only repeat each other's deletes.
"""

from __future__ import annotations

import logging
from typing import Any

import trio

log = logging.getLogger("routeiq.governance")

CURRENT = "v3:"  # the layout in use: <prefix>gov:v3:<ns>


def glob_escape(text: str) -> str:
    """``text`` matched literally in a Redis ``MATCH`` pattern."""
    out = []
    for ch in text:
        if ch in "*?[]\\":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def is_legacy(key: bytes | str, prefix: str) -> bool:
    """A key of an older layout: under ``<prefix>gov:`` but not ``<prefix>gov:v3:``."""
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    base = prefix + "gov:"
    return text.startswith(base) and not text.startswith(base + CURRENT)


async def sweep(
    client: Any,
    prefix: str,
    *,
    count: int = 500,
    limit: int = 1_000_000,
    op_timeout: float = 1.0,
    pause: float = 0.0,
) -> int:
    """Unlink the older layouts' keys under ``prefix`` (see the module docstring);
    returns how many were deleted. ``client`` is a connected coredis client."""
    pattern = glob_escape(prefix) + "gov:*"
    cursor, seen, deleted = 0, 0, 0
    while True:
        with trio.fail_after(op_timeout):
            cursor, keys = await client.scan(cursor, match=pattern, count=count)
        seen += len(keys)
        old = [k for k in keys if is_legacy(k, prefix)]
        if old:
            with trio.fail_after(op_timeout):
                deleted += int(await client.unlink(old))
        if not cursor or seen >= limit:
            return deleted
        await trio.sleep(pause)


async def sweep_quietly(client: Any, prefix: str, done: list[bool]) -> None:
    """:func:`sweep`, logged; sets ``done[0]`` when it completed."""
    try:
        deleted = await sweep(client, prefix)
    except trio.Cancelled:
        raise
    except Exception as exc:  # Redis went away, a timeout: the next start tries again
        log.info("governance: the sweep of older Redis keys stopped: %s", exc)
        return
    done[0] = True
    if deleted:
        log.info("governance: deleted %d Redis keys of older counter layouts", deleted)
