"""The response's ``model`` field as LiteLLM's proxy returns it. I/O-free.

LiteLLM 1.110.2 (checked against its proxy on the project's mock upstream) answers
with the model *the client asked for* in the OpenAI ``model`` field, not the
deployment's upstream name: a request for the group ``gpt-4o-mini`` served by
``openai/mock-small`` answers ``"model": "gpt-4o-mini"``; for an alias
(``model_group_alias``) the alias; for a wildcard deployment (``wild/*``) the name
asked (``wild/foo-model``); streamed chunks likewise. Two exceptions:

- after a fallback, a non-streamed body keeps the upstream's own name, while a
  stream's chunks name the fallback's model group;
- a learned route (LiteLLM's auto routers return the raw model name the same way):
  the body names the model that answered, which is the point of the route.

:func:`stamp_for` decides the name (or ``None``: leave the body alone);
:func:`stamp_body` and :func:`stamp_events` rewrite a JSON body and SSE events
without a full parse in the usual case (the top-level ``model`` key comes before
any nested object in OpenAI's and every OpenAI-compatible server's answers); a body
where that cannot be proven is parsed and re-serialised instead.
"""

from __future__ import annotations

import re

import orjson

_MODEL_KEY = re.compile(rb'"model"\s*:\s*"(?:[^"\\]|\\.)*"')
_KEY_START = re.compile(rb"[{,]\s*$")


def stamp_for(
    requested: str | None,
    served_group: str | None,
    *,
    fallbacks: int,
    stream: bool,
    learned_route: bool,
) -> bytes | None:
    """The JSON-encoded name to put in ``model``, or ``None`` to leave the answer as
    the upstream wrote it (see the module docstring for LiteLLM's rule)."""
    if learned_route or requested is None:
        return None
    if fallbacks:
        if not stream or served_group is None:
            return None
        return orjson.dumps(served_group)
    return orjson.dumps(requested)


def stamp_body(doc: bytes, model: bytes) -> bytes:
    """``doc`` (a JSON object) with its top-level ``model`` string set to ``model``
    (already JSON-encoded); unchanged when it has none or is not JSON."""
    match = _MODEL_KEY.search(doc)
    if match is None:
        return doc
    prefix = doc[: match.start()]
    # Valid JSON: a '"model"' right after '{' or ',' is a key, and with a single '{'
    # and no '[' before it the key is at the top level.
    if prefix.count(b"{") == 1 and b"[" not in prefix and _KEY_START.search(prefix):
        value_start = doc.index(b'"', doc.index(b":", match.start() + 7))
        if doc[value_start : match.end()] == model:
            return doc
        return doc[:value_start] + model + doc[match.end() :]
    try:
        obj = orjson.loads(doc)
    except orjson.JSONDecodeError:
        return doc
    if not isinstance(obj, dict) or not isinstance(obj.get("model"), str):
        return doc
    obj["model"] = orjson.loads(model)
    return orjson.dumps(obj)


def stamp_events(piece: bytes, model: bytes) -> bytes:
    """SSE text with the ``model`` of each ``data: {...}`` event's JSON stamped."""
    if b'"model"' not in piece:
        return piece
    lines = piece.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"data:") and b'"model"' in line:
            head = 6 if line.startswith(b"data: ") else 5
            lines[i] = line[:head] + stamp_body(line[head:], model)
    return b"\n".join(lines)
