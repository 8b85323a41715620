"""Complete a deployment's ``litellm_params`` the way LiteLLM would (I/O-free).

Called by the config loader for every ``model_list`` entry before it becomes a
``Deployment``: entry-level ``tpm``/``rpm`` (LiteLLM reads them there too), the
``credential_list`` entry named by ``litellm_credential_name``, then provider
keys, bases, Azure's API version and the AWS region from the environment
(``environment_variables`` in the file override the process's, as in LiteLLM).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fnmatch import fnmatchcase
from typing import Any

from pydantic import BaseModel, ValidationError

from routeiq.compat.credentials import fill_from_env, merge_credential

ENV_PREFIX = "os.environ/"


def config_env(data: Mapping[str, Any], base: Mapping[str, str]) -> Mapping[str, str]:
    """The environment the config sees: the process's, overridden by the file's
    ``environment_variables`` (entries that are themselves env references are skipped)."""
    extra = data.get("environment_variables")
    if not isinstance(extra, Mapping) or not extra:
        return base
    merged = dict(base)
    for key, value in extra.items():
        if value is None or (isinstance(value, str) and value.startswith(ENV_PREFIX)):
            continue
        merged[str(key)] = str(value)
    return merged


def credential_map(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``credential_list`` as ``{credential_name: credential_values}``."""
    out: dict[str, Mapping[str, Any]] = {}
    entries = data.get("credential_list")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("credential_values"), Mapping):
            out[str(entry.get("credential_name"))] = entry["credential_values"]
    return out


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def resolve_params(
    entry: Any,
    provider: str,
    credentials: Mapping[str, Mapping[str, Any]],
    env: Mapping[str, str],
    where: str,
) -> list[tuple[str, str]]:
    """Complete ``entry.litellm_params`` in place (a new validated model); return problems."""
    current: BaseModel = entry.litellm_params
    params = current.model_dump(exclude_none=True)
    for key in ("tpm", "rpm"):
        value = (entry.model_extra or {}).get(key)
        if value is not None and params.get(key) is None:
            params[key] = value
    problems = merge_credential(params, credentials, where)
    problems += fill_from_env(provider, params, env, where)
    if problems:
        return problems
    try:
        entry.litellm_params = type(current).model_validate(params)
    except ValidationError as exc:
        return [(f"{where}.{_path(tuple(e['loc']))}", e["msg"]) for e in exc.errors()]
    return []


#: litellm_params that are request params: merged under the request's own.
DEFAULT_PARAMS = frozenset(
    """temperature max_tokens max_completion_tokens top_p n stop presence_penalty
    frequency_penalty seed user response_format logit_bias logprobs top_logprobs
    reasoning_effort parallel_tool_calls tool_choice tools service_tier extra_body
    dimensions encoding_format""".split()
)
#: litellm_settings keys that mean the same as in router_settings.
ROUTER_KEYS = {
    "fallbacks": "fallbacks",
    "context_window_fallbacks": "context_window_fallbacks",
    "default_fallbacks": "default_fallbacks",
    "num_retries": "num_retries",
    "request_timeout": "timeout",
}


def split_defaults(
    extras: Mapping[str, Any], extra_headers: Mapping[str, str] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The deployment's default request params, and its headers (``organization``
    becomes ``OpenAI-Organization``, as LiteLLM sends it)."""
    defaults = {k: v for k, v in extras.items() if k in DEFAULT_PARAMS}
    extra_body = defaults.pop("extra_body", None)
    if isinstance(extra_body, Mapping):
        defaults.update(extra_body)  # sent as top-level fields, as the OpenAI SDK does
    headers = dict(extra_headers or {})
    org = extras.get("organization")
    if org and not any(k.lower() == "openai-organization" for k in headers):
        headers["OpenAI-Organization"] = str(org)
    return defaults, headers


def litellm_router_settings(data: dict[str, Any]) -> None:
    """Copy ``litellm_settings`` keys that mean the same as in ``router_settings``
    into it (in place); a value set in ``router_settings`` wins."""
    lsettings = data.get("litellm_settings")
    if not isinstance(lsettings, Mapping):
        return
    present = {k: lsettings[k] for k in ROUTER_KEYS if k in lsettings}
    if not present:
        return
    router = data.get("router_settings")
    router = dict(router) if isinstance(router, Mapping) else {}
    for key, value in present.items():
        router.setdefault(ROUTER_KEYS[key], value)
    data["router_settings"] = router


def router_group_problems(router: Any, groups: Collection[str]) -> list[tuple[str, str]]:
    """Aliases, fallbacks and default fallbacks that name no model group (a wildcard
    group such as ``openai/*`` serves every name it matches)."""
    problems: list[tuple[str, str]] = []
    aliases = router.model_group_alias
    for alias, target in aliases.items():
        name = target if isinstance(target, str) else target.model
        if name not in groups:
            problems.append(
                (f"router_settings.model_group_alias.{alias}", f"unknown model group {name!r}")
            )
    wildcards = [g for g in groups if "*" in g]

    def served(name: str) -> bool:
        return name in groups or name in aliases or any(fnmatchcase(name, w) for w in wildcards)

    for section in ("fallbacks", "context_window_fallbacks"):
        for i, entry in enumerate(getattr(router, section)):
            for src, targets in entry.items():
                problems.extend(
                    (f"router_settings.{section}[{i}].{src}", f"unknown model group {t!r}")
                    for t in targets
                    if not served(t)
                )
    problems.extend(
        (f"router_settings.default_fallbacks[{i}]", f"unknown model group {t!r}")
        for i, t in enumerate(router.default_fallbacks)
        if not served(t)
    )
    return problems
