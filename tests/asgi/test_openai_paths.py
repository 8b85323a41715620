"""LiteLLM's unversioned OpenAI paths: plain calls, then the official client with
LiteLLM's documented ``base_url`` (no ``/v1``) against the real server."""

from __future__ import annotations

import openai
import pytest
import trio

from routeiq.asgi.openai_paths import versioned_path
from tests.compat.stack import AUTH, KEY, litellm_stack


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/completions", "/v1/completions"),
        ("/responses", "/v1/responses"),
        ("/responses/resp_1/input_items", "/v1/responses/resp_1/input_items"),
        ("/images/generations", "/v1/images/generations"),
        ("/audio/speech", "/v1/audio/speech"),
        ("/moderations", "/v1/moderations"),
        ("/rerank", "/v1/rerank"),
        ("/v2/rerank", "/v1/rerank"),
        ("/models/gpt-4o", "/v1/models/gpt-4o"),
        ("/chat/completions", "/v1/chat/completions"),
    ],
)
def test_unversioned_paths_get_v1(path: str, expected: str) -> None:
    assert versioned_path(path) == expected


@pytest.mark.parametrize(
    "path", ["/v1/completions", "/health", "/health/liveness", "/mcp", "/key/generate", "/", "/ui"]
)
def test_other_paths_are_left_alone(path: str) -> None:
    assert versioned_path(path) is None


CONFIG = {
    "model_list": [
        {
            "model_name": "gpt-4o",
            "litellm_params": {"model": "openai/gpt-4o", "api_base": "{up0}", "api_key": "k"},
        },
        {
            "model_name": "omni-moderation-latest",
            "litellm_params": {"model": "openai/omni", "api_base": "{up0}", "api_key": "k"},
            "model_info": {"mode": "moderation"},
        },
        {
            "model_name": "dall-e-3",
            "litellm_params": {"model": "openai/dall-e-3", "api_base": "{up0}", "api_key": "k"},
            "model_info": {"mode": "image_generation"},
        },
    ]
}


async def test_the_openai_client_without_v1_in_its_base_url() -> None:
    async with litellm_stack(CONFIG) as s:

        def calls() -> None:
            client = openai.OpenAI(base_url=s.url, api_key=KEY, max_retries=0, timeout=30)
            done = client.completions.create(model="gpt-4o", prompt="hi", max_tokens=5)
            assert done.choices[0].text
            assert client.responses.create(model="gpt-4o", input="hi").output_text
            mod = client.moderations.create(model="omni-moderation-latest", input="hi")
            assert mod.results
            assert client.images.generate(model="dall-e-3", prompt="a cat").data
            assert client.models.retrieve("gpt-4o").id == "gpt-4o"

        await trio.to_thread.run_sync(calls)
        # auth still applies on the unversioned spelling
        r = await s.client.post(f"{s.url}/completions", json={"model": "gpt-4o", "prompt": "x"})
        assert r.status_code == 401
        r = await s.client.post(
            f"{s.url}/v2/rerank",
            json={"model": "gpt-4o", "query": "q", "documents": ["a"]},
            headers=AUTH,
        )
        assert r.status_code == 400  # reached the rerank endpoint: gpt-4o is no rerank group
        assert "rerank" in r.json()["error"]["message"]
