"""Pure helpers of the built-in guardrails' request path."""

from __future__ import annotations

from typing import Any

from routeiq.plugins.guardrails import message_digest
from routeiq.plugins.guards import DigestMemo, message_slots, message_texts


def test_texts_and_slots_agree_on_every_shape() -> None:
    request: dict[str, Any] = {
        "messages": [
            {"role": "system", "content": "be nice"},
            {"role": "user", "content": ""},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "t"}]},
            "not a message",
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "image_url"}, "x", {"text": 3}],
            },
            {"role": "tool", "content": "result"},
        ]
    }
    texts = message_texts(request)
    assert texts == ["be nice", "a", "result"]
    assert [s.text for s in message_slots(request)] == texts
    assert message_texts({"messages": "nope"}) == [] and message_texts({}) == []


def test_an_assistants_tool_call_arguments_are_texts_with_its_role() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "mail", "arguments": '{"to": 1}'}}
    odd = [{"id": "c2"}, "x", {"function": {"arguments": {"to": 1}}}, {"function": "f"}]
    request: dict[str, Any] = {
        "messages": [
            {"role": "user", "content": "write to him"},
            {"role": "assistant", "content": "on it", "tool_calls": [call, *odd]},
            {"role": "assistant", "content": None, "tool_calls": "nope"},
            {"role": "tool", "tool_call_id": "c1", "content": "sent"},
        ]
    }
    roles: list[str | None] = []
    texts = message_texts(request, roles)
    assert texts == ["write to him", "on it", '{"to": 1}', "sent"]
    assert roles == ["user", "assistant", "assistant", "tool"]
    slots = message_slots(request)
    assert [s.text for s in slots] == texts
    slots[2].holder[slots[2].field] = '{"to": 2}'  # a redaction lands in the call itself
    assert call["function"]["arguments"] == '{"to": 2}'


def test_the_digest_memo_is_exact_and_bounded() -> None:
    memo = DigestMemo(max_entries=3, max_chars=12, max_text=5)
    texts = ["aa", "bb", "cc", "toolongtext"]
    assert memo.digests(texts) == [message_digest(t) for t in texts]
    assert len(memo) == 3 and memo.chars == 6  # the long text is not kept
    memo.digests(["dd"])  # over max_entries: "aa" goes
    assert list(memo._memo) == ["bb", "cc", "dd"]
    memo.digests(["eeeee", "fffff"])  # oldest go until <= 3 entries and <= 12 chars
    assert list(memo._memo) == ["dd", "eeeee", "fffff"] and memo.chars == 12
    memo.digests(["ggggg"])  # 17 chars: two go
    assert list(memo._memo) == ["fffff", "ggggg"] and memo.chars == 10
    # A hit is an exact string match: equal strings, whatever the object.
    text = "".join(["ee", "eee"])
    assert memo.digests([text]) == [message_digest("eeeee")]
