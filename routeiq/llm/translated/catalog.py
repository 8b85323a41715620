"""Which providers are translated, and what their deployments need (I/O-free, no litellm).

Read by the config loader for every deployment whose provider is not an
OpenAI-format pass-through. It never imports litellm: the provider names
litellm knows are read from its installed source (the ``LlmProviders`` enum,
as text) and its endpoint table, once, and only when a config names such a
provider. The real check (litellm has a chat configuration class for the
provider) runs when litellm is imported at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import orjson

# Providers we know how to call, and their public API base when none is configured.
DEFAULT_BASES: dict[str, str] = {
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "mistral": "https://api.mistral.ai/v1",
    "groq": "https://api.groq.com/openai/v1",
    "deepseek": "https://api.deepseek.com/v1",
    "xai": "https://api.x.ai/v1",
    "cohere_chat": "https://api.cohere.com/v2/chat",
    "together_ai": "https://api.together.xyz/v1",
    "fireworks_ai": "https://api.fireworks.ai/inference/v1",
    "perplexity": "https://api.perplexity.ai",
    "cerebras": "https://api.cerebras.ai/v1",
    "openrouter": "https://openrouter.ai/api/v1",
}
#: vertex_ai's placeholder base: the real host is ``<location>-aiplatform.googleapis.com``.
VERTEX_DEFAULT = "https://aiplatform.googleapis.com/v1"

# Their credentials or endpoints come from OAuth, metadata services or SDK
# sessions that litellm would fetch itself (I/O outside our deadlines), or their
# streams need litellm's own HTTP client: not served through translation.
UNSUPPORTED: dict[str, str] = {
    "vertex_ai_beta": "needs Google OAuth tokens fetched by litellm",
    "sagemaker": "streams through litellm's own client",
    "sagemaker_chat": "streams through litellm's own client",
    "watsonx": "needs IAM tokens fetched by litellm",
    "oci": "streams through litellm's own client",
    "github_copilot": "needs an OAuth device flow",
    "chatgpt": "needs an OAuth device flow",
    "bedrock_mantle": "streams through litellm's own client",
    "auto_router": "LiteLLM's own learned router; RouteIQ's is model_info.router",
}

# Params that must be set per provider (besides the provider-agnostic ones).
_BEDROCK_AUTH = ("aws_access_key_id", "aws_secret_access_key")
_ENUM = re.compile(r'^\s+[A-Z0-9_]+\s*=\s*"([a-z0-9_\-]+)"', re.MULTILINE)
HINT = "pip install 'routeiq[providers]' (litellm)"


@cache
def litellm_providers() -> frozenset[str]:
    """Provider names litellm knows (empty if it is not installed). Read once."""
    from routeiq.pricing.table import litellm_dir  # here: routeiq.config imports this module

    root = litellm_dir()
    if root is None:
        return frozenset()
    names: set[str] = set()
    try:
        source = (root / "types" / "utils.py").read_text(encoding="utf-8")
        start = source.find("class LlmProviders(")
        if start >= 0:
            end = source.find("\nclass ", start + 1)
            names.update(_ENUM.findall(source[start : end if end > 0 else None]))
    except OSError:
        pass
    try:
        doc = orjson.loads((root / "provider_endpoints_support_backup.json").read_bytes())
        for name, entry in (doc.get("providers") or {}).items():
            if (entry.get("endpoints") or {}).get("chat_completions"):
                names.add(name)
    except (OSError, orjson.JSONDecodeError, AttributeError):
        pass
    return frozenset(names)


def bedrock_base(params: Mapping[str, Any]) -> str | None:
    region = params.get("aws_region_name")
    if isinstance(region, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        return f"https://bedrock-runtime.{region}.amazonaws.com"
    return None


def translated_defaults(
    provider: str, params: Mapping[str, Any], where: str
) -> tuple[str | None, list[tuple[str, str]]]:
    """Default api_base for a translated ``provider`` and the problems of its params.

    ``params`` are the deployment's ``litellm_params`` (as given, extras included);
    ``where`` is their key path for the messages. An empty problem list means the
    deployment can be served once litellm is imported at start-up.
    """
    problems: list[tuple[str, str]] = []
    known = litellm_providers()
    if not known:
        problems.append(
            (
                f"{where}.model",
                f"provider {provider!r} needs request translation by litellm, which is not "
                f"installed ({HINT}); OpenAI-format providers need nothing more",
            )
        )
        return None, problems
    if provider not in known:
        problems.append((f"{where}.model", f"unknown provider {provider!r}"))
        return None, problems
    if provider in UNSUPPORTED:  # printed as "unsupported: <path> (...)" (routeiq.config)
        problems.append(
            ("unsupported", f"{where}.model (provider {provider!r}: {UNSUPPORTED[provider]})")
        )
        return None, problems
    base = params.get("api_base") or None
    if provider == "bedrock":
        base = base or bedrock_base(params)
        if base is None:
            problems.append(
                (f"{where}.aws_region_name", "required for provider 'bedrock' (e.g. us-east-1)")
            )
        # A Bedrock API key, a static access key pair, or (neither) botocore's default
        # credential chain at start-up, as LiteLLM: environment, profile, IRSA, instance role.
        given = [name for name in _BEDROCK_AUTH if params.get(name)]
        if len(given) == 1:
            missing = next(n for n in _BEDROCK_AUTH if n not in given)
            problems.append((f"{where}.{missing}", f"required together with {given[0]}"))
        return base, problems
    if provider == "vertex_ai":  # Google OAuth from google-auth at start-up (llm.translated.vertex)
        return base or VERTEX_DEFAULT, problems
    base = base or DEFAULT_BASES.get(provider)
    if base is None:
        problems.append((f"{where}.api_base", f"required for provider {provider!r}"))
    if not params.get("api_key"):
        problems.append((f"{where}.api_key", f"required for provider {provider!r}"))
    return base, problems
