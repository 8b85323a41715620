"""Cache keys, cacheability and the semantic query: the I/O-free core of the cache.

Nothing here imports trio or does I/O; every function is a plain function of the
parsed request body (a ``dict`` as decoded by orjson) and the request headers.

Exact key
    ``exact_key`` is a blake2b digest of the canonical JSON (orjson, sorted keys) of
    everything that determines the answer: the caller's cache namespace, the model
    group, the normalised messages and the answer-determining parameters.

    Left out because they never change the answer: ``user``, ``metadata``, ``stream``,
    ``stream_options``, timeouts, request ids, ``store``, ``service_tier`` and the
    other names in ``IGNORED_FIELDS``. Any *other* field is kept verbatim: an unknown
    parameter might change the answer, and including it can only cost hits, never
    serve a wrong answer.

Normalisation (what two requests may differ in and still share a key)
    * text: Unicode NFC, ``\\r\\n``/``\\r`` to ``\\n``, trailing spaces and tabs of each
      line dropped, leading and trailing whitespace of the whole text dropped.
      Inner whitespace is kept as is in the exact key: indentation and blank lines
      are meaningful in code and in prompts that quote it.
    * content parts: a list holding a single text part equals the plain string;
      otherwise each part keeps its type and fields with text normalised.
      ``None`` and ``""`` content are the same.
    * messages keep ``role``, ``content``, ``name``, ``tool_calls`` and
      ``tool_call_id`` (the latter three change the answer); other message fields
      (``refusal``, ``annotations``, ...) are dropped.
    * numbers: ``1`` and ``1.0`` are the same temperature / top_p / penalty.
    * ``stop``: a string equals a one-element list; order and duplicates do not matter.
    * defaults that OpenAI documents are filled in (``n`` = 1, ``temperature`` = 1.0,
      ``top_p`` = 1.0), so an explicit default equals an omitted one.
    * ``max_tokens`` and ``max_completion_tokens`` stay distinct fields: for
      reasoning models they mean different things.

Semantic query
    The embedded text is the *last user turn only*, with all whitespace collapsed.
    The system prompt (normalised) and every earlier turn go into the semantic
    fingerprint instead, so a semantic hit needs the same system prompt, the same
    history and the same answer-determining parameters, and only the last user
    turn may be paraphrased. Why not embed the system prompt too: measured with
    all-MiniLM-L6-v2, a 616-character support system prompt in front of
    "What is 2+2?" / "What is 2+3?" gives cosine 0.987 (0.888 without it), above the
    0.95 threshold, and the model truncates at 256 word pieces, so a long system
    prompt would push the question out of the embedding altogether.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson

from routeiq.cache.cacheable import (
    DEFAULT_TEMPERATURE,
    DEFAULT_TEMPERATURE_CEILING,
    CacheDecision,
    Headers,
    Reason,
    cacheable,
)

__all__ = [
    "DEFAULT_TEMPERATURE",
    "DEFAULT_TEMPERATURE_CEILING",
    "IGNORED_FIELDS",
    "CacheDecision",
    "Headers",
    "Reason",
    "SemanticQuery",
    "answer_params",
    "cacheable",
    "canonical_json",
    "exact_key",
    "normalise_messages",
    "normalise_text",
    "params_fingerprint",
    "semantic_query",
    "semantic_text",
]

#: Request fields that never change the answer and so never reach the key.
IGNORED_FIELDS = frozenset(
    {
        "model",  # replaced by the resolved model group
        "messages",  # normalised separately
        "user",
        "metadata",
        "stream",
        "stream_options",
        "timeout",
        "request_timeout",
        "request_id",
        "extra_headers",
        "store",
        "service_tier",
        "prompt_cache_key",
        "safety_identifier",
        "cache",  # LiteLLM's per-request cache controls
    }
)

# Parameters whose value is a number: 1 and 1.0 must hash the same.
_FLOAT_PARAMS = ("temperature", "top_p", "frequency_penalty", "presence_penalty")
_FILLED_DEFAULTS: dict[str, Any] = {"n": 1, "temperature": DEFAULT_TEMPERATURE, "top_p": 1.0}
_MESSAGE_FIELDS = ("role", "content", "name", "tool_calls", "tool_call_id")
_SYSTEM_ROLES = frozenset({"system", "developer"})
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_ANY_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Exact-key text normalisation (see the module docstring)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_SPACE.sub("\n", text).strip()


def _semantic_normalise(text: str) -> str:
    # The embedding model is uncased and whitespace-blind; collapsing makes the
    # text (and the fingerprint's copy of the system prompt) stable anyway.
    return _ANY_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _normalise_part(part: Any) -> Any:
    if isinstance(part, Mapping) and part.get("type") == "text":
        return {"type": "text", "text": normalise_text(str(part.get("text") or ""))}
    return part


def _normalise_content(content: Any) -> Any:
    if content is None:
        return ""
    if isinstance(content, str):
        return normalise_text(content)
    if isinstance(content, list):
        parts = [_normalise_part(p) for p in content]
        if len(parts) == 1 and isinstance(parts[0], dict) and parts[0].get("type") == "text":
            return parts[0]["text"]
        return parts
    return content


def normalise_messages(messages: Any) -> list[dict[str, Any]]:
    """Messages reduced to the fields that change the answer, text normalised."""
    if not isinstance(messages, list):
        return []
    out: list[dict[str, Any]] = []
    for message in messages:
        if not isinstance(message, Mapping):
            out.append({"raw": message})
            continue
        kept = {f: message[f] for f in _MESSAGE_FIELDS if message.get(f) is not None}
        kept["content"] = _normalise_content(message.get("content"))
        out.append(kept)
    return out


def _normalise_stop(stop: Any) -> Any:
    if stop is None:
        return None
    if isinstance(stop, str):
        stop = [stop]
    if isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        return sorted(set(stop)) or None
    return stop


def answer_params(request: Mapping[str, Any]) -> dict[str, Any]:
    """Every answer-determining request field except the messages, canonicalised."""
    params = {k: v for k, v in request.items() if k not in IGNORED_FIELDS and v is not None}
    for name, default in _FILLED_DEFAULTS.items():
        params.setdefault(name, default)
    for name in _FLOAT_PARAMS:
        value = params.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            params[name] = float(value)
    if "stop" in params:
        stop = _normalise_stop(params.pop("stop"))
        if stop is not None:
            params["stop"] = stop
    return params


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace; non-JSON values via ``str``."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)


def _digest(value: Any) -> str:
    return hashlib.blake2b(canonical_json(value), digest_size=16).hexdigest()


def exact_key(request: Mapping[str, Any], *, model_group: str, namespace: str) -> str:
    """The exact-tier key: 32 hex chars, equal iff the answer-determining parts are."""
    return _digest(
        {
            "ns": namespace,
            "model": model_group,
            "messages": normalise_messages(request.get("messages")),
            "params": answer_params(request),
        }
    )


# --- semantic query ----------------------------------------------------------------


class SemanticQuery(NamedTuple):
    """What the semantic tier embeds (``text``) and must match exactly (``fingerprint``)."""

    text: str
    fingerprint: str


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text") or "")
            for p in content
            if isinstance(p, Mapping) and p.get("type") == "text"
        )
    return ""


def _last_user_index(messages: list[Any]) -> int | None:
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        if isinstance(m, Mapping) and m.get("role") == "user":
            return i
    return None


def semantic_text(messages: Any) -> str | None:
    """The last user turn, whitespace collapsed; ``None`` if there is no usable text."""
    if not isinstance(messages, list):
        return None
    i = _last_user_index(messages)
    if i is None:
        return None
    text = _semantic_normalise(_content_text(messages[i].get("content")))
    return text or None


def params_fingerprint(request: Mapping[str, Any], *, model_group: str, namespace: str) -> str:
    """Hash of everything a semantic hit must share except the last user turn.

    That is the namespace, model group, answer-determining parameters, the system
    prompts (whitespace-collapsed) and every other turn (exact-normalised), including
    any non-text parts (images) of the last user turn.
    """
    messages = request.get("messages")
    messages = messages if isinstance(messages, list) else []
    last = _last_user_index(messages)
    systems: list[str] = []
    context: list[Any] = []
    for i, m in enumerate(messages):
        if isinstance(m, Mapping) and m.get("role") in _SYSTEM_ROLES:
            systems.append(_semantic_normalise(_content_text(m.get("content"))))
        elif i == last:
            # A placeholder keeps the turn's position; its non-text parts must match.
            content = m.get("content")
            extra = []
            if isinstance(content, list):
                extra = [p for p in content if not _is_text_part(p)]
            context.append({"last_user": extra, "name": m.get("name")})
        else:
            context.extend(normalise_messages([m]))
    return _digest(
        {
            "ns": namespace,
            "model": model_group,
            "params": answer_params(request),
            "system": systems,
            "context": context,
        }
    )


def _is_text_part(part: Any) -> bool:
    return isinstance(part, Mapping) and part.get("type") == "text"


def semantic_query(
    request: Mapping[str, Any], *, model_group: str, namespace: str
) -> SemanticQuery | None:
    """The semantic tier's input for a request, or ``None`` if it has no user text."""
    text = semantic_text(request.get("messages"))
    if text is None:
        return None
    return SemanticQuery(
        text, params_fingerprint(request, model_group=model_group, namespace=namespace)
    )
