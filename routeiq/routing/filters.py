"""Per-request deployment filters: tags and pre-call context checks (I/O-free).

Tags, as LiteLLM's ``enable_tag_filtering``: a request with tags is served by the
deployments carrying any of them, else by those tagged ``default``; a request without
tags by any deployment. Pre-call checks, as ``enable_pre_call_checks``: deployments
whose ``model_info.max_input_tokens`` is below the request's estimated prompt size
are skipped before any call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from routeiq.deployment import Deployment

DEFAULT_TAG = "default"
#: Characters per token of the estimate: tiktoken's cl100k averages ~4 on English.
CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4


def request_tags(req: Mapping[str, Any], header: bytes | None) -> frozenset[str] | None:
    """Tags of a request: ``metadata.tags`` and the top-level ``tags`` (lists; LiteLLM
    documents both) and the ``x-litellm-tags`` header."""
    tags: set[str] = set()
    meta = req.get("metadata")
    for listed in (meta.get("tags") if isinstance(meta, Mapping) else None, req.get("tags")):
        if isinstance(listed, list):
            tags.update(str(t) for t in listed if isinstance(t, str | int))
    if header:
        tags.update(t.strip() for t in header.decode("latin-1").split(",") if t.strip())
    return frozenset(tags) if tags else None


def by_tags(group: Sequence[Deployment], tags: frozenset[str] | None) -> list[Deployment]:
    if not tags:
        return list(group)
    tagged = [d for d in group if not tags.isdisjoint(d.tags)]
    if tagged:
        return tagged
    return [d for d in group if DEFAULT_TAG in d.tags]


def estimate_tokens(messages: Iterable[Any]) -> int:
    """A fast estimate of a chat prompt's tokens (no tokenizer: ~microseconds)."""
    chars = 0
    count = 0
    for m in messages:
        count += 1
        if not isinstance(m, Mapping):
            continue
        content = m.get("content")
        if isinstance(content, str):
            chars += len(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                    chars += len(part["text"])
    return chars // CHARS_PER_TOKEN + TOKENS_PER_MESSAGE * count


def context_limit(dep: Deployment) -> int | None:
    info = dep.model_info
    for key in ("max_input_tokens", "max_tokens"):
        value = info.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return None


def fits(dep: Deployment, tokens: int | None) -> bool:
    if tokens is None:
        return True
    limit = context_limit(dep)
    return limit is None or tokens <= limit
