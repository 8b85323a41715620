"""OpenAI Responses request -> chat-completions body (I/O-free).

``input`` (a string or items: messages, ``function_call``, ``function_call_output``;
``reasoning`` items are dropped) becomes chat messages after the replayed history
of ``previous_response_id`` (handed in by the caller, who loaded it from the state
backend). ``instructions`` is a system message that is not carried over to the
next response, as in OpenAI's API. Built-in tools (web search, file search,
computer use...) need OpenAI's own servers: a 400 names them.
"""

from __future__ import annotations

import secrets
from typing import Any

from routeiq.errors import BadRequest
from routeiq.surfaces.checks import array, is_int, need, number, obj, tag, text, wrong

_ROLES = frozenset({"user", "assistant", "system", "developer"})
_TEXT_PARTS = frozenset({"input_text", "output_text", "text", "refusal"})


def item_id(prefix: str) -> str:
    return prefix + "_" + secrets.token_hex(12)


def _content(value: Any, param: str) -> str | list[dict[str, Any]]:
    if isinstance(value, str):
        return value
    parts: list[dict[str, Any]] = []
    for i, part in enumerate(array(value, param)):
        p = f"{param}[{i}]"
        part = obj(part, p)
        kind = tag(part.get("type"))
        if kind in _TEXT_PARTS:
            key = "refusal" if kind == "refusal" else "text"
            parts.append({"type": "text", "text": text(part.get(key), f"{p}.{key}")})
        elif kind == "input_image":
            url = part.get("image_url")
            if not isinstance(url, str):
                raise BadRequest(f"'{p}.image_url' is required (file ids need OpenAI)", param=p)
            image: dict[str, Any] = {"url": url}
            if isinstance(part.get("detail"), str):
                image["detail"] = part["detail"]
            parts.append({"type": "image_url", "image_url": image})
        else:
            raise wrong(p + ".type", "one of 'input_text', 'output_text', 'input_image'")
    return parts


def _flat(content: str | list[dict[str, Any]]) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content if p.get("type") == "text")


def input_items(value: Any) -> list[dict[str, Any]]:
    """The request's input as items with ids (what ``input_items`` lists)."""
    if isinstance(value, str):
        part = {"type": "input_text", "text": value}
        return [{"id": item_id("msg"), "type": "message", "role": "user", "content": [part]}]
    items = []
    for i, item in enumerate(array(value, "input")):
        item = obj(item, f"input[{i}]")
        kind = tag(item.get("type", "message"))
        if kind == "message" and isinstance(item.get("content"), str):
            part_type = "output_text" if item.get("role") == "assistant" else "input_text"
            item = {**item, "content": [{"type": part_type, "text": item["content"]}]}
        prefix = {"message": "msg", "function_call": "fc", "function_call_output": "fco"}
        items.append({"id": item_id(prefix.get(str(kind), "item")), **item, "type": kind})
    return items


