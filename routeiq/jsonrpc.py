"""JSON-RPC 2.0 parsing and responses, shared by the A2A and MCP gateways (I/O-free).

:func:`parse` turns a request body into a :class:`Batch` of messages, each
either a valid :class:`Request` (a call, or a notification when it has no
``id``), a :class:`Response` the peer sent back (MCP clients answer server
requests), or an :class:`Invalid` that already carries its error. Nothing a
client sends makes it raise: malformed input becomes an error object with the
standard code, never an exception and never an HTTP 500.

Codes: the five standard ones below, plus the A2A task codes and this
gateway's own server-defined codes (all in the -32000..-32099 range the
specification reserves for implementations).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from routeiq import json_pieces

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

# A2A protocol codes (a2a-sdk ``a2a.utils.errors``).
TASK_NOT_FOUND = -32001
TASK_NOT_CANCELABLE = -32002
UNSUPPORTED_OPERATION = -32004

# This gateway's codes.
AGENT_NOT_FOUND = -32050
UPSTREAM_UNAVAILABLE = -32051
UPSTREAM_TIMEOUT = -32052
RATE_LIMITED = -32053
UPSTREAM_FORBIDDEN = -32054
STALE_CURSOR = INVALID_PARAMS  # MCP: a cursor from an older catalog version

Id = str | int | None


class RpcError(Exception):
    """An error to return as a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_obj(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


@dataclass(frozen=True, slots=True)
class Request:
    """A valid call. ``is_notification``: it had no ``id`` and gets no response."""

    method: str
    params: dict[str, Any] | list[Any] | None
    id: Id
    is_notification: bool

    def params_dict(self) -> dict[str, Any]:
        """``params`` as an object; positional params are an :data:`INVALID_PARAMS` error."""
        if self.params is None:
            return {}
        if isinstance(self.params, dict):
            return self.params
        raise RpcError(INVALID_PARAMS, "params must be an object")


@dataclass(frozen=True, slots=True)
class Response:
    """A result or error object the peer sent (answers to our own requests)."""

    id: Id
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Invalid:
    """A message that cannot be processed; answer it with ``error``."""

    id: Id
    error: RpcError


Message = Request | Response | Invalid


@dataclass(frozen=True, slots=True)
class Batch:
    """A parsed body. ``is_batch``: the body was an array (answer with an array)."""

    messages: list[Message]
    is_batch: bool


def _valid_id(value: Any) -> bool:
    # bool is an int subclass in Python but not a JSON-RPC id.
    return value is None or (isinstance(value, str | int) and not isinstance(value, bool))


# orjson reads an integer beyond the 64-bit range as a float (2**64 became
# 1.8446744073709552e+19), and writes none: an id would not come back as sent and
# params would be forwarded changed. Such a literal has at least 19 digits, so a
# body with a run of 19 digits (rare; it may be inside a string) is read again by
# the standard library, which keeps integers exact, and the message is refused
# with a clear error instead: -32600 for the id, -32602 for params.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
INT_MIN, INT_MAX = -(2**63), 2**64 - 1


def has_long_digits(body: bytes) -> bool:
    return _LONG_DIGITS.search(body) is not None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _exact(body: bytes, fallback: Any) -> Any:
    """``body`` with exact integers (the standard library), else ``fallback``."""
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return fallback


def _huge(value: Any) -> bool:
    """Whether ``value`` holds an integer orjson cannot carry (iterative walk)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, int) and not isinstance(v, bool):
            if not INT_MIN <= v <= INT_MAX:
                return True
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def parse_message(obj: Any, exact: bool = False) -> Message:
    """Validate one decoded JSON value as a JSON-RPC 2.0 message (``exact``: it
    was read with exact integers, so out-of-range ones are looked for)."""
    if not isinstance(obj, dict):
        return Invalid(None, RpcError(INVALID_REQUEST, "A JSON-RPC message must be an object"))
    raw_id = obj.get("id")
    msg_id: Id = raw_id if _valid_id(raw_id) else None
    if obj.get("jsonrpc") != "2.0":
        return Invalid(msg_id, RpcError(INVALID_REQUEST, "'jsonrpc' must be exactly \"2.0\""))
    if not _valid_id(raw_id):
        return Invalid(None, RpcError(INVALID_REQUEST, "'id' must be a string, an integer or null"))
    if exact and _huge(raw_id):
        return Invalid(
            None, RpcError(INVALID_REQUEST, "'id' is an integer outside the 64-bit range")
        )
    if "method" not in obj:
        if ("result" in obj) != ("error" in obj) and "id" in obj:
            return Response(msg_id, obj)
        return Invalid(msg_id, RpcError(INVALID_REQUEST, "'method' is required"))
    method = obj["method"]
    if not isinstance(method, str) or not method:
        return Invalid(msg_id, RpcError(INVALID_REQUEST, "'method' must be a non-empty string"))
    params = obj.get("params")
    if "params" in obj and not isinstance(params, dict | list):
        return Invalid(msg_id, RpcError(INVALID_REQUEST, "'params' must be an object or array"))
    if exact and _huge(params):
        err = RpcError(INVALID_PARAMS, "'params' holds an integer outside the 64-bit range")
        return Invalid(msg_id, err)
    return Request(method, params, msg_id, "id" not in obj)


# Nesting beyond this is refused like the chat surfaces refuse it (their default
# ``max_json_depth``): MCP tool arguments and A2A parts nest a few levels.
MAX_DEPTH = 64


def parse_error(exc: orjson.JSONDecodeError) -> Batch:
    return Batch([Invalid(None, RpcError(PARSE_ERROR, f"Parse error: {exc}"))], False)


def too_deep(max_depth: int) -> Batch:
    err = RpcError(INVALID_REQUEST, f"The body nests deeper than {max_depth} levels")
    return Batch([Invalid(None, err)], False)


def parse(body: bytes, *, max_batch: int = 64, max_depth: int = MAX_DEPTH) -> Batch:
    """Parse a request body; never raises (see the module docstring). A big body
    is parsed off the loop and handed to :func:`from_value` (``api/body_json``)."""
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return parse_error(exc)
    if json_pieces.depth_exceeds(obj, max_depth):
        return too_deep(max_depth)
    exact = has_long_digits(body)
    return from_value(_exact(body, obj) if exact else obj, max_batch, exact)


def from_value(obj: Any, max_batch: int, exact: bool = False) -> Batch:
    """The messages of a decoded body (one message or a batch)."""
    if isinstance(obj, list):
        if not obj:
            return Batch([Invalid(None, RpcError(INVALID_REQUEST, "Empty batch"))], False)
        if len(obj) > max_batch:
            err = RpcError(INVALID_REQUEST, f"Batch of {len(obj)} exceeds the limit of {max_batch}")
            return Batch([Invalid(None, err)], False)
        return Batch([parse_message(item, exact) for item in obj], True)
    return Batch([parse_message(obj, exact)], False)


def result(msg_id: Id, value: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "result": value}


def error(msg_id: Id, err: RpcError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": err.to_obj()}


def error_bytes(msg_id: Id, code: int, message: str, data: Any = None) -> bytes:
    return orjson.dumps(error(msg_id, RpcError(code, message, data)))


def encode_replies(replies: list[dict[str, Any]], is_batch: bool) -> bytes | None:
    """The response body: an array for a batch, one object otherwise, ``None`` if
    nothing is to be answered (only notifications and responses arrived)."""
    if not replies:
        return None
    return orjson.dumps(replies if is_batch else replies[0])
