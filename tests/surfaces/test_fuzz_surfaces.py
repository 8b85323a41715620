"""Fuzz the new surfaces: no input yields a 500; every error is in the surface's own
shape (Anthropic's on /v1/messages, OpenAI's elsewhere)."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import example, given
from hypothesis import strategies as st

from routeiq.asgi.types import ASGIApp
from routeiq.config import load_config
from routeiq.testing import build_gateway
from tests.api.test_fuzz import AUTH, FUZZ, call, json_values
from tests.conftest import config_dict

DEAD = "http://127.0.0.1:9/v1"  # valid requests get a 502, never a 500


def _config() -> Any:
    cfg = config_dict(DEAD, server={"max_body_bytes": 20000})
    for name, mode in [
        ("image-test", "image_generation"),
        ("tts-test", "audio_speech"),
        ("stt-test", "audio_transcription"),
        ("rerank-test", "rerank"),
        ("text-test", "completion"),
    ]:
        cfg["model_list"].append(
            {
                "model_name": name,
                "model_info": {"id": name, "mode": mode},
                "litellm_params": {"model": f"openai/{name}", "api_base": DEAD, "api_key": "k"},
            }
        )
    cfg["model_list"].append(  # served by Responses pass-through
        {
            "model_name": "native-test",
            "model_info": {"id": "native-test", "supported_endpoints": ["/v1/responses"]},
            "litellm_params": {"model": "openai/native", "api_base": DEAD, "api_key": "k"},
        }
    )
    return load_config(cfg)


CONFIG = _config()
ANTHROPIC_PATHS = ("/v1/messages", "/v1/messages/count_tokens")


def _app() -> ASGIApp:
    app, _ = build_gateway(CONFIG, open_upstreams=True)
    return app


def check(path: str, status: int, body: bytes) -> None:
    assert status != 500, body
    assert 200 <= status < 600
    assert b"Traceback" not in body
    if status < 400:
        return
    obj = orjson.loads(body)
    if path in ANTHROPIC_PATHS:
        assert obj["type"] == "error" and set(obj["error"]) == {"type", "message"}, obj
        assert isinstance(obj["error"]["message"], str)
    else:
        assert set(obj["error"]) == {"message", "type", "code", "param"}, obj


blocks = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image", "tool_use", "tool_result", "thinking", "x"])},
    optional={
        "text": st.text(max_size=20) | json_values,
        "source": json_values
        | st.fixed_dictionaries(
            {
                "type": st.sampled_from(["base64", "url"]),
                "media_type": st.just("image/png"),
                "data": st.text(max_size=8),
                "url": st.text(max_size=8),
            }
        ),
        "id": json_values,
        "name": json_values,
        "input": json_values,
        "tool_use_id": json_values,
        "content": json_values,
        "is_error": json_values,
    },
)
anthropic_bodies = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["gpt-test", "nope", ""]) | json_values,
        "max_tokens": st.integers(-2, 5) | json_values,
        "messages": st.lists(
            st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "assistant", "system"]) | json_values},
                optional={
                    "content": st.text(max_size=10) | st.lists(blocks, max_size=3) | json_values
                },
            ),
            max_size=3,
        )
        | json_values,
        "system": st.text(max_size=10) | st.lists(blocks, max_size=2) | json_values,
        "tools": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": json_values,
                    "input_schema": json_values,
                    "description": json_values,
                    "type": json_values,
                },
            ),
            max_size=2,
        )
        | json_values,
        "tool_choice": st.fixed_dictionaries(
            {"type": st.sampled_from(["auto", "any", "tool", "none", "x"])},
            optional={"name": json_values, "disable_parallel_tool_use": json_values},
        )
        | json_values,
        "stream": st.booleans() | json_values,
        "stop_sequences": json_values,
        "temperature": json_values,
        "top_k": json_values,
        "metadata": json_values,
    },
)
items = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(
            ["message", "function_call", "function_call_output", "reasoning", "x"]
        ),
        "role": st.sampled_from(["user", "assistant", "developer", "tool"]) | json_values,
        "content": st.text(max_size=10)
        | st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["input_text", "output_text", "input_image", "x"])},
                optional={"text": json_values, "image_url": json_values},
            ),
            max_size=2,
        )
        | json_values,
        "call_id": json_values,
        "name": json_values,
        "arguments": json_values,
        "output": json_values,
    },
)
responses_bodies = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["gpt-test", "native-test", "nope"]) | json_values,
        "input": st.text(max_size=10) | st.lists(items, max_size=3) | json_values,
        "instructions": json_values,
        "tools": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["function", "web_search"])},
                optional={"name": json_values, "parameters": json_values},
            ),
            max_size=2,
        )
        | json_values,
        "tool_choice": json_values | st.sampled_from(["auto", "required", "none"]),
        "text": json_values
        | st.fixed_dictionaries(
            {
                "format": st.fixed_dictionaries(
                    {"type": st.sampled_from(["text", "json_schema", "json_object", "x"])},
                    optional={"name": json_values, "schema": json_values},
                )
            }
        ),
        "previous_response_id": json_values,
        "stream": st.booleans() | json_values,
        "store": json_values,
        "metadata": json_values,
        "max_output_tokens": json_values,
        "temperature": json_values,
    },
)
other_bodies = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(
            ["gpt-test", "text-test", "image-test", "tts-test", "rerank-test", "nope"]
        )
        | json_values,
        "prompt": json_values,
        "input": json_values,
        "voice": json_values,
        "query": json_values,
        "documents": json_values,
        "stream": json_values,
    },
)
OTHER_PATHS = [
    "/v1/completions",
    "/v1/moderations",
    "/v1/images/generations",
    "/v1/audio/speech",
    "/v1/rerank",
]


@FUZZ
@given(body=anthropic_bodies, path=st.sampled_from(ANTHROPIC_PATHS))
async def test_messages_never_500(body: dict[str, Any], path: str) -> None:
    check(path, *await call(_app(), "POST", path, AUTH, orjson.dumps(body)))


@FUZZ
@given(body=responses_bodies)
@example(body={"model": "gpt-test", "input": [{"role": []}]})  # was a 500 (unhashable role)
async def test_responses_never_500(body: dict[str, Any]) -> None:
    check("/v1/responses", *await call(_app(), "POST", "/v1/responses", AUTH, orjson.dumps(body)))


@FUZZ
@given(body=other_bodies, path=st.sampled_from(OTHER_PATHS))
async def test_relayed_endpoints_never_500(body: dict[str, Any], path: str) -> None:
    check(path, *await call(_app(), "POST", path, AUTH, orjson.dumps(body)))


@FUZZ
@given(
    raw=st.binary(max_size=2000),
    path=st.sampled_from(
        [
            *ANTHROPIC_PATHS,
            "/v1/responses",
            "/v1/responses/resp_x",
            "/v1/responses/resp_x/input_items",
            "/v1/responses/x/y",
            "/v1/models/gpt-test",
            "/v1/models/",
            "/v1/audio/transcriptions",
            *OTHER_PATHS,
        ]
    ),
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT"]),
    ctype=st.sampled_from(
        [
            b"application/json",
            b"text/plain",
            b"multipart/form-data; boundary=b",
            b"multipart/form-data",
        ]
    ),
)
async def test_raw_bytes_never_500(raw: bytes, path: str, method: str, ctype: bytes) -> None:
    check(path, *await call(_app(), method, path, [AUTH[0], (b"content-type", ctype)], raw))


@FUZZ
@given(
    head=st.binary(max_size=300),
    model=st.sampled_from([b"stt-test", b"gpt-test", b"", b"nope\x00"]),
    rest=st.binary(max_size=300),
)
async def test_multipart_uploads_never_500(head: bytes, model: bytes, rest: bytes) -> None:
    body = (
        head
        + b'--b\r\ncontent-disposition: form-data; name="model"\r\n\r\n'
        + model
        + b'\r\n--b\r\ncontent-disposition: form-data; name="file"; filename="a"\r\n\r\n'
        + rest
        + b"\r\n--b--\r\n"
    )
    headers = [AUTH[0], (b"content-type", b"multipart/form-data; boundary=b")]
    check(
        "/v1/audio/transcriptions",
        *await call(_app(), "POST", "/v1/audio/transcriptions", headers, body),
    )


async def test_unauthenticated_messages_error_is_anthropic_shaped() -> None:
    body = orjson.dumps({"model": "gpt-test", "max_tokens": 1, "messages": []})
    status, out = await call(
        _app(), "POST", "/v1/messages", [(b"content-type", b"application/json")], body
    )
    assert status == 401
    assert orjson.loads(out) == {
        "type": "error",
        "error": {
            "type": "authentication_error",
            "message": "Missing API key: send 'Authorization: Bearer <key>'",
        },
    }
    # the same failure on the chat path keeps OpenAI's shape
    status, out = await call(_app(), "POST", "/v1/chat/completions", [], body)
    assert status == 401 and orjson.loads(out)["error"]["code"] == "invalid_api_key"
