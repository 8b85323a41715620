"""The gateway over real sockets, in-process, against the mock upstream."""

from __future__ import annotations

import httpx
import orjson
import pytest
import trio
import trio.testing

from tests.conftest import running_stack

CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello gateway"}]}


def assert_error_shape(
    r: httpx.Response, status: int, code: str | None = None
) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert "Traceback" not in r.text
    if code is not None:
        assert body["error"]["code"] == code
    assert r.headers.get("x-request-id")
    err: dict[str, object] = body["error"]
    return err


async def test_chat_non_streaming_passes_through() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == 200
        body = r.json()
        assert body["choices"][0]["message"]["content"].endswith("hello gateway")
        assert body["model"] == "gpt-test"  # the upstream name reached the upstream
        assert r.headers["x-routeiq-model"] == "gpt-test"
        assert r.headers["x-routeiq-deployment"] == "dep-a"
        assert float(r.headers["x-routeiq-request-ms"]) > 0
        assert s.mock.stats.requests == 1


async def test_chat_streaming_with_usage() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        req = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
        async with c.stream("POST", "/v1/chat/completions", json=req) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["x-routeiq-deployment"] == "dep-a"
            lines = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
        assert lines[-1] == "data: [DONE]"
        chunks = [orjson.loads(ln[6:]) for ln in lines[:-1]]
        text = "".join(
            ch["choices"][0]["delta"].get("content", "") for ch in chunks if ch["choices"]
        )
        assert text.endswith("hello gateway")
        assert chunks[-1]["usage"]["completion_tokens"] == len(text.split())


async def test_request_id_echoed_or_generated() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json=CHAT, headers={"x-request-id": "abc.DEF-1_2"})
        assert r.headers["x-request-id"] == "abc.DEF-1_2"
        assert s.mock.stats.last().request_id == "abc.DEF-1_2"
        for bad in ("has space", "x" * 129, "semi;colon"):
            r = await c.post("/v1/chat/completions", json=CHAT, headers={"x-request-id": bad})
            assert r.headers["x-request-id"] != bad
            assert len(r.headers["x-request-id"]) == 24
        r = await c.post("/v1/chat/completions", json={"model": 1})
        assert_error_shape(r, 400)


async def test_auth() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url) as c:
        r = await c.post("/v1/chat/completions", json=CHAT)
        err = assert_error_shape(r, 401, "invalid_api_key")
        assert "Missing" in str(err["message"])
        r = await c.post(
            "/v1/chat/completions", json=CHAT, headers={"authorization": "Bearer nope"}
        )
        assert_error_shape(r, 401, "invalid_api_key")
        r = await c.get("/v1/models", headers={"authorization": "Basic Zm9vOmJhcg=="})
        assert_error_shape(r, 401)
        assert (await c.get("/health/live")).status_code == 200
        assert (await c.get("/health/ready")).status_code == 200
        assert s.mock.stats.requests == 0


async def test_models_and_embeddings() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.get("/v1/models")
        assert sorted(m["id"] for m in r.json()["data"]) == ["embed-test", "gpt-test"]
        r = await c.post("/v1/embeddings", json={"model": "embed-test", "input": ["a b", "c"]})
        assert r.status_code == 200
        assert [d["index"] for d in r.json()["data"]] == [0, 1]
        assert r.headers["x-routeiq-deployment"] == "dep-e"


async def test_client_errors_are_4xx_json() -> None:
    async with running_stack(server={"max_body_bytes": 2000, "max_messages": 3}) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            r = await c.post("/v1/chat/completions", json={**CHAT, "model": "nope"})
            err = assert_error_shape(r, 404, "model_not_found")
            assert err["param"] == "model"
            r = await c.post(
                "/v1/chat/completions",
                content=b"{oops",
                headers={"content-type": "application/json"},
            )
            assert_error_shape(r, 400, "invalid_json")
            r = await c.post(
                "/v1/chat/completions", content=b"{}", headers={"content-type": "text/plain"}
            )
            assert_error_shape(r, 415)
            r = await c.post("/v1/chat/completions", json={**CHAT, "pad": "x" * 3000})
            assert_error_shape(r, 413)
            r = await c.post(
                "/v1/chat/completions", json={**CHAT, "messages": CHAT["messages"] * 4}
            )
            assert_error_shape(r, 400)
            r = await c.get("/v1/chat/completions")
            assert_error_shape(r, 405)
            r = await c.get("/no/such/route")
            assert_error_shape(r, 404)

            # Chunked body over the limit, with no Content-Length to check up front.
            async def gen():  # type: ignore[no-untyped-def]
                for _ in range(10):
                    yield b"x" * 500

            r = await c.post(
                "/v1/chat/completions", content=gen(), headers={"content-type": "application/json"}
            )
            assert_error_shape(r, 413)
            assert s.mock.stats.requests == 0


@pytest.mark.parametrize(
    ("meta", "status", "code"),
    [
        ({"mock_mode": "error", "mock_status": 500}, 502, "bad_gateway"),
        ({"mock_mode": "error", "mock_status": 503}, 503, "upstream_unavailable"),
        ({"mock_mode": "error", "mock_status": 429}, 429, "rate_limited"),
        ({"mock_mode": "error", "mock_status": 400}, 400, "upstream_rejected"),
        ({"mock_mode": "error", "mock_status": 401}, 502, "bad_gateway"),
        ({"mock_mode": "reset"}, 502, "bad_gateway"),
    ],
)
async def test_upstream_failures_map_to_gateway_errors(
    meta: dict[str, object], status: int, code: str
) -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json={**CHAT, "metadata": meta})
        assert_error_shape(r, status, code)
        assert r.headers["x-routeiq-deployment"] == "dep-a"


async def test_deadline_gives_504_on_exact_virtual_time(mock_clock: trio.testing.MockClock) -> None:
    # Start-up waits on worker threads (the key database, imports); an autojump clock
    # would leap to hypercorn's start-up timeout while a thread works. So virtual time
    # stands still until the stack is up, and jumps only for the request itself.
    async with running_stack(server={"request_timeout": 7.5}) as s:
        mock_clock.autojump_threshold = 0
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=60) as c:
            t0 = trio.current_time()
            r = await c.post(
                "/v1/chat/completions", json={**CHAT, "metadata": {"mock_mode": "timeout"}}
            )
            assert trio.current_time() - t0 == pytest.approx(7.5, abs=1e-6)
            assert_error_shape(r, 504, "upstream_timeout")
            # The upstream saw its request closed when the deadline fired.
            with trio.fail_after(1):
                while s.mock.stats.last().closed_at is None:
                    await trio.sleep(0.001)


async def test_midstream_failure_ends_stream_with_error_event() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        req = {**CHAT, "stream": True, "metadata": {"mock_mode": "reset", "mock_chunks": 6}}
        async with c.stream("POST", "/v1/chat/completions", json=req) as r:
            assert r.status_code == 200
            lines = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
        last = orjson.loads(lines[-1][6:])
        assert last["error"]["code"] == "bad_gateway"
        assert "data: [DONE]" not in lines


async def test_metrics_exposed() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        await c.post("/v1/chat/completions", json=CHAT)
        await c.post("/v1/chat/completions", json={**CHAT, "model": "nope"})
        text = (await c.get("/metrics")).text
        assert (
            'routeiq_requests_total{route="/v1/chat/completions",model="gpt-test",status="200"} 1'
            in text
        )
        assert 'model="unknown",status="404"} 1' in text
        assert "routeiq_loop_task_step_seconds_count" in text
        assert 'routeiq_tokens_total{model="gpt-test",kind="completion"}' in text
