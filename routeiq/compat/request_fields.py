"""LiteLLM's own request-body fields: kept at the gateway, never sent to a provider.

A LiteLLM proxy reads these from a chat or embeddings body and calls the provider
without them. The gateway used to forward them all, so a LiteLLM client pointed at it
got the provider's 400 (OpenAI: ``Unrecognized request argument supplied: tags``;
``metadata`` values must be strings, so ``metadata.tags`` as LiteLLM documents it is
refused) after an upstream round trip, or the request quietly lost its meaning.

- :data:`KEPT_HERE`: information for the gateway (tags, trace and session ids, cache
  controls, logging switches). Dropped from the upstream body.
- ``metadata``: LiteLLM's is a free-form object (``tags`` lists, nested objects).
  Upstream it keeps only OpenAI's shape: string values; numbers and booleans as their
  JSON text; lists, objects and nulls stay at the gateway (tag routing, affinity and
  learned routing read the request before this).
- :data:`REFUSED`: per-request routing, credentials, guardrails and prompt templates
  LiteLLM would act on. The gateway does not, and ignoring them would change what the
  request means (another model, another key), so they are a 400 naming the field.

I/O-free: :func:`check_fields` runs once per request before governance, and
:func:`upstream_body` when the upstream body is built (the original request is left
as it is; a request with none of these fields is returned unchanged, no copy).
"""

from __future__ import annotations

from typing import Any

from routeiq.errors import BadRequest

KEPT_HERE = frozenset(
    {
        "tags",
        "caching",
        "cache",
        "ttl",
        "no-log",
        "litellm_session_id",
        "litellm_trace_id",
        "litellm_call_id",
        "litellm_metadata",
        "mock_timeout",
    }
)
REFUSED: dict[str, str] = {
    "fallbacks": "per-request fallbacks; configure router_settings.fallbacks",
    "context_window_fallbacks": "per-request fallbacks; configure router_settings",
    "num_retries": "per-request retries; configure router_settings.num_retries",
    "max_retries": "per-request retries; configure router_settings.num_retries",
    "mock_testing_fallbacks": "fallback testing; use mock_response",
    "disable_fallbacks": "per-request fallback switch",
    "guardrails": "per-request guardrails; configure routeiq.guardrails",
    "api_key": "client-side credentials",
    "api_base": "client-side credentials",
    "base_url": "client-side credentials",
    "api_version": "client-side credentials",
    "prompt_id": "LiteLLM prompt management",
    "prompt_variables": "LiteLLM prompt management",
}
_FIELDS = KEPT_HERE | {"metadata"}


def check_fields(req: dict[str, Any]) -> None:
    """A 400 naming the first LiteLLM field this gateway refuses to ignore."""
    if REFUSED.keys().isdisjoint(req):
        return
    for name in req:
        why = REFUSED.get(name)
        if why is not None:
            raise BadRequest(
                f"'{name}' is a LiteLLM request field this gateway does not support ({why})",
                param=name,
                code="unsupported_parameter",
            )


def _openai_metadata(meta: Any) -> dict[str, str] | None:
    if not isinstance(meta, dict):
        return None
    out: dict[str, str] = {}
    for key, value in meta.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, int | float):
            out[key] = repr(value)
    return out or None


def upstream_body(req: dict[str, Any]) -> dict[str, Any]:
    """``req`` without the fields a provider must not see (a shallow copy if any)."""
    if _FIELDS.isdisjoint(req):
        return req
    meta = req.get("metadata")
    if KEPT_HERE.isdisjoint(req) and _is_openai_shape(meta):
        return req  # only a metadata OpenAI accepts as it is
    body = {k: v for k, v in req.items() if k not in _FIELDS}
    shaped = _openai_metadata(meta)
    if shaped is not None:
        body["metadata"] = shaped
    return body


def _is_openai_shape(meta: Any) -> bool:
    return isinstance(meta, dict) and bool(meta) and all(isinstance(v, str) for v in meta.values())
