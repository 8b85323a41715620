"""Affinity keys and record encoding as plain function calls."""

from __future__ import annotations

from routeiq.routing.affinity import (
    AffinityRecord,
    affinity_key,
    decode_record,
    encode_record,
    response_key,
)


def test_key_order_of_preference() -> None:
    body = {
        "previous_response_id": "resp_1",
        "conversation_id": "conv-body",
        "metadata": {"session_id": "s-meta"},
    }
    assert affinity_key(body, b"conv-header") == "r:resp_1"
    del body["previous_response_id"]
    assert affinity_key(body, b"conv-header") == "c:conv-header"
    assert affinity_key(body, None) == "c:conv-body"
    del body["conversation_id"]
    assert affinity_key(body, None) == "c:s-meta"
    assert affinity_key({"session_id": 42}, None) == "c:42"
    assert affinity_key({"metadata": {"conversation_id": "m"}}, b"") == "c:m"
    assert affinity_key({}, None) is None


def test_ignores_wrong_types_and_empty_values() -> None:
    assert affinity_key({"previous_response_id": "", "session_id": True}, None) is None
    assert affinity_key({"conversation_id": ["x"], "metadata": "nope"}, None) is None
    assert affinity_key({"metadata": {"session_id": {"a": 1}}}, None) is None


def test_long_keys_are_hashed_to_a_bounded_size() -> None:
    key = affinity_key({"conversation_id": "x" * 10_000}, None, max_chars=64)
    assert key is not None and key.startswith("c:#") and len(key) == 2 + 1 + 32
    assert key == affinity_key({"session_id": "x" * 10_000}, None, max_chars=64)
    assert affinity_key({"session_id": "x" * 64}, None, max_chars=64) == "c:" + "x" * 64
    assert response_key("chatcmpl-1") == "r:chatcmpl-1"
    assert response_key("") is None


def test_record_roundtrip_and_garbage() -> None:
    rec = AffinityRecord("dep-a", "gpt", 1234.5)
    assert decode_record(encode_record(rec)) == rec
    assert decode_record(b"not json") is None
    assert decode_record(b'{"d": "x"}') is None
    assert decode_record(b"[1, 2]") is None
