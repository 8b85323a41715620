"""Exact-key canonicalisation and the semantic query: what changes them, what does not."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from routeiq.cache.keys import (
    answer_params,
    exact_key,
    normalise_messages,
    normalise_text,
    params_fingerprint,
    semantic_query,
    semantic_text,
)


def base() -> dict[str, Any]:
    return {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        "temperature": 0,
    }


def key(request: dict[str, Any], model_group: str = "gpt-4o", namespace: str = "team-a") -> str:
    return exact_key(request, model_group=model_group, namespace=namespace)


def test_key_is_blake2b_of_the_pinned_canonical_json() -> None:
    # Pinned: keys are shared across processes and releases through Redis, so a
    # change of canonical form must be deliberate.
    canonical = (
        b'{"messages":[{"content":"You are terse.","role":"system"},'
        b'{"content":"What is the capital of France?","role":"user"}],'
        b'"model":"gpt-4o","ns":"team-a",'
        b'"params":{"n":1,"temperature":0.0,"top_p":1.0}}'
    )
    assert key(base()) == hashlib.blake2b(canonical, digest_size=16).hexdigest()
    assert len(key(base())) == 32


def test_field_order_does_not_matter() -> None:
    request = base()
    reordered = dict(reversed(list(request.items())))
    reordered["messages"] = [dict(reversed(list(m.items()))) for m in request["messages"]]
    assert key(reordered) == key(request)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user", "alice"),
        ("metadata", {"trace": "x"}),
        ("stream", True),
        ("stream_options", {"include_usage": True}),
        ("timeout", 30),
        ("request_timeout", 30),
        ("request_id", "req-1"),
        ("store", True),
        ("service_tier", "auto"),
        ("model", "another-alias"),
    ],
)
def test_fields_that_do_not_change_the_answer_are_ignored(field: str, value: Any) -> None:
    assert key({**base(), field: value}) == key(base())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", 0.1),
        ("top_p", 0.5),
        ("max_tokens", 100),
        ("max_completion_tokens", 100),
        ("stop", ["\n"]),
        ("seed", 7),
        ("n", 2),
        ("tools", [{"type": "function", "function": {"name": "f", "parameters": {}}}]),
        ("tool_choice", "required"),
        ("response_format", {"type": "json_object"}),
        ("frequency_penalty", 0.5),
        ("logit_bias", {"50256": -100}),  # unknown to us: kept, never a wrong hit
    ],
)
def test_answer_determining_fields_change_the_key(field: str, value: Any) -> None:
    assert key({**base(), field: value}) != key(base())


def test_max_tokens_and_max_completion_tokens_are_distinct() -> None:
    assert key({**base(), "max_tokens": 5}) != key({**base(), "max_completion_tokens": 5})


def test_model_group_and_namespace_change_the_key() -> None:
    assert key(base(), model_group="claude") != key(base())
    assert key(base(), namespace="team-b") != key(base())


def with_messages(*messages: dict[str, Any]) -> dict[str, Any]:
    return {**base(), "messages": list(messages)}


USER = {"role": "user", "content": "What is the capital of France?"}


@pytest.mark.parametrize(
    "variant",
    [
        {"role": "user", "content": "  What is the capital of France?\n\n"},
        {"role": "user", "content": [{"type": "text", "text": "What is the capital of France?"}]},
        {"role": "user", "content": "What is the capital of France?", "refusal": None},
    ],
)
def test_message_normalisation_keeps_the_key(variant: dict[str, Any]) -> None:
    assert key(with_messages(variant)) == key(with_messages(USER))


@pytest.mark.parametrize(
    "variant",
    [
        {"role": "user", "content": "What is the capital of  France?"},  # inner space kept
        {"role": "user", "content": "what is the capital of France?"},  # case kept
        {"role": "assistant", "content": "What is the capital of France?"},
        {"role": "user", "content": "What is the capital of France?", "name": "bob"},
    ],
)
def test_message_differences_change_the_key(variant: dict[str, Any]) -> None:
    assert key(with_messages(variant)) != key(with_messages(USER))


def test_text_normalisation_rules() -> None:
    assert normalise_text("a \t\r\nb\rc  ") == "a\nb\nc"
    assert normalise_text("  line one  \n    indented\n") == "line one\n    indented"
    assert normalise_text("cafe\u0301") == "caf\u00e9"  # NFC


def test_content_none_equals_empty_and_parts_keep_images() -> None:
    a = normalise_messages([{"role": "assistant", "content": None, "tool_calls": [{"id": "1"}]}])
    b = normalise_messages([{"role": "assistant", "content": "", "tool_calls": [{"id": "1"}]}])
    assert a == b == [{"role": "assistant", "content": "", "tool_calls": [{"id": "1"}]}]
    parts = [
        {"type": "text", "text": " look "},
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
    ]
    assert normalise_messages([{"role": "user", "content": parts}]) == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
            ],
        }
    ]


def test_tool_calls_and_tool_call_ids_change_the_key() -> None:
    call = {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function"}]}
    other = {"role": "assistant", "content": None, "tool_calls": [{"id": "c2", "type": "function"}]}
    assert key(with_messages(USER, call, USER)) != key(with_messages(USER, other, USER))


def test_numeric_and_default_canonicalisation() -> None:
    assert key({**base(), "temperature": 0}) == key({**base(), "temperature": 0.0})
    assert key({**base(), "n": 1}) == key(base())
    assert key({**base(), "top_p": 1}) == key(base())
    no_temp = {k: v for k, v in base().items() if k != "temperature"}
    assert key({**base(), "temperature": 1.0}) == key(no_temp)
    assert key({**base(), "temperature": None}) == key(no_temp)


def test_stop_is_a_set() -> None:
    assert key({**base(), "stop": "END"}) == key({**base(), "stop": ["END"]})
    assert key({**base(), "stop": ["a", "b"]}) == key({**base(), "stop": ["b", "a", "a"]})
    assert key({**base(), "stop": []}) == key(base())
    assert key({**base(), "stop": ["a"]}) != key({**base(), "stop": ["b"]})


def test_answer_params_exact_shape() -> None:
    request = {**base(), "user": "u", "stop": "x", "top_p": 1, "max_tokens": 9}
    assert answer_params(request) == {
        "temperature": 0.0,
        "top_p": 1.0,
        "n": 1,
        "stop": ["x"],
        "max_tokens": 9,
    }


# --- semantic query ---------------------------------------------------------------


def fp(request: dict[str, Any], namespace: str = "team-a", model_group: str = "gpt-4o") -> str:
    return params_fingerprint(request, model_group=model_group, namespace=namespace)


def test_semantic_text_is_the_last_user_turn_with_whitespace_collapsed() -> None:
    messages = [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": [{"type": "text", "text": "  What is\n\n the  capital?  "}]},
    ]
    assert semantic_text(messages) == "What is the capital?"
    assert semantic_text([{"role": "system", "content": "x"}]) is None
    assert semantic_text([{"role": "user", "content": "   "}]) is None
    assert semantic_text("nope") is None


def test_fingerprint_ignores_the_last_user_turn_text_only() -> None:
    paraphrase = with_messages(
        base()["messages"][0], {"role": "user", "content": "France's capital?"}
    )
    assert fp(paraphrase) == fp(base())
    query = semantic_query(paraphrase, model_group="gpt-4o", namespace="team-a")
    assert query is not None
    assert query.text == "France's capital?"
    assert query.fingerprint == fp(base())


def test_fingerprint_system_prompt_whitespace_is_collapsed() -> None:
    spaced = with_messages({"role": "system", "content": " You  are\nterse. "}, USER)
    assert fp(spaced) == fp(base())


@pytest.mark.parametrize(
    "change",
    [
        {"temperature": 0.05},
        {"max_tokens": 10},
        {"response_format": {"type": "json_object"}},
        {"messages": [{"role": "system", "content": "You are verbose."}, USER]},
        {"messages": [USER]},  # no system prompt
        {"messages": [{"role": "system", "content": "You are terse."}, USER, USER]},
        {
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "earlier"},
                {"role": "assistant", "content": "answer"},
                USER,
            ]
        },
    ],
)
def test_fingerprint_changes_with_params_system_prompt_and_history(change: dict[str, Any]) -> None:
    assert fp({**base(), **change}) != fp(base())


def test_fingerprint_keeps_the_position_of_the_last_user_turn() -> None:
    reply = {"role": "assistant", "content": "Paris"}
    assert fp(with_messages(reply, USER)) != fp(with_messages(USER, reply))


def test_fingerprint_namespace_model_and_images() -> None:
    assert fp(base(), namespace="team-b") != fp(base())
    assert fp(base(), model_group="other") != fp(base())
    image = {"type": "image_url", "image_url": {"url": "https://x/1.png"}}
    with_image = with_messages(
        {"role": "user", "content": [{"type": "text", "text": "What is this?"}, image]}
    )
    text_only = with_messages({"role": "user", "content": "What is this?"})
    assert fp(with_image) != fp(text_only)


def test_semantic_query_none_without_user_text() -> None:
    request = with_messages({"role": "system", "content": "hi"})
    assert semantic_query(request, model_group="m", namespace="n") is None
