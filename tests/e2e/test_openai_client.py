"""The official ``openai`` package against the real gateway process."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI


def client(url: str, key: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)


def test_chat_non_streaming(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    raw = c.chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": "ping from sdk"}]
    )
    assert raw.headers["x-routeiq-deployment"] == "dep-a"
    resp = raw.parse()
    assert resp.choices[0].message.content is not None
    assert resp.choices[0].message.content.endswith("ping from sdk")
    assert resp.usage is not None and resp.usage.completion_tokens > 0


def test_chat_streaming_with_usage(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    stream = c.chat.completions.create(
        model="gpt-test",
        messages=[{"role": "user", "content": "stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage is not None:
            usage = chunk.usage
    assert text.endswith("stream please")
    assert usage is not None and usage.completion_tokens == len(text.split())


def test_embeddings_and_models(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    emb = c.embeddings.create(model="embed-test", input=["one", "two"])
    assert len(emb.data) == 2 and len(emb.data[0].embedding) == 8
    assert {m.id for m in c.models.list()} == {"gpt-test", "embed-test"}


def test_sdk_sees_openai_errors(e2e_gateway: str, api_key: str) -> None:
    c = client(e2e_gateway, api_key)
    with pytest.raises(openai.NotFoundError) as nf:
        c.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    assert nf.value.code == "model_not_found"
    with pytest.raises(openai.AuthenticationError):
        client(e2e_gateway, "sk-wrong-key").models.list()
    with pytest.raises(openai.BadRequestError) as br:
        c.chat.completions.create(model="gpt-test", messages=[])
    assert br.value.param == "messages"
