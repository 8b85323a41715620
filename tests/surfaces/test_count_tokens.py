"""``/v1/messages/count_tokens``: forwarded to an Anthropic-format group's upstream
(its own count), counted with the o200k tokenizer shipped offline in litellm's wheel
for translated groups; the official ``anthropic`` client against the real server."""

from __future__ import annotations

from typing import Any

import orjson
import trio
from anthropic import Anthropic

from routeiq.surfaces import tokens
from tests.conftest import MASTER_KEY
from tests.llm.translated.mock_anthropic import MockAnthropic
from tests.llm.translated.stack import CLAUDE, provider_stack

MESSAGES = [{"role": "user", "content": "hello world"}]


def test_the_tokenizer_is_real_and_offline() -> None:
    encode = tokens.encoder()
    assert encode is not None  # litellm's bundled vocabulary: no download
    assert list(encode("hello world")) == [24912, 2375]  # o200k_base ids
    chat = {"messages": MESSAGES}
    # role (1) + text (2) + 3 per message + 3 priming the reply
    assert tokens.count_with(encode, chat) == 1 + 2 + 3 + 3
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}
    with_image = {"messages": [{"role": "user", "content": [image]}]}
    assert tokens.count_with(encode, with_image) == 1 + 85 + 3 + 3
    # a long text: BPE merges, not ~4 characters a token
    long = {"messages": [{"role": "user", "content": "tokenization " * 500}]}
    assert tokens.count_with(encode, long) != tokens.estimate(long)


def _count(url: str, model: str) -> Any:
    c = Anthropic(base_url=url, api_key=MASTER_KEY, max_retries=0, timeout=30)
    return c.messages.with_raw_response.count_tokens(model=model, messages=MESSAGES)


async def test_anthropic_group_is_forwarded_and_translated_group_counted_here() -> None:
    mock = MockAnthropic()
    extra = [
        {
            "model_name": "gpt-x",
            "litellm_params": {"model": "openai/gpt-x", "api_base": "http://127.0.0.1:9"},
            "model_info": {"id": "dep-x"},
        }
    ]
    async with provider_stack(mock, extra_models=extra) as s:
        raw = await trio.to_thread.run_sync(_count, s.url, "claude")
        sent = mock.requests[-1]
        assert sent.path == "/v1/messages/count_tokens"
        assert sent.body == {"model": CLAUDE, "messages": MESSAGES}
        assert raw.parse().input_tokens == 7000 + len(orjson.dumps(sent.body))
        calls = len(mock.requests)
        raw = await trio.to_thread.run_sync(_count, s.url, "gpt-x")
        assert raw.headers["x-routeiq-token-count"] == "tiktoken-o200k_base"
        assert raw.parse().input_tokens == 9
        assert len(mock.requests) == calls
