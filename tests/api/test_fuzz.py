"""Fuzz the HTTP surface: no input yields a 500, a stack trace, or a non-JSON error."""

from __future__ import annotations

from typing import Any

import orjson
import trio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq.asgi.types import ASGIApp, Message
from routeiq.config import load_config
from routeiq.testing import build_gateway, http_scope
from tests.conftest import MASTER_KEY, config_dict

# Deployments point at a closed port: valid requests get a 502, never a 500.
CONFIG = load_config(config_dict("http://127.0.0.1:9/v1", server={"max_body_bytes": 20000}))


def _app() -> ASGIApp:
    app, _ = build_gateway(CONFIG, open_upstreams=True)
    return app


async def call(
    app: ASGIApp,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    query: str | bytes = b"",
) -> tuple[int, bytes]:
    """One request into ``app``. The query string goes in the scope's ``query_string``,
    as a server puts it (a ``?`` in ``path`` is split off there too): left in the
    path, it would reach no route and no query parser, and a fuzz test would pass
    on the 404."""
    path, _, in_path = path.partition("?")
    qs = query.encode() if isinstance(query, str) else query
    if in_path:
        qs = in_path.encode() + (b"&" + qs if qs else b"")
    scope = http_scope(method, path, headers, query_string=qs, extensions={}, state={})
    sent: list[Message] = []
    pieces = [body[i : i + 700] for i in range(0, len(body), 700)] or [b""]
    messages: list[Message] = [
        {"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
        for i, p in enumerate(pieces)
    ]

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        await trio.sleep_forever()  # a client that stays connected
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(start["status"]), out


def check(status: int, body: bytes) -> None:
    assert status != 500, body
    assert 200 <= status < 600
    assert b"Traceback" not in body
    if status >= 400:
        err = orjson.loads(body)["error"]
        assert set(err) == {"message", "type", "code", "param"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=10), kids, max_size=5)
    ),
    max_leaves=30,
)
message = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "system", "assistant", "tool", "x"]) | json_values},
    optional={"content": st.text(max_size=50) | json_values, "name": json_values},
)
chat_bodies = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["gpt-test", "embed-test", "nope", ""]) | json_values,
        "messages": st.lists(message, max_size=4) | json_values,
        "stream": st.booleans() | json_values,
        "temperature": json_values,
        "n": json_values,
        "max_tokens": json_values,
        "stop": json_values,
        "stream_options": json_values,
        "input": json_values,
        "tools": json_values,
    },
)
AUTH = [(b"authorization", f"Bearer {MASTER_KEY}".encode()), (b"content-type", b"application/json")]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(body=chat_bodies, path=st.sampled_from(["/v1/chat/completions", "/v1/embeddings"]))
async def test_structured_json_never_500(body: dict[str, Any], path: str) -> None:
    check(*await call(_app(), "POST", path, AUTH, orjson.dumps(body)))


@FUZZ
@given(
    raw=st.binary(max_size=3000),
    path=st.sampled_from(
        ["/v1/chat/completions", "/v1/embeddings", "/v1/models", "/x", "/routeiq/info"]
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    ctype=st.sampled_from(
        [b"application/json", b"text/plain", b"", b"application/json; charset=latin-1"]
    ),
)
async def test_raw_bytes_never_500(raw: bytes, path: str, method: str, ctype: bytes) -> None:
    headers = [AUTH[0], (b"content-type", ctype)]
    check(*await call(_app(), method, path, headers, raw))


@FUZZ
@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(
                [b"authorization", b"x-request-id", b"content-length", b"content-type", b"api-key"]
            ),
            st.binary(max_size=200),
        ),
        max_size=5,
    )
)
async def test_hostile_headers_never_500(headers: list[tuple[bytes, bytes]]) -> None:
    body = orjson.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]})
    check(*await call(_app(), "POST", "/v1/chat/completions", headers, body))


async def test_valid_request_to_dead_upstream_is_502() -> None:
    # orjson reads an integer beyond 64 bits as a float, so this stays a valid request.
    body = (
        b'{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"vendor_knob":1'
        + b"0" * 40
        + b"}"
    )
    status, out = await call(_app(), "POST", "/v1/chat/completions", AUTH, body)
    assert status == 502
    assert orjson.loads(out)["error"]["code"] == "bad_gateway"
