"""Types and ranges of the OpenAI request fields the gateway knows (I/O-free).

One table per endpoint: field name -> check. A check returns what the value
must be (for the 400's message) or ``None`` when it is fine; ``null`` is
always accepted, as OpenAI does. Fields not in the table pass through
untouched, so a provider's newer parameters still reach it. Only the body's
own keys are looked up (a request has a handful), never the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from routeiq.errors import BadRequest

Check = Callable[[Any], str | None]
INT64 = (-(2**63), 2**63 - 1)
MAX_N = 128  # OpenAI's own limit on choices per request
MAX_TOKENS = 2**31 - 1
MAX_STRING = 256  # user, service tier, reasoning effort...


def _int(lo: int, hi: int) -> Check:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int):
            return "an integer"
        return None if lo <= v <= hi else f"an integer between {lo} and {hi}"

    return check


def _number(lo: float, hi: float) -> Check:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return "a number"
        return None if lo <= v <= hi else f"a number between {lo:g} and {hi:g}"

    return check


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "a boolean"


def _string(v: Any) -> str | None:
    if isinstance(v, str) and len(v) <= MAX_STRING:
        return None
    return f"a string of at most {MAX_STRING} characters"


def _object(v: Any) -> str | None:
    return None if isinstance(v, dict) else "an object"


def _objects_with_type(v: Any) -> str | None:
    if isinstance(v, list) and all(
        isinstance(t, dict) and isinstance(t.get("type"), str) for t in v
    ):
        return None
    return "an array of objects, each with a string 'type'"


def _objects(v: Any) -> str | None:
    if isinstance(v, list) and all(isinstance(t, dict) for t in v):
        return None
    return "an array of objects"


def _strings(v: Any) -> str | None:
    if isinstance(v, list) and all(isinstance(s, str) for s in v):
        return None
    return "an array of strings"


def _stop(v: Any) -> str | None:
    if isinstance(v, str) or (isinstance(v, list) and all(isinstance(s, str) for s in v)):
        return None
    return "a string or an array of strings"


def _choice(*words: str) -> Check:
    """A mode word (``"auto"``) or an object naming a tool/function."""

    def check(v: Any) -> str | None:
        if (isinstance(v, str) and v in words) or isinstance(v, dict):
            return None
        return f"one of {', '.join(repr(w) for w in words)} or an object"

    return check


def _logit_bias(v: Any) -> str | None:
    if isinstance(v, dict) and all(
        not isinstance(b, bool) and isinstance(b, int | float) and -100 <= b <= 100
        for b in v.values()
    ):
        return None
    return "an object of token ids to numbers between -100 and 100"


def _response_format(v: Any) -> str | None:
    if isinstance(v, dict) and isinstance(v.get("type"), str):
        return None
    return "an object with a string 'type'"


CHAT_FIELDS: Mapping[str, Check] = {
    "stream": _bool,
    "stream_options": _object,
    "temperature": _number(0, 2),
    "top_p": _number(0, 1),
    "presence_penalty": _number(-2, 2),
    "frequency_penalty": _number(-2, 2),
    "n": _int(1, MAX_N),
    "max_tokens": _int(1, MAX_TOKENS),
    "max_completion_tokens": _int(1, MAX_TOKENS),
    "seed": _int(*INT64),
    "logprobs": _bool,
    "top_logprobs": _int(0, 20),
    "stop": _stop,
    "user": _string,
    "tools": _objects_with_type,
    "tool_choice": _choice("none", "auto", "required"),
    "parallel_tool_calls": _bool,
    "functions": _objects,
    "function_call": _choice("none", "auto"),
    "response_format": _response_format,
    "logit_bias": _logit_bias,
    "metadata": _object,
    "store": _bool,
    "service_tier": _string,
    "reasoning_effort": _string,
    "modalities": _strings,
    "audio": _object,
    "prediction": _object,
    "web_search_options": _object,
}

STREAM_OPTION_FIELDS: Mapping[str, Check] = {"include_usage": _bool}

MESSAGE_FIELDS: Mapping[str, Check] = {
    "name": _string,
    "tool_call_id": _string,
    "tool_calls": _objects_with_type,
    "refusal": lambda v: None if isinstance(v, str) else "a string",
}

EMBEDDING_FIELDS: Mapping[str, Check] = {
    "encoding_format": lambda v: None if v in ("float", "base64") else "'float' or 'base64'",
    "dimensions": _int(1, 65536),
    "user": _string,
}


def check_fields(body: Mapping[str, Any], table: Mapping[str, Check], prefix: str = "") -> None:
    """400 naming the first known field of ``body`` with a wrong type or range."""
    for name, value in body.items():
        check = table.get(name)
        if check is None or value is None:
            continue
        want = check(value)
        if want is not None:
            param = prefix + name
            raise BadRequest(f"'{param}' must be {want}", param=param)
