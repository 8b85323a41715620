"""LiteLLM's ``mock_response`` request field: an answer made up without calling a model.

A LiteLLM user tests an integration by sending ``"mock_response": "some text"`` in a
chat completion request; LiteLLM answers ``some text`` as the assistant message (``n``
choices of it) with a fixed usage of 10 prompt and 20 completion tokens, and calls no
provider. Three strings raise LiteLLM's errors instead (``litellm.RateLimitError`` 429,
``litellm.ContextWindowExceededError`` 400, ``litellm.InternalServerError`` 500). Before
this module the gateway sent the field on to the provider, which called the model (and
charged for it) or refused the unknown field.

The gateway's answer is built here, I/O-free; ``api/mock_stage.py`` sends it (as SSE
when the client streams) after the guardrails and before the cache and the router, so
a made-up answer is neither cached nor counted against a deployment.
"""

from __future__ import annotations

import hashlib
from typing import Any

from routeiq.errors import BadRequest, RateLimited, RouteIQError, ServerError

FIELD = "mock_response"
PROMPT_TOKENS = 10  # LiteLLM's DEFAULT_MOCK_RESPONSE_PROMPT_TOKEN_COUNT
COMPLETION_TOKENS = 20  # LiteLLM's DEFAULT_MOCK_RESPONSE_COMPLETION_TOKEN_COUNT
MAX_CHOICES = 128  # OpenAI's own limit on n


def _errors(text: str) -> RouteIQError | None:
    if text == "litellm.RateLimitError":
        return RateLimited("this is a mock rate limit error")
    if text == "litellm.ContextWindowExceededError":
        return BadRequest(
            "this is a mock context window exceeded error", code="context_length_exceeded"
        )
    if text == "litellm.InternalServerError":
        return ServerError("this is a mock internal server error", code="internal_server_error")
    return None


def mock_completion(req: dict[str, Any], model: str, request_id: str, now: int) -> dict[str, Any]:
    """The ``chat.completion`` LiteLLM answers for ``req["mock_response"]``; raises the
    gateway error for LiteLLM's error strings and a 400 for a value that is no string."""
    text = req.get(FIELD)
    if not isinstance(text, str):
        raise BadRequest("'mock_response' must be a string", param=FIELD, code="invalid_value")
    err = _errors(text)
    if err is not None:
        raise err
    n = req.get("n")
    count = n if isinstance(n, int) and not isinstance(n, bool) and 1 <= n else 1
    if count > MAX_CHOICES:
        raise BadRequest(f"'n' must be at most {MAX_CHOICES}", param="n", code="invalid_value")
    digest = hashlib.blake2b(request_id.encode(), digest_size=12).hexdigest()
    return {
        "id": f"chatcmpl-mock-{digest}",
        "object": "chat.completion",
        "created": now,
        "model": model,
        "choices": [
            {
                "index": i,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": "stop",
            }
            for i in range(count)
        ],
        "usage": {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        },
    }
