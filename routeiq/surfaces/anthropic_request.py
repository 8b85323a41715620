"""Anthropic Messages request -> chat-completions body (I/O-free).

``system`` (string or text blocks) becomes a system message; ``text``, ``image``
and ``document`` blocks become chat content parts (a PDF a ``file`` part); an
assistant's ``tool_use`` blocks become its ``tool_calls``; a user's ``tool_result``
blocks become ``tool`` messages placed before the rest of that user turn (chat
requires them right after the call).
``thinking`` blocks are dropped (no chat equivalent). Every failure is a 400
naming the Anthropic ``param`` path.
"""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.errors import BadRequest
from routeiq.surfaces.checks import array, is_int, need, number, obj, tag, text, wrong

MAX_TOKENS = 1 << 31
_DROPPED_BLOCKS = frozenset({"thinking", "redacted_thinking"})


def _text_of(blocks: Any, param: str) -> str:
    """A string, or the text of an array of text blocks (system, tool_result content)."""
    if isinstance(blocks, str):
        return blocks
    out = []
    for i, block in enumerate(array(blocks, param)):
        block = obj(block, f"{param}[{i}]")
        kind = tag(block.get("type"))
        if kind == "text":
            out.append(text(block.get("text"), f"{param}[{i}].text"))
        elif kind != "image":  # an image in a tool result has no chat-text equivalent
            raise wrong(f"{param}[{i}].type", "'text'")
    return "\n".join(out)


def _image(block: dict[str, Any], param: str) -> dict[str, Any]:
    source = obj(need(block, "source", param + "."), param + ".source")
    kind = tag(source.get("type"))
    if kind == "base64":
        media = text(need(source, "media_type", param + ".source."), param + ".source.media_type")
        data = text(need(source, "data", param + ".source."), param + ".source.data")
        url = f"data:{media};base64,{data}"
    elif kind == "url":
        url = text(need(source, "url", param + ".source."), param + ".source.url")
    else:
        raise wrong(param + ".source.type", "'base64' or 'url'")
    return {"type": "image_url", "image_url": {"url": url}}


def _document(block: dict[str, Any], param: str) -> dict[str, Any]:
    """A ``document`` block as a chat content part: a PDF (base64) as a ``file`` part
    (OpenAI's chat format for files), plain text (or a ``content`` source of text
    blocks) as a text part headed by its title. URL and file-id sources name files
    only Anthropic can fetch: a 400 that says so."""
    source = obj(need(block, "source", param + "."), param + ".source")
    kind = tag(source.get("type"))
    title = block.get("title")
    name = title if isinstance(title, str) and title else None
    if kind == "base64":
        media = text(need(source, "media_type", param + ".source."), param + ".source.media_type")
        data = text(need(source, "data", param + ".source."), param + ".source.data")
        return {
            "type": "file",
            "file": {
                "filename": name or "document.pdf",
                "file_data": f"data:{media};base64,{data}",
            },
        }
    if kind == "text":
        body = text(need(source, "data", param + ".source."), param + ".source.data")
    elif kind == "content":
        body = _text_of(need(source, "content", param + ".source."), param + ".source.content")
    elif kind in ("url", "file"):
        raise BadRequest(
            f"A '{kind}' document source can only be read by an Anthropic-format model group; "
            "send the document as base64 or text",
            param=param + ".source.type",
        )
    else:
        raise wrong(param + ".source.type", "one of 'base64', 'text', 'content', 'url', 'file'")
    return {"type": "text", "text": f"{name}\n\n{body}" if name else body}


def _user(content: list[Any], param: str) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for i, block in enumerate(content):
        p = f"{param}[{i}]"
        block = obj(block, p)
        kind = tag(block.get("type"))
        if kind == "text":
            parts.append({"type": "text", "text": text(block.get("text"), p + ".text")})
        elif kind == "image":
            parts.append(_image(block, p))
        elif kind == "document":
            parts.append(_document(block, p))
        elif kind == "tool_result":
            call_id = text(need(block, "tool_use_id", p + "."), p + ".tool_use_id")
            result = block.get("content")
            body = "" if result is None else _text_of(result, p + ".content")
            if block.get("is_error") is True:
                body = "Error: " + body
            tools.append({"role": "tool", "tool_call_id": call_id, "content": body})
        elif kind not in _DROPPED_BLOCKS:
            raise wrong(p + ".type", "one of 'text', 'image', 'document', 'tool_result'")
    out = tools
    if parts:
        out.append({"role": "user", "content": parts})
    return out


def _assistant(content: list[Any], param: str) -> dict[str, Any]:
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for i, block in enumerate(content):
        p = f"{param}[{i}]"
        block = obj(block, p)
        kind = tag(block.get("type"))
        if kind == "text":
            texts.append(text(block.get("text"), p + ".text"))
        elif kind == "tool_use":
            args = obj(need(block, "input", p + "."), p + ".input")
            calls.append(
                {
                    "id": text(need(block, "id", p + "."), p + ".id"),
                    "type": "function",
                    "function": {
                        "name": text(need(block, "name", p + "."), p + ".name"),
                        "arguments": orjson.dumps(args).decode(),
                    },
                }
            )
        elif kind not in _DROPPED_BLOCKS:
            raise wrong(p + ".type", "one of 'text', 'tool_use'")
    msg: dict[str, Any] = {"role": "assistant", "content": "".join(texts) or None}
    if calls:
        msg["tool_calls"] = calls
    return msg


