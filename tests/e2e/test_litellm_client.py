"""A LiteLLM proxy user's view with the official ``openai`` client: the
``x-litellm-*`` headers they read, and ``mock_response``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY
from tests.e2e.conftest import gateway_processes


def _config(base: str) -> dict[str, Any]:
    return {
        "model_list": [
            {
                "model_name": "gpt-4o",
                "litellm_params": {
                    "model": "openai/gpt-4o",
                    "api_base": base,
                    "api_key": "os.environ/MOCK_KEY",
                    "input_cost_per_token": 0.000001,
                    "output_cost_per_token": 0.000002,
                },
                "model_info": {"id": "gpt4o-primary"},
            }
        ],
        "general_settings": {"master_key": MASTER_KEY},
        "environment_variables": {"MOCK_KEY": "sk-mock"},
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenAI]:
    tmp: Path = tmp_path_factory.mktemp("litellm-client")
    with gateway_processes(tmp, _config, n=1) as (url,):
        yield OpenAI(base_url=f"{url}/v1", api_key=MASTER_KEY, max_retries=0, timeout=30)


def test_litellm_headers_on_a_chat_answer(client: OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello there"}]
    )
    h = raw.headers
    assert h["x-litellm-call-id"] == h["x-request-id"]
    assert h["x-litellm-model-id"] == "gpt4o-primary"
    assert h["x-litellm-model-group"] == "gpt-4o"
    usage = raw.parse().usage
    assert usage is not None
    cost = usage.prompt_tokens * 0.000001 + usage.completion_tokens * 0.000002
    assert float(h["x-litellm-response-cost"]) == pytest.approx(cost)
    assert h["x-litellm-response-cost"] == h["x-routeiq-response-cost"]
    assert float(h["x-litellm-response-duration-ms"]) > 0


def test_litellm_call_id_on_an_error(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    h = info.value.response.headers
    assert h["x-litellm-call-id"] == h["x-request-id"]


def test_mock_response_with_the_openai_client(client: OpenAI) -> None:
    msgs: Any = [{"role": "user", "content": "hello"}]
    done = client.chat.completions.create(
        model="gpt-4o", messages=msgs, n=2, extra_body={"mock_response": "Hi from mock"}
    )
    assert [c.message.content for c in done.choices] == ["Hi from mock", "Hi from mock"]
    assert done.usage is not None and done.usage.total_tokens == 30
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o",
            messages=msgs,
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"mock_response": "streamed text"},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "streamed text"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 20
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(
            model="gpt-4o", messages=msgs, extra_body={"mock_response": "litellm.RateLimitError"}
        )
