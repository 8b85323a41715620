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

import orjson

_SPACE = frozenset(b" \t\r\n")
_KEY_BEFORE = frozenset(b"{,")
_COLON, _QUOTE, _BACKSLASH = ord(":"), ord('"'), ord("\\")


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
    i = doc.find(b'"model"')
    if i < 0:
        return doc
    span = _value_span(doc, i)
    if span is None:  # not provably the top-level key's string value: parse
        return _stamp_parsed(doc, model)
    start, end = span
    if doc[start:end] == model:
        return doc
    return doc[:start] + model + doc[end:]


def _value_span(doc: bytes, i: int) -> tuple[int, int] | None:
    """Where the string value of the ``"model"`` key at ``i`` is (quotes included),
    when it is certainly the top-level key: in valid JSON a ``"model"`` right after
    ``{`` or ``,`` is a key, and with one ``{`` and no ``[`` before it, a top-level
    one. ``None`` when that cannot be shown cheaply (then the caller parses)."""
    j = i - 1
    while j >= 0 and doc[j] in _SPACE:
        j -= 1
    if j < 0 or doc[j] not in _KEY_BEFORE or doc.count(b"{", 0, i) != 1:
        return None
    if doc.find(b"[", 0, i) != -1:
        return None
    k = i + 7
    while k < len(doc) and doc[k] in _SPACE:
        k += 1
    if k >= len(doc) or doc[k] != _COLON:
        return None
    k += 1
    while k < len(doc) and doc[k] in _SPACE:
        k += 1
    if k >= len(doc) or doc[k] != _QUOTE:
        return None
    end = doc.find(b'"', k + 1)
    if end < 0 or doc[end - 1] == _BACKSLASH:  # an escaped quote in the name: rare
        return None
    return k, end + 1


def _stamp_parsed(doc: bytes, model: bytes) -> bytes:
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
    if piece.startswith(b"data: {") and piece.find(b"\ndata:") == -1:  # one event
        end = len(piece.rstrip())
        return b"data: " + stamp_body(piece[6:end], model) + piece[end:]
    lines = piece.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"data:") and b'"model"' in line:
            head = 6 if line.startswith(b"data: ") else 5
            lines[i] = line[:head] + stamp_body(line[head:], model)
    return b"\n".join(lines)


class StreamStamper:
    """:func:`stamp_events` for one stream, learning the upstream's literal.

    Every chunk of a stream comes from one producer with one shape: once the first
    chunk's top-level ``"model": "<upstream name>"`` is found the long way, later
    chunks are checked and rewritten with two ``find`` calls and a splice (a chunk
    that does not match exactly takes the long way again)."""

    __slots__ = ("model", "new", "old")

    def __init__(self, model: bytes) -> None:
        self.model = model
        self.old: bytes | None = None  # b'"model":"mock-small"' as the upstream wrote it
        self.new = b""

    def __call__(self, piece: bytes) -> bytes:
        old = self.old
        if old is not None:
            i = piece.find(old)
            if (
                i > 0
                and piece.find(b'"model"') == i
                and piece.find(b"[", 0, i) == -1
                and piece.find(b"\ndata:", i) == -1
            ):
                return piece[:i] + self.new + piece[i + len(old) :]
        if not piece.startswith(b"data: {") or piece.find(b"\ndata:") != -1:
            return stamp_events(piece, self.model)
        i = piece.find(b'"model"')
        span = _value_span(piece, i) if i > 6 else None
        if span is None:
            return stamp_events(piece, self.model)
        start, end = span
        self.old = piece[i:end]
        self.new = piece[i:start] + self.model
        return piece[:start] + self.model + piece[end:]
