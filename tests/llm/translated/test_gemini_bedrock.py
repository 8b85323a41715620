"""Gemini (Google AI Studio) and Bedrock (Converse) through the real gateway, streamed and not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import trio

from routeiq.pricing import format_usd, load_price_map
from routeiq.server import start_mock
from tests.llm.translated.mock_others import (
    AWS_KEY_ID,
    AWS_REGION,
    AWS_SECRET,
    GEMINI_KEY,
    MockBedrock,
    MockGemini,
)
from tests.llm.translated.stack import ProviderStack, provider_stack, serve
from tests.llm.translated.test_anthropic import sse_events

ASK = {
    "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
    "max_tokens": 100,
    "temperature": 0.5,
}
BEDROCK_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


@asynccontextmanager
async def stack() -> AsyncIterator[tuple[ProviderStack, MockGemini, MockBedrock]]:
    gemini, bedrock = MockGemini(), MockBedrock()
    async with trio.open_nursery() as nursery:
        gbase = await serve(nursery, gemini)
        bbase = await serve(nursery, bedrock)
        extra = [
            {
                "model_name": "gem",
                "litellm_params": {
                    "model": "gemini/gemini-2.5-flash",
                    "api_base": f"{gbase}/v1beta",
                    "api_key": GEMINI_KEY,
                },
                "model_info": {"id": "dep-gem"},
            },
            {
                "model_name": "br",
                "litellm_params": {
                    "model": f"bedrock/{BEDROCK_MODEL}",
                    "api_base": bbase,
                    "aws_region_name": AWS_REGION,
                    "aws_access_key_id": AWS_KEY_ID,
                    "aws_secret_access_key": AWS_SECRET,
                },
                "model_info": {"id": "dep-br"},
            },
        ]
        async with provider_stack(extra_models=extra) as st:
            yield st, gemini, bedrock
        nursery.cancel_scope.cancel()


async def ask(c: httpx.AsyncClient, st: ProviderStack, model: str, stream: bool) -> httpx.Response:
    body = {**ASK, "model": model, "stream": stream}
    if stream:
        body["stream_options"] = {"include_usage": True}
    r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=body)
    assert r.status_code == 200
    return r


async def test_gemini() -> None:
    async with stack() as (st, gemini, _), httpx.AsyncClient(timeout=30) as c:
        r = await ask(c, st, "gem", False)
        assert r.json()["choices"] == [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "Hi from Gemini"},
                "provider_specific_fields": {"native_finish_reason": "STOP"},
            }
        ]
        # 9 prompt tokens at 3e-7 + 3 output tokens at 2.5e-6 (gemini/gemini-2.5-flash)
        assert r.headers["x-routeiq-response-cost"] == "0.0000102"
        sent = gemini.requests[-1]
        assert sent.path == "/v1beta/models/gemini-2.5-flash:generateContent?"
        assert sent.headers["x-goog-api-key"] == GEMINI_KEY
        assert sent.body == {
            "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
            "system_instruction": {"parts": [{"text": "be brief"}]},
            "generationConfig": {"temperature": 0.5, "max_output_tokens": 100},
        }
        r = await ask(c, st, "gem", True)
        assert gemini.requests[-1].path.endswith(":streamGenerateContent?alt=sse")
        objects, raw, comments = sse_events(r.text)
        texts = [o["choices"][0]["delta"].get("content") for o in objects if o["choices"]]
        assert texts == ["Hi", " from", " Gemini", None]
        assert objects[-2]["choices"][0]["finish_reason"] == "stop"
        assert objects[-1]["usage"]["total_tokens"] == 12
        assert raw[-1] == "[DONE]"
        assert comments == [": x-routeiq-response-cost=0.0000102"]


async def test_bedrock_converse_signed_and_event_stream_decoded() -> None:
    async with stack() as (st, _, bedrock), httpx.AsyncClient(timeout=30) as c:
        r = await ask(c, st, "br", False)
        body = r.json()
        assert body["choices"][0]["message"] == {"role": "assistant", "content": "Hey from Bedrock"}
        assert body["choices"][0]["finish_reason"] == "stop"
        # 7 at 3e-6 + 3 at 1.5e-5 (the map's bedrock entry for this model id)
        assert r.headers["x-routeiq-response-cost"] == "0.000066"
        sent = bedrock.requests[-1]
        assert sent.path == "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
        auth = sent.headers["authorization"]
        assert auth.startswith(f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/")
        assert f"/{AWS_REGION}/bedrock/aws4_request" in auth
        assert "x-amz-date" in sent.headers
        assert sent.body == {
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "system": [{"text": "be brief"}],
            "inferenceConfig": {"temperature": 0.5, "maxTokens": 100},
        }
        r = await ask(c, st, "br", True)
        assert bedrock.requests[-1].path.endswith("/converse-stream")
        objects, raw, comments = sse_events(r.text)
        texts = [o["choices"][0]["delta"].get("content") for o in objects if o["choices"]]
        assert texts == ["Hey", " from", " Bedrock", None]
        assert objects[-1]["usage"]["total_tokens"] == 10
        assert raw[-1] == "[DONE]"
        assert comments == [": x-routeiq-response-cost=0.000066"]


async def test_a_provider_on_litellm_generic_path_mistral() -> None:
    """``mistral/``: no adapter of its own; litellm's config class and stream handler
    for an OpenAI-like API, here against the gateway's own OpenAI-format mock."""
    async with trio.open_nursery() as nursery:
        mock, base = await start_mock(nursery)
        extra = [
            {
                "model_name": "mis",
                "litellm_params": {
                    "model": "mistral/mistral-small-latest",
                    "api_base": base,
                    "api_key": "k",
                },
                "model_info": {"id": "dep-mis"},
            }
        ]
        async with provider_stack(extra_models=extra) as st, httpx.AsyncClient(timeout=30) as c:
            r = await ask(c, st, "mis", False)
            body = r.json()
            assert body["choices"][0]["message"]["content"] == (
                "This is the mock upstream answering: hi"
            )
            prices = load_price_map()["mistral/mistral-small-latest"]
            usage = body["usage"]
            cost = (
                usage["prompt_tokens"] * prices.input + usage["completion_tokens"] * prices.output
            )
            assert r.headers["x-routeiq-response-cost"] == format_usd(cost).decode()
            r = await ask(c, st, "mis", True)
            objects, raw, _ = sse_events(r.text)
            text = "".join(
                o["choices"][0]["delta"].get("content") or "" for o in objects if o["choices"]
            )
            assert text == "This is the mock upstream answering: hi"
            assert raw[-1] == "[DONE]"
            assert mock.stats.requests == 2
        nursery.cancel_scope.cancel()
