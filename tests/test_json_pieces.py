"""``api/json_pieces``: a big body parsed in pieces is exactly ``orjson.loads`` of it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq import json_pieces

scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=60,
)
pretty = st.sampled_from([0, orjson.OPT_INDENT_2])


def _pieces(body: bytes, piece: int) -> Any:
    return json_pieces.loads(body, json_pieces.scan(body), piece)


def _outcome(fn: Any, body: bytes) -> tuple[str, bytes]:
    try:
        return "ok", orjson.dumps(fn(body))  # dumps keeps key order: compared too
    except orjson.JSONDecodeError:
        return "error", b""


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.lists(values, min_size=1) | st.dictionaries(st.text(), values),
    opt=pretty,
    piece=st.integers(1, 64),
)
def test_pieces_equal_one_parse(value: Any, opt: int, piece: int) -> None:
    body = orjson.dumps(value, option=opt)
    assert orjson.dumps(_pieces(body, piece)) == orjson.dumps(orjson.loads(body))


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.dictionaries(st.text(max_size=4), values, min_size=1),
    at=st.integers(0, 10_000),
    byte=st.sampled_from(list(b'[]{},:"\\ 1ax')),
    mode=st.sampled_from(["replace", "insert", "delete"]),
    piece=st.integers(1, 32),
)
def test_a_damaged_body_is_rejected_exactly_when_orjson_rejects_it(
    value: Any, at: int, byte: int, mode: str, piece: int
) -> None:
    body = bytearray(orjson.dumps(value))
    i = at % len(body)
    if mode == "replace":
        body[i] = byte
    elif mode == "insert":
        body.insert(i, byte)
    else:
        del body[i]
    raw = bytes(body)
    assert _outcome(lambda b: _pieces(b, piece), raw) == _outcome(orjson.loads, raw)


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b'{"a": 1}', 1),
        (b'{"a": [1, {"b": "[[[["}]}', 3),
        (b'{"a": "\\\\", "b": [["\\"]]"]]}', 3),  # an escaped backslash ends before the quote
        (b"[" * 70 + b"]" * 70, 70),
    ],
)
def test_scan_depth_counts_brackets_outside_strings(body: bytes, depth: int) -> None:
    assert json_pieces.scan(body).max_depth == depth


def test_duplicate_keys_keep_the_last_value_in_the_first_place() -> None:
    body = orjson.dumps({"a": "x" * 50}).replace(b"}", b', "b": 2, "a": 3}')
    assert orjson.dumps(_pieces(body, 8)) == orjson.dumps(orjson.loads(body)) == b'{"a":3,"b":2}'
