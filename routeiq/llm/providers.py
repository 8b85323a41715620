"""Upstream request building for providers that speak the OpenAI format.

I/O-free: given a deployment and an endpoint, produce the URL and headers.
The request body is the client's parsed body with ``model`` replaced and is
serialised exactly once by the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routeiq.deployment import Deployment

# provider prefix -> (default api_base, needs api_version)
_PASS_THROUGH: dict[str, tuple[str | None, bool]] = {
    "openai": ("https://api.openai.com/v1", False),
    "azure": (None, True),
    "hosted_vllm": (None, False),
    "vllm": (None, False),
    "ollama": ("http://localhost:11434/v1", False),
    "ollama_chat": ("http://localhost:11434/v1", False),
    "openai_like": (None, False),
    "custom_openai": (None, False),
    "lm_studio": ("http://localhost:1234/v1", False),
}
PASS_THROUGH = frozenset(_PASS_THROUGH)

ENDPOINT_PATHS = {
    "chat": "/chat/completions",
    "embeddings": "/embeddings",
    # routeiq.surfaces.raw: OpenAI-format endpoints relayed as they are
    "completions": "/completions",
    "moderations": "/moderations",
    "images": "/images/generations",
    "speech": "/audio/speech",
    "transcriptions": "/audio/transcriptions",
    "rerank": "/rerank",
    "messages": "/messages",  # Anthropic pass-through (routeiq.surfaces.raw)
    "responses": "/responses",  # OpenAI's Responses API (routeiq.surfaces.responses_native)
}


def split_model(model: str) -> tuple[str, str]:
    """``"openai/gpt-4o"`` -> ``("openai", "gpt-4o")``; no prefix means OpenAI (as LiteLLM)."""
    provider, sep, name = model.partition("/")
    if not sep:
        return "openai", model
    return provider, name


def provider_defaults(provider: str) -> tuple[str | None, bool]:
    return _PASS_THROUGH[provider]


def upstream_url(dep: Deployment, endpoint: str) -> str:
    path = ENDPOINT_PATHS[endpoint]
    if dep.provider == "azure" and endpoint == "responses":
        # Azure's Responses API is per resource, not per deployment (``model`` names it).
        root = dep.api_base.split("/openai/", 1)[0].rstrip("/")
        return f"{root}/openai/responses?api-version={dep.api_version}"
    if dep.provider == "azure":
        base = dep.api_base
        if "/openai/deployments/" not in base:
            base = f"{base}/openai/deployments/{dep.upstream_model}"
        return f"{base}{path}?api-version={dep.api_version}"
    if dep.provider in ("ollama", "ollama_chat") and not dep.api_base.endswith("/v1"):
        return f"{dep.api_base}/v1{path}"
    return f"{dep.api_base}{path}"


def upstream_headers(dep: Deployment, request_id: str) -> dict[str, str]:
    headers = {"content-type": "application/json", "x-request-id": request_id}
    if dep.api_key:
        if dep.provider == "azure":
            headers["api-key"] = dep.api_key
        else:
            headers["authorization"] = f"Bearer {dep.api_key}"
    for k, v in dep.extra_headers:
        headers[k.lower()] = v
    return headers
