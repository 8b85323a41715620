"""Big request bodies: parsed off the loop, in pieces, with the same limits and the
same error shapes as small ones on every surface (OpenAI, Anthropic, JSON-RPC)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import orjson
import pytest
import trio

from routeiq import json_pieces
from routeiq.api.body_json import parse_checked
from routeiq.api.validate import Limits
from routeiq.asgi.offload import SMALL_BODY_BYTES
from routeiq.config import load_config
from routeiq.errors import BadRequest
from routeiq.testing import AUTH, serve_gateway, surface_config
from tests.conftest import running_stack

PAD = "p" * (SMALL_BODY_BYTES + 1000)  # one string makes a body "big"
DEEP = 70  # over the default limit of 64


def nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels - 1):
        value = [value]
    return value


def chat(*, pad: bool, depth: int) -> dict[str, Any]:
    # metadata.x is 2 levels under the top object, so ``depth`` counts the total
    text = "hi " + PAD if pad else "hi"
    return {
        "model": "gpt-test",
        "messages": [{"role": "user", "content": text}],
        "max_tokens": 5,
        "metadata": {"x": nested(depth - 2)},
    }


@pytest.mark.parametrize(
    ("path", "build", "message_of"),
    [
        ("/v1/chat/completions", chat, lambda b: b["error"]["message"]),
        (
            "/v1/messages",
            chat,
            lambda b: b["error"]["message"] if b["type"] == "error" else None,
        ),
    ],
)
async def test_depth_limit_same_answer_small_and_big(
    path: str, build: Any, message_of: Any
) -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        answers = []
        for pad in (False, True):
            raw = orjson.dumps(build(pad=pad, depth=DEEP))
            assert (len(raw) > SMALL_BODY_BYTES) is pad
            r = await c.post(path, content=raw, headers={"content-type": "application/json"})
            assert r.status_code == 400, r.text
            answers.append(message_of(r.json()))
        assert answers[0] == answers[1] == "The request body nests deeper than 64 levels"
        # At the limit, both sizes go through to the upstream.
        for pad in (False, True):
            raw = orjson.dumps(build(pad=pad, depth=64))
            r = await c.post(path, content=raw, headers={"content-type": "application/json"})
            assert r.status_code == 200, r.text
        assert s.mock.stats.requests == 2


async def test_a_wide_big_chat_body_reaches_the_upstream_intact() -> None:
    parts = [{"type": "text", "text": f"part {i}"} for i in range(5000)]
    req = {"model": "gpt-test", "messages": [{"role": "user", "content": parts}]}
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json=req)
        assert r.status_code == 200, r.text
        assert s.mock.stats.last().body["messages"][0]["content"] == parts


@pytest.mark.parametrize("size", [100, SMALL_BODY_BYTES * 4])
async def test_big_bodies_are_parsed_and_checked_in_a_worker_thread(size: int) -> None:
    body = orjson.dumps({"model": "m", "pad": "x" * size})
    threads: list[int] = []

    def check(obj: dict[str, Any]) -> str:
        threads.append(threading.get_ident())
        return str(obj["model"])

    obj, model = await parse_checked(body, Limits(), check)
    assert model == "m" and obj == orjson.loads(body)
    on_loop = threads == [threading.get_ident()]
    assert on_loop is (size == 100)


async def test_big_body_errors_come_from_the_thread_unchanged() -> None:
    deep = orjson.dumps({"pad": PAD, "x": nested(70)})
    with pytest.raises(BadRequest, match="nests deeper than 64 levels"):
        await parse_checked(deep, Limits(), lambda o: o)
    broken = orjson.dumps({"pad": PAD})[:-1] + b",}"
    with pytest.raises(BadRequest, match="not valid JSON"):
        await parse_checked(broken, Limits(), lambda o: o)


def test_each_orjson_call_of_a_big_body_covers_one_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GIL is held per ``orjson.loads`` call: no call may cover the whole body."""
    body = orjson.dumps({"a": [[[[i, i + 1]]] for i in range(50_000)], "b": "x" * 100_000})
    sizes: list[int] = []
    real = orjson.loads

    def recording(raw: bytes) -> Any:
        sizes.append(len(raw))
        return real(raw)

    monkeypatch.setattr(json_pieces.orjson, "loads", recording)
    assert json_pieces.load(body, 64) == real(body)
    # A run of small values fits one piece; one big scalar (the string) is its own call.
    assert max(s for s in sizes if s != 100_002) <= json_pieces.PIECE_BYTES + 2
    assert len(sizes) > len(body) // json_pieces.PIECE_BYTES // 2


@pytest.mark.parametrize("pad", [False, True])
async def test_jsonrpc_depth_limit_same_error_small_and_big(pad: bool) -> None:
    params: dict[str, Any] = {"x": nested(DEEP)}
    if pad:
        params["pad"] = PAD
    raw = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": params})
    headers = {**AUTH, "accept": "application/json, text/event-stream"}
    headers["content-type"] = "application/json"
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, load_config(surface_config()))
        async with httpx.AsyncClient(base_url=url, headers=headers) as c:
            for path in ("/mcp", "/a2a/some-agent"):
                r = await c.post(path, content=raw)
                body = r.json()
                assert body["error"] == {
                    "code": -32600,
                    "message": "The body nests deeper than 64 levels",
                }, (path, body)
                assert body["id"] is None
        nursery.cancel_scope.cancel()
