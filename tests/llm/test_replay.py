"""One SSE replay of a stored chat completion, for plugin answers and cache hits alike.

A streaming client must get, from a replay, everything the whole completion
carried: content, ``tool_calls``, ``refusal`` and ``logprobs``. Each event is
validated with the official ``openai`` SDK's chunk model, and the deltas are
accumulated the way a client does.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
from openai.types.chat import ChatCompletionChunk

from routeiq.asgi.types import RequestContext
from routeiq.cache.answer import completion_sse
from routeiq.plugins.answer import send_answer
from routeiq.plugins.base import Answer

LOGPROBS = {
    "content": [
        {"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "top_logprobs": []},
    ],
    "refusal": None,
}
COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-stored",
    "object": "chat.completion",
    "created": 11,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                    }
                ],
            },
            "logprobs": None,
            "finish_reason": "tool_calls",
        },
        {
            "index": 1,
            "message": {"role": "assistant", "content": None, "refusal": "I can't help."},
            "logprobs": None,
            "finish_reason": "stop",
        },
        {
            "index": 2,
            "message": {"role": "assistant", "content": "Hi"},
            "logprobs": LOGPROBS,
            "finish_reason": "stop",
        },
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
}


def accumulate(sse: bytes) -> dict[int, dict[str, Any]]:
    """Per choice: what a streaming client puts together from the events."""
    assert sse.endswith(b"data: [DONE]\n\n")
    out: dict[int, dict[str, Any]] = {}
    for block in sse.split(b"\n\n"):
        if not block.startswith(b"data: {"):
            continue
        event = ChatCompletionChunk.model_validate(orjson.loads(block[6:]))
        for choice in event.choices:
            got = out.setdefault(
                choice.index,
                {"content": "", "refusal": "", "tools": {}, "logprobs": [], "finish": None},
            )
            delta = choice.delta
            got["content"] += delta.content or ""
            got["refusal"] += delta.refusal or ""
            for call in delta.tool_calls or []:
                tool = got["tools"].setdefault(call.index, {"id": None, "name": "", "args": ""})
                tool["id"] = call.id or tool["id"]
                if call.function is not None:
                    tool["name"] += call.function.name or ""
                    tool["args"] += call.function.arguments or ""
            if choice.logprobs is not None and choice.logprobs.content:
                got["logprobs"] += [t.token for t in choice.logprobs.content]
            got["finish"] = choice.finish_reason or got["finish"]
    return out


def check(choices: dict[int, dict[str, Any]]) -> None:
    assert choices[0]["tools"] == {
        0: {"id": "call_1", "name": "get_weather", "args": '{"city": "Oslo"}'}
    }
    assert choices[0]["finish"] == "tool_calls"
    assert choices[1]["refusal"] == "I can't help."
    assert choices[2]["content"] == "Hi"
    assert choices[2]["logprobs"] == ["Hi"]
    assert choices[2]["finish"] == "stop"


def test_cache_replay_keeps_tool_calls_refusal_and_logprobs() -> None:
    check(accumulate(completion_sse(orjson.dumps(COMPLETION), include_usage=False)))


@pytest.mark.parametrize("include_usage", [False, True])
def test_replay_usage_event_only_when_asked(include_usage: bool) -> None:
    sse = completion_sse(orjson.dumps(COMPLETION), include_usage=include_usage)
    usage = [b for b in sse.split(b"\n\n") if b'"usage"' in b]
    assert len(usage) == (1 if include_usage else 0)
    if include_usage:
        assert orjson.loads(usage[0][6:])["usage"]["total_tokens"] == 12


async def test_a_plugins_streamed_answer_keeps_tool_calls_refusal_and_logprobs() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await send_answer(
        send, RequestContext("r1", time.perf_counter()), Answer(body=COMPLETION), stream=True
    )
    assert sent[0]["status"] == 200
    assert dict(sent[0]["headers"])[b"content-type"].startswith(b"text/event-stream")
    check(accumulate(b"".join(m.get("body", b"") for m in sent[1:])))
