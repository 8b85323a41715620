from __future__ import annotations

import orjson
import pytest

from routeiq.api.validate import (
    Limits,
    check_content_type,
    parse_json_object,
    validate_chat,
    validate_embeddings,
)
from routeiq.errors import BadRequest, InvalidJSON, UnsupportedMediaType

LIM = Limits(max_messages=4, max_depth=8)


def chat(**kw: object) -> dict[str, object]:
    body: dict[str, object] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    body.update(kw)
    return body


def test_valid_chat_returns_model() -> None:
    assert validate_chat(chat(stream=True, temperature=0.5, stop=["x"]), LIM) == "m"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, "model"),
        ({"model": "m"}, "messages"),
        (chat(model=3), "model"),
        (chat(messages="hi"), "messages"),
        (chat(messages=[]), "messages"),
        (chat(messages=[{"role": "wizard", "content": "x"}]), "messages[0].role"),
        (chat(messages=[{"role": "user", "content": 5}]), "messages[0].content"),
        (
            chat(messages=[{"role": "user", "content": [{"text": "no type"}]}]),
            "messages[0].content[0]",
        ),
        (chat(stream="yes"), "stream"),
        (chat(temperature=3), "temperature"),
        (chat(temperature=True), "temperature"),
        (chat(n=0), "n"),
        (chat(max_tokens="10"), "max_tokens"),
        (chat(stop=[1]), "stop"),
        (chat(stream_options={"include_usage": "y"}), "stream_options.include_usage"),
        (chat(messages=[{"role": "user", "content": "x"}] * 5), "messages"),
    ],
)
def test_chat_errors_name_the_param(body: dict[str, object], param: str) -> None:
    with pytest.raises(BadRequest) as exc:
        validate_chat(body, LIM)
    assert exc.value.param == param
    assert exc.value.status == 400


def test_json_parsing() -> None:
    with pytest.raises(InvalidJSON):
        parse_json_object(b"{not json", LIM)
    with pytest.raises(InvalidJSON):
        parse_json_object(b"", LIM)
    with pytest.raises(BadRequest):
        parse_json_object(b"[1,2]", LIM)
    deep = b'{"a":' * 9 + b"1" + b"}" * 9
    with pytest.raises(BadRequest) as exc:
        parse_json_object(deep, LIM)
    assert "deeper than 8" in exc.value.message
    ok = b'{"a":' * 7 + b"1" + b"}" * 7
    assert parse_json_object(ok, LIM)["a"]
    very_deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(BadRequest):
        parse_json_object(b'{"x":' + very_deep + b"}", LIM)


def test_content_type() -> None:
    check_content_type(b"application/json; charset=utf-8")
    for bad in (None, b"text/plain", b"multipart/form-data"):
        with pytest.raises(UnsupportedMediaType):
            check_content_type(bad)


def test_embeddings_inputs() -> None:
    assert validate_embeddings({"model": "e", "input": "x"}, LIM) == "e"
    assert validate_embeddings({"model": "e", "input": [[1, 2], [3]]}, LIM) == "e"
    for bad in ([], [1, "a"], {"a": 1}, [True]):
        with pytest.raises(BadRequest):
            validate_embeddings({"model": "e", "input": bad}, LIM)


def test_error_body_shape() -> None:
    with pytest.raises(BadRequest) as exc:
        validate_chat(chat(n=0), LIM)
    body = orjson.loads(exc.value.body_bytes())
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert body["error"]["type"] == "invalid_request_error"
