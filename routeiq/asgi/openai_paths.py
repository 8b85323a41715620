"""LiteLLM's unversioned OpenAI paths, spelt the one way the gateway routes them.

LiteLLM serves every OpenAI endpoint both as ``/v1/<endpoint>`` and as ``/<endpoint>``,
and its documentation points the OpenAI SDK at ``base_url="http://proxy:4000"`` (no
``/v1``), so the SDK posts to ``/completions``, ``/responses``, ``/moderations``,
``/images/generations``, ``/audio/speech``... The gateway answered those with 404.
Cohere's v2 rerank path (``/v2/rerank``, also served by LiteLLM) is the same endpoint
here.

The request-id middleware rewrites such a path to its ``/v1`` spelling before any
other middleware sees it, so auth, policy rules, limits and logs all see one path per
endpoint (a policy on ``/v1/completions`` cannot be stepped around through
``/completions``). Paths that are no OpenAI endpoint (``/health``, ``/mcp``, the admin
API...) are left alone. I/O-free.
"""

from __future__ import annotations

#: First path segments LiteLLM serves without ``/v1``.
UNVERSIONED = frozenset(
    {
        "chat",
        "completions",
        "embeddings",
        "models",
        "responses",
        "moderations",
        "images",
        "audio",
        "rerank",
    }
)


def versioned_path(path: str) -> str | None:
    """The ``/v1`` spelling of an unversioned OpenAI path, else ``None``."""
    if path.startswith("/v1/"):
        return None
    if path == "/v2/rerank":
        return "/v1/rerank"
    end = path.find("/", 1)
    first = path[1:] if end == -1 else path[1:end]
    if first in UNVERSIONED:
        return "/v1" + path
    return None
