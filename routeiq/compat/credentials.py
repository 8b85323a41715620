"""Provider credentials and defaults as LiteLLM has them (I/O-free).

When a deployment's ``litellm_params`` has no ``api_key`` (or Azure's
``api_base``/``api_version``), LiteLLM reads the provider's conventional
environment variable. So does the gateway, once, at start-up; a key that is
needed and found nowhere is a start-up error naming the variable, never an
upstream call without auth. ``credential_list`` entries referenced by
``litellm_credential_name`` are merged under the deployment's own params.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The API version litellm 1.110.2 (the pinned ``providers`` extra) sends to
#: Azure when neither the deployment nor AZURE_API_VERSION sets one
#: (``litellm.AZURE_DEFAULT_API_VERSION``).
AZURE_DEFAULT_API_VERSION = "2025-02-01-preview"

#: provider -> the environment variable LiteLLM reads its key from.
KEY_ENV: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "azure": "AZURE_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "huggingface": "HUGGINGFACE_API_KEY",
    "cohere": "COHERE_API_KEY",
    "cohere_chat": "COHERE_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "xai": "XAI_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
    "voyage": "VOYAGE_API_KEY",
}
#: provider -> environment variables LiteLLM reads the API base from, in order.
BASE_ENV: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "azure": ("AZURE_API_BASE",),
    "anthropic": ("ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"),
}
#: Providers that serve whatever runs at ``api_base`` and need no key of their own.
KEYLESS = frozenset(
    {"hosted_vllm", "vllm", "ollama", "ollama_chat", "openai_like", "custom_openai", "lm_studio"}
)
REGION_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION")


def merge_credential(
    params: dict[str, Any], credentials: Mapping[str, Mapping[str, Any]], where: str
) -> list[tuple[str, str]]:
    """Merge the named credential's values under ``params`` (in place)."""
    name = params.pop("litellm_credential_name", None)
    if name is None:
        return []
    values = credentials.get(str(name))
    if values is None:
        known = ", ".join(sorted(credentials)) or "none"
        return [
            (
                f"{where}.litellm_credential_name",
                f"no credential {name!r} in credential_list (known: {known})",
            )
        ]
    for key, value in values.items():
        if params.get(key) is None:
            params[key] = value
    return []


def fill_from_env(
    provider: str, params: dict[str, Any], env: Mapping[str, str], where: str
) -> list[tuple[str, str]]:
    """Fill ``api_key``/``api_base``/``api_version``/``aws_region_name`` from ``env``
    where LiteLLM would (in place); return the problems of a needed value found nowhere."""
    problems: list[tuple[str, str]] = []
    if not params.get("api_base"):
        for name in BASE_ENV.get(provider, ()):
            if env.get(name):
                params["api_base"] = env[name]
                break
    if provider == "azure":
        if not params.get("api_version"):
            params["api_version"] = env.get("AZURE_API_VERSION") or AZURE_DEFAULT_API_VERSION
        if not params.get("api_base"):
            problems.append(
                (f"{where}.api_base", "not set, and AZURE_API_BASE is not set in the environment")
            )
    if provider == "bedrock":
        endpoint = params.get("aws_bedrock_runtime_endpoint")
        if endpoint and not params.get("api_base"):
            params["api_base"] = endpoint
        if not params.get("aws_region_name"):
            region = next((env[n] for n in REGION_ENV if env.get(n)), None)
            if region:
                params["aws_region_name"] = region
            else:
                problems.append(
                    (
                        f"{where}.aws_region_name",
                        "not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is set",
                    )
                )
        return problems  # credentials: static keys, an api_key, or botocore's default chain
    if params.get("api_key") or provider in KEYLESS:
        return problems
    key_env = KEY_ENV.get(provider)
    if key_env and env.get(key_env):
        params["api_key"] = env[key_env]
        return problems
    # An OpenAI-compatible server at a custom base may need no key (LiteLLM would
    # still send OPENAI_API_KEY when set, as done above).
    if provider == "openai" and params.get("api_base"):
        return problems
    if key_env:
        problems.append(
            (f"{where}.api_key", f"not set, and {key_env} is not set in the environment")
        )
    return problems
