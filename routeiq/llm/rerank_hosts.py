"""Rerank providers called in their own API (no translation): their public host and
rerank path (``surfaces/rerank_native.py``). Imports nothing of routeiq."""

from __future__ import annotations

#: provider -> (public host, rerank path under it)
RERANK_PROVIDERS: dict[str, tuple[str, str]] = {
    "cohere": ("https://api.cohere.com", "/v2/rerank"),
    "jina_ai": ("https://api.jina.ai", "/v1/rerank"),
}


def default_rerank_base(provider: str, mode: object) -> str | None:
    """The public host of a rerank-only deployment (``model_info.mode: rerank``) of a
    provider called natively; ``None`` otherwise."""
    if mode != "rerank" or provider not in RERANK_PROVIDERS:
        return None
    return RERANK_PROVIDERS[provider][0]
