"""The official ``openai`` package's Responses API against the real gateway process
(translated to chat completions on the OpenAI-format mock upstream)."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
}
ANSWER = "This is the mock upstream answering: "


def client(url: str, key: str = MASTER_KEY) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)


def test_create_retrieve_delete(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    raw = c.responses.with_raw_response.create(
        model="gpt-test", input="hello responses", instructions="be brief", metadata={"k": "v"}
    )
    assert raw.headers["x-routeiq-deployment"] == "dep-a"
    resp = raw.parse()
    assert resp.id.startswith("resp_") and resp.status == "completed"
    assert resp.output_text == ANSWER + "hello responses"
    assert resp.metadata == {"k": "v"} and resp.instructions == "be brief"
    assert resp.usage is not None and resp.usage.output_tokens == len(resp.output_text.split())
    again = c.responses.retrieve(resp.id)
    assert again.id == resp.id and again.output_text == resp.output_text
    items = c.responses.input_items.list(resp.id)
    assert [i.type for i in items.data] == ["message"]
    assert items.data[0].content[0].text == "hello responses"  # type: ignore[union-attr]
    c.responses.delete(resp.id)
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(resp.id)


def test_stream_event_sequence(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    events = list(c.responses.create(model="gpt-test", input="stream this one", stream=True))
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert kinds.count("response.output_text.delta") >= 2
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == ANSWER + "stream this one"
    done = events[-1]
    assert done.type == "response.completed"
    assert done.response.output_text == text
    assert done.response.usage is not None and done.response.usage.output_tokens > 0
    # stored: the streamed response can be retrieved
    assert c.responses.retrieve(done.response.id).output_text == text


def test_function_call_round_trip_with_previous_response_id(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    first = c.responses.create(
        model="gpt-test", input="weather in Rome", tools=[WEATHER], tool_choice="required"
    )
    call = first.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert call.arguments == '{"query":"weather in Rome"}'
    second = c.responses.create(
        model="gpt-test",
        previous_response_id=first.id,
        tools=[WEATHER],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "warm"}],
    )
    assert second.output_text == "The tool said: warm"
    assert second.previous_response_id == first.id


def test_function_call_streamed(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    events = list(
        c.responses.create(
            model="gpt-test",
            input="weather in Lima",
            tools=[WEATHER],
            tool_choice={"type": "function", "name": "get_weather"},
            stream=True,
        )
    )
    deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    assert len(deltas) == 3 and "".join(deltas) == '{"query":"weather in Lima"}'
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert done[0].arguments == '{"query":"weather in Lima"}'
    assert events[-1].type == "response.completed"


def test_chain_replays_history(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    one = c.responses.create(model="gpt-test", input="first turn")
    two = c.responses.create(model="gpt-test", input="second turn", previous_response_id=one.id)
    assert two.output_text == ANSWER + "second turn"
    # the second request carried the first turn: its prompt is longer
    assert two.usage is not None and one.usage is not None
    assert two.usage.input_tokens > one.usage.input_tokens
    with pytest.raises(openai.NotFoundError) as nf:
        c.responses.create(model="gpt-test", input="x", previous_response_id="resp_nope")
    assert nf.value.param == "previous_response_id"
    with pytest.raises(openai.BadRequestError) as br:
        c.responses.create(model="gpt-test", input="x", tools=[{"type": "web_search"}])
    assert br.value.param == "tools[0]"


def test_chain_across_two_processes_on_one_redis(tmp_path: Path, redis_url: str) -> None:
    def config(base: str) -> dict[str, object]:
        state = {"backend": "redis", "redis_url": redis_url, "key_prefix": "resp2:"}
        return config_dict(base, state=state)

    with gateway_processes(tmp_path, config) as (a, b):
        with httpx.Client(timeout=30) as h:
            for url in (a, b):
                assert h.get(f"{url}/health/ready").status_code == 200
        one = client(a).responses.create(model="gpt-test", input="turn on process A")
        two = client(b).responses.create(
            model="gpt-test", input="turn on process B", previous_response_id=one.id
        )
        assert two.output_text == ANSWER + "turn on process B"
        assert client(b).responses.retrieve(one.id).output_text == one.output_text
        client(b).responses.delete(one.id)
        with pytest.raises(openai.NotFoundError):
            client(a).responses.retrieve(one.id)
