"""Request body parsing and validation (I/O-free).

The body is parsed once with orjson; the checks are hand-written because they
sit on the hot path (a pydantic model costs more than the whole check). Every
failure is a ``BadRequest`` naming the offending ``param``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from routeiq.api.fields import (
    CHAT_FIELDS,
    EMBEDDING_FIELDS,
    MESSAGE_FIELDS,
    STREAM_OPTION_FIELDS,
    check_fields,
)
from routeiq.errors import BadRequest, InvalidJSON, UnsupportedMediaType
from routeiq.json_pieces import depth_exceeds

MAX_MODEL_CHARS = 256
ROLES = frozenset({"system", "user", "assistant", "tool", "function", "developer"})


@dataclass(frozen=True, slots=True)
class Limits:
    max_messages: int = 2048
    max_depth: int = 64


def check_content_type(value: bytes | None) -> None:
    if value is None:
        raise UnsupportedMediaType("Content-Type must be application/json")
    mime = value.split(b";", 1)[0].strip().lower()
    if mime != b"application/json" and not mime.endswith(b"+json"):
        raise UnsupportedMediaType("Content-Type must be application/json")


def invalid_json(exc: orjson.JSONDecodeError) -> InvalidJSON:
    # orjson also rejects nesting beyond 1024 levels here.
    return InvalidJSON(f"The request body is not valid JSON: {exc.msg}")


def as_object(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise BadRequest("The request body must be a JSON object")
    return obj


def too_deep(limits: Limits) -> BadRequest:
    return BadRequest(f"The request body nests deeper than {limits.max_depth} levels")


def parse_json_object(body: bytes, limits: Limits) -> dict[str, Any]:
    """A small body, on the loop: one ``orjson.loads`` and a walk for the depth."""
    if not body:
        raise InvalidJSON("The request body is empty; expected a JSON object")
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise invalid_json(exc) from None
    if depth_exceeds(as_object(obj), limits.max_depth):
        raise too_deep(limits)
    return obj  # type: ignore[no-any-return]


def _type_error(param: str, expected: str) -> BadRequest:
    return BadRequest(f"'{param}' must be {expected}", param=param)


def _check_model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise BadRequest("'model' is required", param="model", code="missing_required_parameter")
    if not isinstance(model, str) or not model or len(model) > MAX_MODEL_CHARS:
        raise _type_error("model", f"a non-empty string of at most {MAX_MODEL_CHARS} characters")
    if not model.isprintable():  # CR, LF, NUL, tabs, other controls: never a model name
        raise BadRequest("'model' must be printable text (no control characters)", param="model")
    return model


def validate_chat(body: dict[str, Any], limits: Limits) -> str:
    """Check a chat completion request; return the model name."""
    model = _check_model(body)
    messages = body.get("messages")
    if messages is None:
        raise BadRequest(
            "'messages' is required", param="messages", code="missing_required_parameter"
        )
    if not isinstance(messages, list):
        raise _type_error("messages", "an array")
    if not messages:
        raise BadRequest("'messages' must contain at least one message", param="messages")
    if len(messages) > limits.max_messages:
        raise BadRequest(
            f"'messages' has {len(messages)} entries; the limit is {limits.max_messages}",
            param="messages",
        )
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise _type_error(f"messages[{i}]", "an object")
        role = msg.get("role")
        if not isinstance(role, str) or role not in ROLES:
            raise BadRequest(
                f"'messages[{i}].role' must be one of {', '.join(sorted(ROLES))}",
                param=f"messages[{i}].role",
            )
        content = msg.get("content")
        if content is not None and not isinstance(content, str | list):
            raise _type_error(f"messages[{i}].content", "a string, an array of parts or null")
        if isinstance(content, list):
            for j, part in enumerate(content):
                if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                    raise _type_error(f"messages[{i}].content[{j}]", "an object with a 'type'")
        check_fields(msg, MESSAGE_FIELDS, f"messages[{i}].")
    check_fields(body, CHAT_FIELDS)
    opts = body.get("stream_options")
    if opts is not None:
        check_fields(opts, STREAM_OPTION_FIELDS, "stream_options.")
    return model


def validate_embeddings(body: dict[str, Any], limits: Limits) -> str:
    model = _check_model(body)
    check_fields(body, EMBEDDING_FIELDS)
    inp = body.get("input")
    if inp is None:
        raise BadRequest("'input' is required", param="input", code="missing_required_parameter")
    if isinstance(inp, str):
        return model
    if not isinstance(inp, list) or not inp:
        raise _type_error("input", "a string or a non-empty array")
    if len(inp) > limits.max_messages:
        raise BadRequest(f"'input' has more than {limits.max_messages} entries", param="input")
    first = inp[0]
    if isinstance(first, str):
        ok = all(isinstance(x, str) for x in inp)
    elif isinstance(first, int) and not isinstance(first, bool):
        ok = all(isinstance(x, int) and not isinstance(x, bool) for x in inp)
    elif isinstance(first, list):
        ok = all(
            isinstance(x, list) and all(isinstance(t, int) and not isinstance(t, bool) for t in x)
            for x in inp
        )
    else:
        ok = False
    if not ok:
        raise _type_error("input", "a string, an array of strings or an array of token arrays")
    return model


def dumps(obj: Any) -> bytes:
    """Serialise a parsed body for the upstream (the one re-serialisation)."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        # orjson parses integers of any size but only writes 64-bit ones.
        raise BadRequest("The request contains a number outside the 64-bit range") from None
