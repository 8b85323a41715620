"""Parse and check a JSON request body: as before when small, off the loop when big.

``check`` is the surface's validation (``validate_chat`` and the like): it walks
every message and part (4.6 ms for 50,000 parts here), so for a big body it runs
in the worker thread after the parse. Both paths raise the same errors with the
same messages (``api/validate``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import orjson

from routeiq import json_pieces
from routeiq import jsonrpc as rpc
from routeiq.api.validate import Limits, as_object, invalid_json, parse_json_object, too_deep
from routeiq.asgi.offload import SMALL_BODY_BYTES, load_big, run_big

T = TypeVar("T")


async def parse_checked(
    body: bytes, limits: Limits, check: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T]:
    """The body as a JSON object and what ``check`` made of it."""
    if len(body) <= SMALL_BODY_BYTES:
        obj = parse_json_object(body, limits)
        return obj, check(obj)
    obj = await parse_big_object(body, limits)
    return obj, await run_big(partial(check, obj))


async def parse_big_object(body: bytes, limits: Limits) -> dict[str, Any]:
    """A big body: the depth checked on the bytes before any object is built,
    then parsed in pieces (``asgi.offload.load_big``); the same errors as
    ``parse_json_object``."""
    try:
        obj = await load_big(body, limits.max_depth)
    except orjson.JSONDecodeError as exc:
        raise invalid_json(exc) from None
    except json_pieces.TooDeep:
        raise too_deep(limits) from None
    return as_object(obj)


def unchecked(_: dict[str, Any]) -> None:
    return None


async def parse_rpc(body: bytes, max_batch: int) -> rpc.Batch:
    """A JSON-RPC body (MCP, A2A), with the same errors for either size."""
    if len(body) <= SMALL_BODY_BYTES:
        return rpc.parse(body, max_batch=max_batch)
    if rpc.has_long_digits(body):  # rare: read again with exact integers, in the thread
        return await run_big(partial(rpc.parse, body, max_batch=max_batch))
    try:
        obj = await load_big(body, rpc.MAX_DEPTH)
    except orjson.JSONDecodeError as exc:
        return rpc.parse_error(exc)
    except json_pieces.TooDeep:
        return rpc.too_deep(rpc.MAX_DEPTH)
    return rpc.from_value(obj, max_batch)
