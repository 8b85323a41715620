"""Provider adapters: one deployment called through litellm's provider config class.

Imported only by ``runtime`` after litellm was imported (never by the app at
import time). litellm objects are typed ``Any``: its classes are used, never
its HTTP clients. An adapter turns an OpenAI-format request into the
provider's URL, headers and body (``prepare``), the provider's JSON answer
into an OpenAI body (``parse``), and gives the provider's streaming parser
(``stream_iterator``), following the sequence of litellm's own HTTP handler:
``get_optional_params`` (maps OpenAI params) -> ``validate_environment``
(headers) -> ``get_complete_url`` -> ``transform_request`` -> ``sign_request``;
``transform_response``; ``get_model_response_iterator``.

Providers whose litellm handler does not go through those methods get a
subclass in their own module: ``anthropic`` (its stream parser lives in its
handler), ``gemini`` (its handler builds body and URL), ``bedrock``.
"""

from __future__ import annotations

import copy
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from routeiq.deployment import Deployment
from routeiq.errors import BadRequest, RouteIQError, UpstreamError
from routeiq.llm.translated.chunks import ChunkWriter, completion_body
from routeiq.llm.translated.stream import IteratorDecoder, LinePump

log = logging.getLogger("routeiq.providers")

# OpenAI chat parameters handed to litellm's mapping; other body keys (metadata,
# conversation ids, ...) are the gateway's or unknown to providers: not sent.
OPENAI_PARAMS = frozenset(
    {
        "audio",
        "frequency_penalty",
        "function_call",
        "functions",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "modalities",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "reasoning_effort",
        "response_format",
        "safety_identifier",
        "seed",
        "stop",
        "stream_options",
        "temperature",
        "thinking",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
        "verbosity",
        "web_search_options",
    }
)


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


class NullLogging:
    """Stands in for litellm's logging object, which the parsers call into.

    Our own telemetry records the request; every logging call is a no-op.
    """

    def __init__(self, litellm_params: dict[str, Any], optional_params: dict[str, Any]) -> None:
        self.litellm_params = litellm_params
        self.optional_params = optional_params
        self.model_call_details: dict[str, Any] = {
            "litellm_params": litellm_params,
            "optional_params": optional_params,
        }
        self.stream_options: Any = None
        self.completion_start_time: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _noop


@dataclass(slots=True)
class Call:
    """One translated request, and what its response side needs."""

    model: str
    messages: list[Any]
    optional_params: dict[str, Any]
    litellm_params: dict[str, Any]
    json_mode: bool
    stream: bool  # the client's
    upstream_stream: bool  # what is asked upstream (False when streaming is emulated)
    include_usage: bool
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""


def request_error(provider: str, exc: Exception) -> RouteIQError:
    """A failure to translate the request: the client's input (400), never the upstream's."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return BadRequest(f"Cannot translate this request for provider {provider!r}: {message[:500]}")


def response_error(provider: str, exc: Exception) -> RouteIQError:
    """A failure to translate the answer (or an error the provider sent in-stream)."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return UpstreamError(f"The {provider} answer could not be translated: {str(message)[:500]}")


