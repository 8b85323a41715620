"""Amazon Bedrock through the Converse API, signed and streamed by us.

litellm's Bedrock handler resolves credentials (possibly through STS or the
instance metadata service), signs, sends and decodes the AWS event stream
with its own clients. Here only the pure parts of it are used: the Converse
config class (request and response translation) and the stream decoder's
per-event parsing. We sign with botocore's SigV4 from the static keys in
the config (or send a Bedrock API key as a bearer token) and decode the
binary event stream with botocore's ``EventStreamBuffer`` as bytes arrive.

Only the Converse route is served (``bedrock/<model id>`` or
``bedrock/converse/<model id>``); the legacy invoke routes are refused at
start-up.
"""

from __future__ import annotations

import importlib
import urllib.parse
from typing import Any

import orjson

from routeiq.deployment import Deployment
from routeiq.llm.translated.adapters import Adapter, Call
from routeiq.llm.translated.stream import LinePump


class EventStreamDecoder:
    """AWS event-stream bytes -> litellm stream items (same interface as ``IteratorDecoder``)."""

    __slots__ = ("_buffer", "_decoder")

    def __init__(self, decoder: Any) -> None:
        eventstream = importlib.import_module("botocore.eventstream")
        self._buffer = eventstream.EventStreamBuffer()
        self._decoder = decoder

    def feed(self, data: bytes) -> list[Any]:
        self._buffer.add_data(data)
        out: list[Any] = []
        for event in self._buffer:
            # litellm's own per-event step (its public iter_bytes is a generator
            # over a blocking iterator, which we cannot suspend mid-stream).
            message = self._decoder._parse_message_from_event(event)
            if message:
                out.append(self._decoder.chunk_parser(chunk_data=orjson.loads(message)))
        return out

    def end(self) -> list[Any]:
        last = self._decoder._stream_end_chunk()
        return [last] if last is not None else []


class BedrockAdapter(Adapter):
    """``bedrock/<model id>`` deployments (see the module docstring)."""

    SAMPLE = {
        "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    }

    def __init__(self, dep: Deployment, lm: Any, config: Any) -> None:
        if type(config).__name__ != "AmazonConverseConfig":
            raise ValueError("only the Bedrock Converse API is served (not the invoke routes)")
        params = dict(getattr(dep, "params", None) or {})
        self.region = str(params.get("aws_region_name") or "")
        self.access_key = params.get("aws_access_key_id")
        self.secret_key = params.get("aws_secret_access_key")
        self.session_token = params.get("aws_session_token")
        # No static keys: botocore's default chain (env, shared profile, web identity,
        # instance role), resolved once here at start-up, as LiteLLM does.
        self.chain: Any = None
        if not dep.api_key and not self.access_key:
            session = importlib.import_module("botocore.session").get_session()
            self.chain = session.get_credentials()
            if self.chain is None:
                raise ValueError(
                    "no AWS credentials: set aws_access_key_id/aws_secret_access_key, "
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or an instance role"
                )
        model = dep.upstream_model
        if model.startswith("converse/"):
            model = model[len("converse/") :]
        self.model_id = urllib.parse.quote(model, safe="")
        super().__init__(dep, lm, config)
        self.model = model

    def with_model(self, model: str) -> Adapter:
        twin = super().with_model(model.removeprefix("converse/"))
        assert isinstance(twin, BedrockAdapter)
        twin.model_id = urllib.parse.quote(twin.model, safe="")
        return twin

    def stream_iterator(self, call: Call, pump: LinePump) -> Any:
        return True  # streams natively, through ``decoder``

    def decoder(self, call: Call) -> Any:
        module = importlib.import_module("litellm.llms.bedrock.chat.invoke_handler")
        return EventStreamDecoder(
            module.AWSEventStreamDecoder(model=call.model, json_mode=call.json_mode)
        )

    def warm_stream(self, call: Call) -> None:
        decoder = self.decoder(call)._decoder
        # botocore loads the event-stream shape from its service model (~150 ms) on first use.
        decoder._response_stream_shape()
        for sample in (
            {"role": "assistant"},
            {"contentBlockIndex": 0, "delta": {"text": "ok"}},
            {"stopReason": "end_turn"},
            {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}},
        ):
            decoder.chunk_parser(chunk_data=sample)

    def build(self, call: Call) -> None:
        action = "converse-stream" if call.upstream_stream else "converse"
        base = (self.api_base or f"https://bedrock-runtime.{self.region}.amazonaws.com").rstrip("/")
        call.url = f"{base}/model/{self.model_id}/{action}"
        call.litellm_params["aws_region_name"] = self.region
        call.data = self.config.transform_request(
            model=call.model,
            messages=call.messages,
            optional_params=call.optional_params,
            litellm_params=call.litellm_params,
            headers={},
        )
        body = orjson.dumps(call.data)
        headers = {"content-type": "application/json"}
        headers.update({k.lower(): v for k, v in self.extra_headers.items()})
        if self.api_key:  # a Bedrock API key
            headers["authorization"] = f"Bearer {self.api_key}"
        else:
            headers = self._sign(call.url, body, headers)
        call.headers = headers
        call.body = body  # the signed bytes, exactly

    def _sign(self, url: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
        """SigV4 over the exact body we send (pure CPU: static credentials only)."""
        auth = importlib.import_module("botocore.auth")
        awsrequest = importlib.import_module("botocore.awsrequest")
        credentials = importlib.import_module("botocore.credentials")
        if self.chain is not None:
            # Refreshable (role) credentials refresh inside botocore when near expiry.
            creds = self.chain.get_frozen_credentials()
        else:
            creds = credentials.Credentials(self.access_key, self.secret_key, self.session_token)
        request = awsrequest.AWSRequest(method="POST", url=url, data=body, headers=headers)
        auth.SigV4Auth(creds, "bedrock", self.region).add_auth(request)
        return {k.lower(): str(v) for k, v in request.headers.items()}
