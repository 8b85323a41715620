"""Parse and check a JSON request body: on the loop when small, in a thread when big.

``check`` is the surface's validation (``validate_chat`` and the like): it walks
every message and part, so for a big body it runs in the same thread hop as the
parse. Both paths raise the same errors with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from routeiq import jsonrpc as rpc
from routeiq.api.validate import Limits, parse_big_object, parse_json_object
from routeiq.asgi.offload import SMALL_BODY_BYTES, run_big

T = TypeVar("T")


async def parse_checked(
    body: bytes, limits: Limits, check: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T]:
    """The body as a JSON object and what ``check`` made of it."""
    if len(body) <= SMALL_BODY_BYTES:
        obj = parse_json_object(body, limits)
        return obj, check(obj)

    def work() -> tuple[dict[str, Any], T]:
        obj = parse_big_object(body, limits)
        return obj, check(obj)

    return await run_big(work)


def unchecked(_: dict[str, Any]) -> None:
    return None


async def parse_rpc(body: bytes, max_batch: int) -> rpc.Batch:
    """A JSON-RPC body (MCP, A2A): parsed on the loop when small, in pieces in
    the worker thread when big; the same errors either way."""
    if len(body) <= SMALL_BODY_BYTES:
        return rpc.parse(body, max_batch=max_batch)
    return await run_big(partial(rpc.parse, body, max_batch=max_batch, big=True))
