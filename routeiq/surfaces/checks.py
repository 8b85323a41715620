"""Small shape checks shared by the surfaces' request parsers (I/O-free)."""

from __future__ import annotations

from typing import Any

from routeiq.errors import BadRequest


def need(body: dict[str, Any], name: str, prefix: str = "") -> Any:
    value = body.get(name)
    if value is None:
        raise BadRequest(
            f"'{prefix}{name}' is required", param=prefix + name, code="missing_required_parameter"
        )
    return value


def wrong(param: str, expected: str) -> BadRequest:
    return BadRequest(f"'{param}' must be {expected}", param=param)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number(body: dict[str, Any], name: str, low: float, high: float, prefix: str = "") -> Any:
    """The field when absent/null or a number in [low, high]; else a 400 naming it."""
    value = body.get(name)
    if value is not None and (not is_number(value) or not low <= value <= high):
        raise wrong(prefix + name, f"a number between {low:g} and {high:g}")
    return value


def text(value: Any, param: str) -> str:
    if not isinstance(value, str):
        raise wrong(param, "a string")
    return value


def obj(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise wrong(param, "an object")
    return value


def array(value: Any, param: str) -> list[Any]:
    if not isinstance(value, list):
        raise wrong(param, "an array")
    return value


def tag(value: Any) -> str | None:
    """A discriminator field (``type``, ``role``) as a string for set lookups: ``None``
    stays ``None``, any other non-string becomes ``""`` (matches no known tag, so the
    caller's "one of ..." 400 answers it; a list would not even be hashable)."""
    return value if value is None or isinstance(value, str) else ""
