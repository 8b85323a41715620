"""Bedrock without keys in the config: botocore's default chain and AWS_REGION, as LiteLLM."""

from __future__ import annotations

import httpx
import pytest
import trio

from tests.llm.translated.mock_others import AWS_KEY_ID, AWS_REGION, AWS_SECRET, MockBedrock
from tests.llm.translated.stack import provider_stack, serve

MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


async def test_bedrock_signs_with_the_default_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mock verifies the signature with these; the config names none of them.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_REGION", AWS_REGION)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")  # no profile on this machine
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    bedrock = MockBedrock()
    async with trio.open_nursery() as nursery:
        base = await serve(nursery, bedrock)
        extra = [
            {
                "model_name": "br",
                "litellm_params": {"model": f"bedrock/{MODEL}", "api_base": base},
                "model_info": {"id": "dep-br"},
            }
        ]
        async with provider_stack(extra_models=extra) as st, httpx.AsyncClient(timeout=30) as c:
            body = {"model": "br", "messages": [{"role": "user", "content": "hi"}]}
            r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=body)
            assert r.status_code == 200, r.text
            auth = bedrock.requests[-1].headers["authorization"]
            assert auth.startswith(f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/")
            assert f"/{AWS_REGION}/bedrock/aws4_request" in auth
        nursery.cancel_scope.cancel()
