"""Send an ``on_request`` plugin's direct answer (JSON, or SSE for a stream)."""

from __future__ import annotations

import orjson

from routeiq.asgi.respond import send_bytes
from routeiq.asgi.response_headers import SSE_CONTENT_TYPE, SSE_HEADERS, decision_headers
from routeiq.asgi.types import RequestContext, Send
from routeiq.llm.replay import completion_events
from routeiq.plugins.base import Answer


async def send_answer(send: Send, ctx: RequestContext, answer: Answer, *, stream: bool) -> None:
    """Send ``answer`` with the decision headers (as SSE if the client asked to stream
    and the answer is a successful chat completion)."""
    extra = decision_headers(ctx)
    extra.extend(
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()
    )
    ctx.status = answer.status
    if stream and answer.status == 200 and answer.body.get("object") == "chat.completion":
        sse = completion_events(answer.body, include_usage=False, default_id="chatcmpl-plugin")
        headers = [h for h in SSE_HEADERS if h[0] != b"content-type"]
        await send_bytes(send, 200, sse, SSE_CONTENT_TYPE, [*headers, *extra])
        return
    await send_bytes(send, answer.status, orjson.dumps(answer.body), b"application/json", extra)
