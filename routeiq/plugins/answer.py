"""Send an ``on_request`` plugin's direct answer (JSON, or SSE for a stream)."""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.asgi.respond import send_bytes
from routeiq.asgi.types import RequestContext, Send
from routeiq.llm.proxy import SSE_HEADERS, decision_headers
from routeiq.plugins.base import Answer


def completion_as_sse(body: dict[str, Any]) -> bytes:
    """A ``chat.completion`` object as the SSE events a stream would carry."""
    envelope = {
        "id": body.get("id", "chatcmpl-plugin"),
        "object": "chat.completion.chunk",
        "created": body.get("created", 0),
        "model": body.get("model", ""),
    }
    events: list[bytes] = []
    finals = []
    choices = body.get("choices")
    for position, choice in enumerate(choices if isinstance(choices, list) else []):
        if not isinstance(choice, dict):
            continue
        index = choice.get("index", position)
        found = choice.get("message")
        message: dict[str, Any] = found if isinstance(found, dict) else {}
        delta = {"role": message.get("role", "assistant"), "content": message.get("content", "")}
        events.append(
            orjson.dumps(
                {**envelope, "choices": [{"index": index, "delta": delta, "finish_reason": None}]}
            )
        )
        finals.append({"index": index, "delta": {}, "finish_reason": choice.get("finish_reason")})
    events.append(orjson.dumps({**envelope, "choices": finals}))
    return b"".join(b"data: " + e + b"\n\n" for e in events) + b"data: [DONE]\n\n"


async def send_answer(send: Send, ctx: RequestContext, answer: Answer, *, stream: bool) -> None:
    """Send ``answer`` with the decision headers (as SSE if the client asked to stream
    and the answer is a successful chat completion)."""
    extra = decision_headers(ctx)
    extra.extend(
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()
    )
    ctx.status = answer.status
    if stream and answer.status == 200 and answer.body.get("object") == "chat.completion":
        sse = completion_as_sse(answer.body)
        headers = [h for h in SSE_HEADERS if h[0] != b"content-type"]
        await send_bytes(send, 200, sse, SSE_HEADERS[0][1], [*headers, *extra])
        return
    await send_bytes(send, answer.status, orjson.dumps(answer.body), b"application/json", extra)