class Adapter:
    """A deployment served through litellm's config class (see the module docstring)."""

    #: Translate every request in a worker thread (the step may do blocking I/O).
    ALWAYS_OFFLOAD = False

    def __init__(self, dep: Deployment, lm: Any, config: Any) -> None:
        self.dep = dep
        self.lm = lm
        self.config = config
        self.provider = dep.provider
        self.model = dep.upstream_model
        self.api_key = dep.api_key
        self.api_base: str | None = dep.api_base
        self.extra_headers = dict(dep.extra_headers)
        self._optional = importlib.import_module("litellm.utils").get_optional_params
        self.streams = self.stream_iterator(self._probe_call(), LinePump()) is not None
        # Measured by ``warm``: seconds of CPU to translate a small request / answer.
        self.prepare_seconds = 0.0
        self.parse_seconds = 0.0
        # Set by ``runtime.open_translators``: translate in a worker thread (slow providers).
        self.offload = False
        self.limiter: Any = None

    def _probe_call(self) -> Call:
        return Call(self.model, [], {}, {}, False, True, True, False)

    # A minimal answer of the provider, to warm the response side up (None: skip).
    SAMPLE: dict[str, Any] | None = {
        "id": "chatcmpl-warm",
        "object": "chat.completion",
        "created": 0,
        "model": "warm",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }

    def warm(self) -> None:
        """Run each translation step once (at start-up, in the worker thread).

        Their first calls import modules and load data (10-150 ms here) that
        would otherwise block the event loop on the first request. A request
        that cannot be built is an error; a sample answer that does not parse
        only means the first real answer pays its own imports.
        """
        ping: dict[str, Any] = {
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "ping"},
            ],
            "max_tokens": 16,
            "temperature": 0.5,
        }
        call = self.prepare(ping, False)
        self.prepare_seconds = _median_seconds(lambda: self.prepare(ping, False))
        try:
            if self.streams:
                self.warm_stream(self.prepare(ping, True))
            if self.SAMPLE is not None:
                response = httpx.Response(
                    200, content=orjson.dumps(self.SAMPLE), request=httpx.Request("POST", call.url)
                )
                completion_body(self.parse(call, response))
                self.parse_seconds = _median_seconds(
                    lambda: completion_body(self.parse(call, response))
                )
        except Exception as exc:
            log.debug("warm-up of %s answers failed: %s", self.provider, exc)

    # A minimal stream of the provider (pydantic builds some schemas on first use).
    SAMPLE_STREAM: bytes | None = (
        b'data: {"id":"w","object":"chat.completion.chunk","created":0,"model":"w",'
        b'"choices":[{"index":0,"delta":{"role":"assistant","content":"ok"},'
        b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )

    def warm_stream(self, call: Call) -> None:
        decoder = self.decoder(call)
        if self.SAMPLE_STREAM is None:
            return
        writer = ChunkWriter(call.model, include_usage=True)
        for item in [*decoder.feed(self.SAMPLE_STREAM), *decoder.end()]:
            writer.convert(item)
        writer.end()

    # -- request --------------------------------------------------------------

    def prepare(self, req: dict[str, Any], stream: bool) -> Call:
        """URL, headers and body for ``req`` (raises a 400 if it cannot be translated)."""
        try:
            return self._prepare(req, stream)
        except RouteIQError:
            raise
        except Exception as exc:
            raise request_error(self.provider, exc) from exc

    def with_model(self, model: str) -> Adapter:
        """A copy that serves ``model`` (a wildcard deployment's concrete model)."""
        twin = copy.copy(self)
        twin.model = model
        return twin

    def _prepare(self, req: dict[str, Any], stream: bool) -> Call:
        # A copy: litellm rewrites messages in place, and the request may be
        # retried on another deployment in its original form.
        messages = orjson.loads(orjson.dumps(req.get("messages") or []))
        params = {k: v for k, v in req.items() if k in OPENAI_PARAMS and v is not None}
        options = req.get("stream_options")
        include_usage = (
            stream and isinstance(options, dict) and options.get("include_usage") is True
        )
        optional = self._optional(
            model=self.model,
            custom_llm_provider=self.provider,
            drop_params=True,
            messages=messages,
            **params,
        )
        optional.pop("stream", None)
        optional.pop("stream_options", None)
        json_mode = bool(optional.pop("json_mode", False))
        upstream_stream = stream and self.streams
        call = Call(
            self.model,
            messages,
            optional,
            {"drop_params": True, "api_base": self.api_base},
            json_mode,
            stream,
            upstream_stream,
            include_usage,
        )
        self.build(call)
        if not call.body:
            call.body = orjson.dumps(call.data)
        return call

    def build(self, call: Call) -> None:
        """Fill ``call.url``, ``call.headers``, ``call.data``."""
        cfg = self.config
        headers = cfg.validate_environment(
            headers=dict(self.extra_headers),
            model=call.model,
            messages=call.messages,
            optional_params=call.optional_params,
            litellm_params=call.litellm_params,
            api_key=self.api_key,
            api_base=self.api_base,
        )
        call.url = self.url(call)
        data = cfg.transform_request(
            model=call.model,
            messages=call.messages,
            optional_params=call.optional_params,
            litellm_params=call.litellm_params,
            headers=headers,
        )
        if call.upstream_stream and cfg.supports_stream_param_in_request_body:
            data["stream"] = True
        signed, _ = cfg.sign_request(
            headers=headers,
            optional_params=call.optional_params,
            request_data=data,
            api_base=call.url,
            api_key=self.api_key,
            stream=call.upstream_stream,
            fake_stream=False,
            model=call.model,
        )
        call.headers = _plain_headers(signed)
        call.data = data

    def url(self, call: Call) -> str:
        return str(
            self.config.get_complete_url(
                api_base=self.api_base,
                api_key=self.api_key,
                model=call.model,
                optional_params=call.optional_params,
                litellm_params=call.litellm_params,
                stream=call.upstream_stream,
            )
        )

    # -- response -------------------------------------------------------------

    def parse(self, call: Call, response: httpx.Response) -> Any:
        """The provider's (read) answer as litellm's ``ModelResponse``."""
        try:
            return self._transform(call, response)
        except AttributeError as exc:
            # Some providers' transforms read an optional top-level field of the
            # answer unguarded (groq: ``service_tier``), which an OpenAI-format answer
            # may leave out: supply it as null once, and translate again.
            body = _json_object(response)
            if not exc.name or body is None or exc.name in body:
                raise
            body[exc.name] = None
            patched = httpx.Response(
                response.status_code,
                headers=response.headers,
                content=orjson.dumps(body),
                request=response.request,
            )
            return self._transform(call, patched)

    def _transform(self, call: Call, response: httpx.Response) -> Any:
        return self.config.transform_response(
            model=call.model,
            raw_response=response,
            model_response=self.lm.ModelResponse(),
            logging_obj=NullLogging(call.litellm_params, call.optional_params),
            request_data=call.data,
            messages=call.messages,
            optional_params=call.optional_params,
            litellm_params=call.litellm_params,
            encoding=None,
            api_key=self.api_key,
            json_mode=call.json_mode,
        )

    def body(self, call: Call, response: httpx.Response) -> tuple[bytes, dict[str, Any] | None]:
        """The answer as an OpenAI ``chat.completion`` body and its usage (else a 502)."""
        try:
            return completion_body(self.parse(call, response))
        except Exception as exc:
            raise response_error(self.provider, exc) from exc

    def stream_iterator(self, call: Call, pump: LinePump) -> Any:
        """litellm's streaming parser reading lines from ``pump`` (None: it has none)."""
        return self.config.get_model_response_iterator(
            streaming_response=pump, sync_stream=True, json_mode=call.json_mode
        )

    def decoder(self, call: Call) -> Any:
        """What turns the upstream's stream bytes into litellm stream items."""
        return IteratorDecoder(lambda pump: self.stream_iterator(call, pump))


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def _median_seconds(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[runs // 2]


def _plain_headers(headers: Any) -> dict[str, str]:
    out = {str(k).lower(): str(v) for k, v in dict(headers).items() if v is not None}
    out.setdefault("content-type", "application/json")
    return out
