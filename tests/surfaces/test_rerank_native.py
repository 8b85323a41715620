"""``/v1/rerank`` (Cohere format, LiteLLM's ``/rerank``) sent to a ``cohere/`` or
``jina_ai/`` deployment in its provider's own API: the provider's rerank path, a
bearer key, the body as the client sent it with the deployment's model. Real server
and mock upstream (standing in for the provider's host)."""

from __future__ import annotations

import pytest

from routeiq.config import load_config
from routeiq.surfaces.rerank_native import rerank_call
from tests.compat.stack import AUTH, litellm_stack

QUERY = {"query": "capital of France", "documents": ["Paris is in France", "Rome"], "top_n": 1}


@pytest.mark.parametrize("provider", ["cohere", "jina_ai"])
async def test_a_provider_rerank_deployment_gets_its_own_api(provider: str) -> None:
    """(The mock's base names a version, ``.../v1``: ``/rerank`` under it, as Cohere's v1
    API and Jina's have it; a bare host gets the provider's path, tested below.)"""
    data = {
        "model_list": [
            {
                "model_name": "reranker",
                "litellm_params": {
                    "model": f"{provider}/rerank-v3.5",
                    "api_base": "{up0}",
                    "api_key": "sk-provider",
                },
                "model_info": {"mode": "rerank"},
            }
        ]
    }
    async with litellm_stack(data) as s:
        r = await s.client.post(
            f"{s.url}/v1/rerank", json={"model": "reranker", **QUERY}, headers=AUTH
        )
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["index"] == 0
        seen = s.mocks[0].stats.last()
        assert seen.target == "/v1/rerank"
        assert seen.body == {**QUERY, "model": "rerank-v3.5"}


@pytest.mark.parametrize(
    ("provider", "url"),
    [("cohere", "https://api.cohere.com/v2/rerank"), ("jina_ai", "https://api.jina.ai/v1/rerank")],
)
def test_without_api_base_the_provider_s_public_host_is_called(provider: str, url: str) -> None:
    config = load_config(
        {
            "model_list": [
                {
                    "model_name": "r",
                    "litellm_params": {"model": f"{provider}/rerank-v3.5", "api_key": "k"},
                    "model_info": {"mode": "rerank"},
                }
            ]
        }
    )
    (dep,) = config.deployments
    built, headers = rerank_call(dep)
    assert str(built) == url
    assert headers["authorization"] == "Bearer k"