def _messages(value: Any, max_messages: int) -> list[dict[str, Any]]:
    messages = array(value, "messages")
    if not messages:
        raise BadRequest("'messages' must contain at least one message", param="messages")
    if len(messages) > max_messages:
        raise BadRequest(
            f"'messages' has {len(messages)} entries; the limit is {max_messages}",
            param="messages",
        )
    out: list[dict[str, Any]] = []
    for i, msg in enumerate(messages):
        p = f"messages[{i}]"
        msg = obj(msg, p)
        role = tag(msg.get("role"))
        content = need(msg, "content", p + ".")
        if role not in ("user", "assistant"):
            raise wrong(p + ".role", "'user' or 'assistant'")
        if isinstance(content, str):
            out.append({"role": role, "content": content})
            continue
        blocks = array(content, p + ".content")
        if role == "user":
            out.extend(_user(blocks, p + ".content"))
        else:
            out.append(_assistant(blocks, p + ".content"))
    return out


def _tools(value: Any) -> list[dict[str, Any]]:
    out = []
    for i, tool in enumerate(array(value, "tools")):
        p = f"tools[{i}]"
        tool = obj(tool, p)
        name = text(need(tool, "name", p + "."), p + ".name")
        if "input_schema" not in tool:  # server tools (web_search, bash...) need Anthropic
            raise BadRequest(
                f"'{p}' is a server tool ({tool.get('type')!r}); only custom tools with an "
                "'input_schema' can be served here",
                param=p,
            )
        fn: dict[str, Any] = {
            "name": name,
            "parameters": obj(tool["input_schema"], p + ".input_schema"),
        }
        if tool.get("description") is not None:
            fn["description"] = text(tool["description"], p + ".description")
        out.append({"type": "function", "function": fn})
    return out


def _tool_choice(value: Any, chat: dict[str, Any]) -> None:
    choice = obj(value, "tool_choice")
    kind = tag(choice.get("type"))
    if kind == "auto":
        chat["tool_choice"] = "auto"
    elif kind == "any":
        chat["tool_choice"] = "required"
    elif kind == "none":
        chat["tool_choice"] = "none"
    elif kind == "tool":
        name = text(need(choice, "name", "tool_choice."), "tool_choice.name")
        chat["tool_choice"] = {"type": "function", "function": {"name": name}}
    else:
        raise wrong("tool_choice.type", "one of 'auto', 'any', 'tool', 'none'")
    if choice.get("disable_parallel_tool_use") is True and kind != "none":
        chat["parallel_tool_calls"] = False


def model_of(body: dict[str, Any]) -> str:
    model = need(body, "model")
    if not isinstance(model, str) or not model or len(model) > 256 or not model.isprintable():
        raise wrong("model", "a non-empty printable string of at most 256 characters")
    return model


def to_chat(
    body: dict[str, Any], *, max_messages: int = 2048, count_only: bool = False
) -> dict[str, Any]:
    """The chat-completions body for an Anthropic Messages request ``body``.

    ``count_only`` (``/v1/messages/count_tokens``) skips ``max_tokens``, which that
    endpoint does not take."""
    model = model_of(body)
    chat: dict[str, Any] = {"model": model}
    messages = _messages(need(body, "messages"), max_messages)
    system = body.get("system")
    if system is not None:
        messages.insert(0, {"role": "system", "content": _text_of(system, "system")})
    chat["messages"] = messages
    if body.get("tools") is not None:
        tools = _tools(body["tools"])
        if tools:
            chat["tools"] = tools
    if body.get("tool_choice") is not None:
        _tool_choice(body["tool_choice"], chat)
    if count_only:
        return chat
    max_tokens = need(body, "max_tokens")
    if not is_int(max_tokens) or not 1 <= max_tokens < MAX_TOKENS:
        raise wrong("max_tokens", "an integer of at least 1")
    chat["max_tokens"] = max_tokens
    stops = body.get("stop_sequences")
    if stops is not None:
        stops = array(stops, "stop_sequences")
        if not all(isinstance(s, str) for s in stops):
            raise wrong("stop_sequences", "an array of strings")
        if stops:
            chat["stop"] = stops
    for name in ("temperature", "top_p"):
        value = number(body, name, 0, 1)
        if value is not None:
            chat[name] = value
    if body.get("top_k") is not None and not is_int(body["top_k"]):
        raise wrong("top_k", "an integer")  # checked, then dropped: chat has no top_k
    meta = body.get("metadata")
    if meta is not None:
        user = obj(meta, "metadata").get("user_id")
        if user is not None:
            chat["user"] = text(user, "metadata.user_id")
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise wrong("stream", "a boolean")
    if stream:
        chat["stream"] = True
        # message_delta carries the output tokens: ask the upstream for usage.
        chat["stream_options"] = {"include_usage": True}
    return chat


def stop_sequence_of(body: dict[str, Any]) -> list[str]:
    stops = body.get("stop_sequences")
    return [s for s in stops if isinstance(s, str)] if isinstance(stops, list) else []
