"""The official ``anthropic`` package against the real gateway process (translated to
the OpenAI-format mock upstream)."""

from __future__ import annotations

import anthropic
import pytest
from anthropic import Anthropic

WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}},
}


def client(url: str, key: str) -> Anthropic:
    return Anthropic(base_url=url, api_key=key, max_retries=0, timeout=30)


def test_messages_create_text(e2e_gateway: str, api_key: str) -> None:
    raw = client(e2e_gateway, api_key).messages.with_raw_response.create(
        model="gpt-test",
        max_tokens=64,
        system="be brief",
        messages=[{"role": "user", "content": "hello claude sdk"}],
        metadata={"user_id": "u-7"},
    )
    assert raw.headers["x-routeiq-deployment"] == "dep-a"
    msg = raw.parse()
    assert msg.type == "message" and msg.role == "assistant" and msg.model == "gpt-test"
    assert msg.id.startswith("msg_")
    assert msg.content[0].type == "text"
    assert msg.content[0].text == "This is the mock upstream answering: hello claude sdk"
    assert msg.stop_reason == "end_turn"
    assert msg.usage.output_tokens == len(msg.content[0].text.split())
    assert msg.usage.input_tokens > 0


def test_messages_stream_text(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    kinds = []
    with c.messages.stream(
        model="gpt-test",
        max_tokens=64,
        messages=[{"role": "user", "content": [{"type": "text", "text": "stream it please"}]}],
    ) as stream:
        for ev in stream:
            kinds.append(ev.type)
        final = stream.get_final_message()
    assert kinds[0] == "message_start"
    assert kinds[-1] == "message_stop"
    assert "content_block_start" in kinds and "content_block_stop" in kinds
    assert kinds.count("text") >= 2  # text deltas arrived one by one
    assert final.content[0].type == "text"
    assert final.content[0].text == "This is the mock upstream answering: stream it please"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == len(final.content[0].text.split())


def test_tool_use_round_trip(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    ask = [{"role": "user", "content": "weather in Paris"}]
    msg = c.messages.create(
        model="gpt-test",
        max_tokens=64,
        tools=[WEATHER],
        tool_choice={"type": "any"},
        messages=ask,
    )
    assert msg.stop_reason == "tool_use"
    call = msg.content[0]
    assert call.type == "tool_use" and call.name == "get_weather"
    assert call.input == {"query": "weather in Paris"}
    answer = c.messages.create(
        model="gpt-test",
        max_tokens=64,
        tools=[WEATHER],
        messages=[
            *ask,
            {"role": "assistant", "content": [call.model_dump()]},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "sunny"}],
            },
        ],
    )
    assert answer.content[0].type == "text"
    assert answer.content[0].text == "The tool said: sunny"


def test_tool_use_streamed_as_input_json_deltas(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    partial = []
    with c.messages.stream(
        model="gpt-test",
        max_tokens=64,
        tools=[WEATHER],
        tool_choice={"type": "tool", "name": "get_weather"},
        messages=[{"role": "user", "content": "weather in Oslo"}],
    ) as stream:
        for ev in stream:
            if ev.type == "input_json":
                partial.append(ev.partial_json)
        final = stream.get_final_message()
    assert len(partial) == 3  # the mock sends the arguments in three pieces
    assert final.stop_reason == "tool_use"
    block = final.content[0]
    assert block.type == "tool_use" and block.input == {"query": "weather in Oslo"}


def test_count_tokens(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    short = c.messages.count_tokens(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
    long = c.messages.count_tokens(
        model="gpt-test", messages=[{"role": "user", "content": "hi " * 400}]
    )
    assert 0 < short.input_tokens < long.input_tokens


def test_errors_in_anthropic_shape(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    with pytest.raises(anthropic.BadRequestError) as bad:
        c.messages.create(
            model="gpt-test", max_tokens=0, messages=[{"role": "user", "content": "x"}]
        )
    assert bad.value.body == {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "message": "'max_tokens' must be an integer of at least 1",
        },
    }
    with pytest.raises(anthropic.NotFoundError) as nf:
        c.messages.create(model="nope", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert isinstance(nf.value.body, dict) and nf.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.AuthenticationError) as auth:
        client(e2e_gateway, "sk-wrong").messages.create(
            model="gpt-test", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )
    assert isinstance(auth.value.body, dict) and auth.value.body["type"] == "error"
    assert auth.value.body["error"]["type"] == "authentication_error"
