"""/v1/messages to an Anthropic-format deployment: relayed byte for byte (the official
``anthropic`` client against the real server and the Anthropic mock), or translated
twice when guardrails need the chat path (``anthropic_passthrough``)."""

from __future__ import annotations

from typing import Any

import trio
from anthropic import Anthropic

from tests.conftest import MASTER_KEY
from tests.llm.translated.mock_anthropic import API_KEY, MockAnthropic
from tests.llm.translated.stack import CLAUDE, provider_stack

ASK = {
    "model": "claude",
    "max_tokens": 50,
    "messages": [{"role": "user", "content": "hi"}],
}


def _create(url: str, **extra: Any) -> Any:
    c = Anthropic(base_url=url, api_key=MASTER_KEY, max_retries=0, timeout=30)
    # top_k: an Anthropic-only field; it survives only on pass-through
    version = {"anthropic-version": "2023-06-01"}
    return c.messages.create(**ASK, extra_body={"top_k": 5}, extra_headers=version, **extra)


def _stream(url: str) -> tuple[list[str], Any]:
    c = Anthropic(base_url=url, api_key=MASTER_KEY, max_retries=0, timeout=30)
    with c.messages.stream(**ASK) as s:
        kinds = [ev.type for ev in s]
        return kinds, s.get_final_message()


async def test_pass_through_keeps_the_body_and_events() -> None:
    mock = MockAnthropic()
    async with provider_stack(mock) as s:
        msg = await trio.to_thread.run_sync(_create, s.url)
        assert msg.content[0].text == "Hello from Claude!"
        sent = mock.requests[-1]
        assert sent.path == "/v1/messages"
        assert sent.body == {**ASK, "top_k": 5, "model": CLAUDE}  # untouched but for the model
        assert sent.headers["x-api-key"] == API_KEY
        assert sent.headers["anthropic-version"] == "2023-06-01"  # the client's own
        kinds, final = await trio.to_thread.run_sync(_stream, s.url)
        assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
        assert final.content[0].text == "Hello from Claude!"
        assert mock.requests[-1].body["stream"] is True


async def test_never_translates_through_chat() -> None:
    mock = MockAnthropic()
    async with provider_stack(mock, surfaces={"anthropic_passthrough": "never"}) as s:
        msg = await trio.to_thread.run_sync(_create, s.url)
        assert msg.content[0].text == "Hello from Claude!"
        assert "top_k" not in mock.requests[-1].body  # went chat -> Anthropic


async def test_pass_through_tool_use() -> None:
    mock = MockAnthropic(tool=("get_weather", {"city": "Paris"}))
    async with provider_stack(mock) as s:
        msg = await trio.to_thread.run_sync(_create, s.url)
        assert msg.stop_reason == "tool_use"
        block = msg.content[0]
        assert block.type == "tool_use" and block.name == "get_weather"
        assert block.input == {"city": "Paris"}
        kinds, final = await trio.to_thread.run_sync(_stream, s.url)
        assert "content_block_delta" in kinds
        assert final.content[0].type == "tool_use" and final.content[0].input == {"city": "Paris"}