def to_messages(value: Any, max_messages: int) -> list[dict[str, Any]]:
    """Chat messages for a Responses ``input``."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    items = array(value, "input")
    if not items:
        raise BadRequest("'input' must contain at least one item", param="input")
    if len(items) > max_messages:
        raise BadRequest(f"'input' has more than {max_messages} items", param="input")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        p = f"input[{i}]"
        item = obj(item, p)
        kind = tag(item.get("type", "message"))
        if kind == "message":
            role = tag(item.get("role"))
            if role not in _ROLES:
                raise wrong(p + ".role", "one of 'user', 'assistant', 'system', 'developer'")
            content = _content(need(item, "content", p + "."), p + ".content")
            if role == "assistant":
                content = _flat(content)
            out.append({"role": role, "content": content})
        elif kind == "function_call":
            call = {
                "id": text(need(item, "call_id", p + "."), p + ".call_id"),
                "type": "function",
                "function": {
                    "name": text(need(item, "name", p + "."), p + ".name"),
                    "arguments": text(need(item, "arguments", p + "."), p + ".arguments"),
                },
            }
            last = out[-1] if out else None
            if last is not None and last["role"] == "assistant":
                last.setdefault("tool_calls", []).append(call)  # parallel calls: one message
            else:
                out.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = need(item, "output", p + ".")
            body = output if isinstance(output, str) else _flat(_content(output, p + ".output"))
            call_id = text(need(item, "call_id", p + "."), p + ".call_id")
            out.append({"role": "tool", "tool_call_id": call_id, "content": body})
        elif kind != "reasoning":
            raise wrong(p + ".type", "one of 'message', 'function_call', 'function_call_output'")
    return out


def _tools(value: Any) -> list[dict[str, Any]]:
    out = []
    for i, tool in enumerate(array(value, "tools")):
        p = f"tools[{i}]"
        tool = obj(tool, p)
        if tool.get("type") != "function":
            raise BadRequest(
                f"'{p}' is a built-in tool ({tool.get('type')!r}) that only OpenAI's own "
                "Responses API can run; this model is served through chat completions",
                param=p,
            )
        fn: dict[str, Any] = {"name": text(need(tool, "name", p + "."), p + ".name")}
        if tool.get("parameters") is not None:
            fn["parameters"] = obj(tool["parameters"], p + ".parameters")
        if tool.get("description") is not None:
            fn["description"] = text(tool["description"], p + ".description")
        if isinstance(tool.get("strict"), bool):
            fn["strict"] = tool["strict"]
        out.append({"type": "function", "function": fn})
    return out


def _tool_choice(value: Any) -> Any:
    if value in ("auto", "none", "required"):
        return value
    choice = obj(value, "tool_choice") if not isinstance(value, str) else None
    if choice is None:
        raise wrong("tool_choice", "'auto', 'none', 'required' or a function")
    if choice.get("type") != "function":
        raise wrong("tool_choice.type", "'function'")
    name = text(need(choice, "name", "tool_choice."), "tool_choice.name")
    return {"type": "function", "function": {"name": name}}


def _text_format(value: Any) -> dict[str, Any] | None:
    fmt = obj(value, "text").get("format")
    if fmt is None:
        return None
    fmt = obj(fmt, "text.format")
    kind = tag(fmt.get("type"))
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema":
        schema: dict[str, Any] = {
            "name": text(need(fmt, "name", "text.format."), "text.format.name"),
            "schema": obj(need(fmt, "schema", "text.format."), "text.format.schema"),
        }
        if isinstance(fmt.get("strict"), bool):
            schema["strict"] = fmt["strict"]
        return {"type": "json_schema", "json_schema": schema}
    raise wrong("text.format.type", "one of 'text', 'json_object', 'json_schema'")


def model_of(body: dict[str, Any]) -> str:
    model = need(body, "model")
    if not isinstance(model, str) or not model or len(model) > 256 or not model.isprintable():
        raise wrong("model", "a non-empty printable string of at most 256 characters")
    return model


def previous_id(body: dict[str, Any]) -> str | None:
    prev = body.get("previous_response_id")
    if prev is None:
        return None
    if not isinstance(prev, str) or not prev or len(prev) > 256:
        raise wrong("previous_response_id", "a response id")
    return prev


def to_chat(
    body: dict[str, Any], history: list[dict[str, Any]], *, max_messages: int = 2048
) -> dict[str, Any]:
    """The chat body for a Responses request; ``history``: the chat messages of the
    ``previous_response_id`` chain (input and output), oldest first."""
    chat: dict[str, Any] = {"model": model_of(body)}
    messages = to_messages(need(body, "input"), max_messages)
    instructions = body.get("instructions")
    head = (
        [{"role": "system", "content": text(instructions, "instructions")}] if instructions else []
    )
    chat["messages"] = [*head, *history, *messages]
    if body.get("tools") is not None:
        tools = _tools(body["tools"])
        if tools:
            chat["tools"] = tools
    if body.get("tool_choice") is not None:
        chat["tool_choice"] = _tool_choice(body["tool_choice"])
    if isinstance(body.get("parallel_tool_calls"), bool):
        chat["parallel_tool_calls"] = body["parallel_tool_calls"]
    if body.get("text") is not None:
        fmt = _text_format(body["text"])
        if fmt is not None:
            chat["response_format"] = fmt
    limit = body.get("max_output_tokens")
    if limit is not None:
        if not is_int(limit) or limit < 1:
            raise wrong("max_output_tokens", "an integer of at least 1")
        chat["max_tokens"] = limit
    for name, high in (("temperature", 2.0), ("top_p", 1.0)):
        value = number(body, name, 0, high)
        if value is not None:
            chat[name] = value
    if body.get("user") is not None:
        chat["user"] = text(body["user"], "user")
    meta = body.get("metadata")
    if meta is not None:
        meta = obj(meta, "metadata")
        if len(meta) > 16 or not all(isinstance(v, str) for v in meta.values()):
            raise wrong("metadata", "at most 16 string values")
    for flag in ("store", "stream"):
        if body.get(flag) is not None and not isinstance(body[flag], bool):
            raise wrong(flag, "a boolean")
    if body.get("stream"):
        chat["stream"] = True
        chat["stream_options"] = {"include_usage": True}
    return chat
