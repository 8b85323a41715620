"""``/v1/rerank`` sent to rerank providers in their own API (Cohere, Jina AI). I/O-free.

The gateway's rerank surface speaks Cohere's format (``query``, ``documents``,
``top_n``; ``results[].index``/``relevance_score``), which is also LiteLLM's
``/rerank``. A deployment of an OpenAI-format server gets it at ``<api_base>/rerank``
(``surfaces/raw.py``); a ``cohere/`` or ``jina_ai/`` deployment gets it at its
provider's own rerank path with a bearer key, the body unchanged but ``model``
(Cohere's v2 API and Jina's take this very format, so nothing is translated), and
the answer is relayed as it is (its ``meta.billed_units.search_units`` or
``usage.total_tokens`` are what ``surfaces/metering.py`` prices). Without
``api_base`` such a deployment calls the provider's public host, as LiteLLM does.
Other providers LiteLLM reranks through (Voyage, Bedrock, Together, Azure AI) keep
the 400 that names the deployment.
"""

from __future__ import annotations

import httpx

from routeiq.deployment import Deployment
from routeiq.llm.rerank_hosts import RERANK_PROVIDERS


def is_native_rerank(dep: Deployment, endpoint: str) -> bool:
    return endpoint == "rerank" and dep.provider in RERANK_PROVIDERS


def rerank_call(dep: Deployment) -> tuple[httpx.URL, dict[str, str]]:
    """URL and headers of ``dep``'s provider rerank API (an api_base that already
    names a version, ``.../v1`` or ``.../v2``, gets ``/rerank`` only)."""
    base = dep.api_base.rstrip("/")
    path = RERANK_PROVIDERS[dep.provider][1]
    if base.endswith(("/v1", "/v2")):
        path = "/rerank"
    headers = {"content-type": "application/json", "accept": "application/json"}
    if dep.api_key:
        headers["authorization"] = f"Bearer {dep.api_key}"
    for k, v in dep.extra_headers:
        headers[k.lower()] = v
    return httpx.URL(base + path), headers
