"""Complete a deployment's ``litellm_params`` the way LiteLLM would (I/O-free).

Called by the config loader for every ``model_list`` entry before it becomes a
``Deployment``: entry-level ``tpm``/``rpm`` (LiteLLM reads them there too), the
``credential_list`` entry named by ``litellm_credential_name``, then provider
keys, bases, Azure's API version and the AWS region from the environment
(``environment_variables`` in the file override the process's, as in LiteLLM).
"""

from __future__ import annotations

from collections.abc import Mapping
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
