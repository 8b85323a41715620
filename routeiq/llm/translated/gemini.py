"""Google AI Studio (``gemini/``): body and URL as litellm's Vertex/Gemini handler builds them.

Its config class has no ``transform_request`` (the handler builds the body
with ``transform_request_body``) and no URL logic; the stream parser is the
handler's ``ModelResponseIterator``, built without its "resume" hops (extra
HTTP calls litellm would make itself). Context caching (``cached_content``)
is not used: it needs litellm's own HTTP calls.
"""

from __future__ import annotations

import importlib
from typing import Any

import orjson

from routeiq.llm.translated.adapters import Adapter, Call, NullLogging
from routeiq.llm.translated.stream import LinePump


class GeminiAdapter(Adapter):
    """Google AI Studio: body and URL as litellm's Vertex/Gemini handler builds them."""

    GOOGLE = "https://generativelanguage.googleapis.com"
    SAMPLE = {
        "candidates": [{"content": {"parts": [{"text": "ok"}], "role": "model"}, "index": 0}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
    }
    SAMPLE_STREAM = b"data: " + orjson.dumps(SAMPLE) + b"\r\n\r\n"

    def build(self, call: Call) -> None:
        common = importlib.import_module("litellm.llms.vertex_ai.common_utils")
        gemini = importlib.import_module("litellm.llms.vertex_ai.gemini.transformation")
        endpoint = "streamGenerateContent" if call.upstream_stream else "generateContent"
        base = (self.api_base or self.GOOGLE).rstrip("/")
        if base == self.GOOGLE:
            call.url, _ = common.get_gemini_url(
                mode="chat", model=call.model, stream=call.upstream_stream
            )
        else:  # a proxy or a test double: <base>/models/<model>:<endpoint>
            call.url = f"{base}/models/{call.model}:{endpoint}"
            if call.upstream_stream:
                call.url += "?alt=sse"
        headers = {"content-type": "application/json", "x-goog-api-key": self.api_key or ""}
        headers.update({k.lower(): v for k, v in self.extra_headers.items()})
        call.headers = headers
        call.data = gemini.transform_request_body(
            messages=call.messages,
            model=call.model,
            optional_params=call.optional_params,
            custom_llm_provider="gemini",
            litellm_params=call.litellm_params,
            cached_content=None,
        )

    def stream_iterator(self, call: Call, pump: LinePump) -> Any:
        module = importlib.import_module(
            "litellm.llms.vertex_ai.gemini.vertex_and_google_ai_studio_gemini"
        )
        return module.ModelResponseIterator(
            streaming_response=pump,
            sync_stream=True,
            logging_obj=NullLogging(call.litellm_params, call.optional_params),
            response_headers=None,
            response=None,
            resume=None,
        )
