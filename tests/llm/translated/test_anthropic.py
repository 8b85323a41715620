"""Anthropic end to end: OpenAI-format clients -> the real gateway -> a Messages-API mock."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import orjson
import trio

from routeiq.pricing import read_spend
from tests.llm.translated.mock_anthropic import MockAnthropic
from tests.llm.translated.stack import CLAUDE, provider_stack

CHAT = {
    "model": "claude",
    "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ],
    "max_tokens": 100,
    "temperature": 0.25,
    "metadata": {"conversation": "kept by the gateway"},
}
# 12 prompt tokens at 3e-6 + 5 completion tokens at 1.5e-5 (litellm's map for claude-sonnet-4-5)
COST = "0.000111"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def sse_events(text: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(data objects, raw data strings incl. [DONE], comment lines) of an SSE body."""
    objects: list[dict[str, Any]] = []
    raw: list[str] = []
    comments: list[str] = []
    for event in text.split("\n\n"):
        for line in event.split("\n"):
            if line.startswith("data: "):
                raw.append(line[6:])
                if line[6:] != "[DONE]":
                    objects.append(orjson.loads(line[6:]))
            elif line.startswith(":"):
                comments.append(line)
    return objects, raw, comments


async def test_non_streamed_answer_and_translated_request() -> None:
    async with provider_stack() as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.status_code == 200
        assert r.headers["x-routeiq-deployment"] == "dep-claude"
        assert r.headers["x-routeiq-response-cost"] == COST
        body = r.json()
        assert body["object"] == "chat.completion"
        # The name the client asked for, as LiteLLM's proxy answers (compat/model_stamp.py);
        # the upstream was asked for CLAUDE (below).
        assert body["model"] == CHAT["model"] != CLAUDE
        assert body["choices"] == [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "Hello from Claude!"},
            }
        ]
        assert body["usage"]["prompt_tokens"] == 12
        assert body["usage"]["completion_tokens"] == 5
        assert body["usage"]["total_tokens"] == 17
        sent = st.anthropic.requests[-1]
        assert sent.path == "/v1/messages"
        assert sent.headers["x-api-key"] == "sk-ant-test-key"
        assert sent.headers["anthropic-version"] == "2023-06-01"
        assert sent.body == {
            "model": CLAUDE,
            "system": [{"type": "text", "text": "be brief"}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello"}]}],
            "max_tokens": 100,
            "temperature": 0.25,
        }


async def test_streamed_answer_event_by_event_with_usage_and_cost() -> None:
    async with provider_stack() as st, httpx.AsyncClient(timeout=30) as c:
        req = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=req)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert "x-routeiq-response-cost" not in r.headers  # headers left before usage came
        objects, raw, comments = sse_events(r.text)
        assert raw[-1] == "[DONE]"
        assert comments == [f": x-routeiq-response-cost={COST}"]
        assert {o["object"] for o in objects} == {"chat.completion.chunk"}
        assert len({o["id"] for o in objects}) == 1
        content = [o for o in objects if o["choices"] and o["choices"][0]["delta"].get("content")]
        assert [o["choices"][0]["delta"]["content"] for o in content] == [
            "Hello",
            " from",
            " Claude",
            "!",
        ]
        assert content[0]["choices"][0]["delta"]["role"] == "assistant"
        assert all("role" not in o["choices"][0]["delta"] for o in content[1:])
        finish = objects[-2]
        assert finish["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
        usage = objects[-1]
        assert usage["choices"] == []
        assert (usage["usage"]["prompt_tokens"], usage["usage"]["completion_tokens"]) == (12, 5)
        assert st.anthropic.requests[-1].body["stream"] is True


async def test_stream_without_include_usage_has_no_usage_chunk_but_is_priced() -> None:
    async with provider_stack() as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(
            f"{st.url}/v1/chat/completions", headers=st.headers, json={**CHAT, "stream": True}
        )
        objects, raw, comments = sse_events(r.text)
        assert all("usage" not in o for o in objects)
        assert raw[-1] == "[DONE]"
        assert comments == [f": x-routeiq-response-cost={COST}"]


async def test_stream_chunks_reach_the_client_before_the_upstream_finishes() -> None:
    mock = MockAnthropic(pieces=["one", " two", " three", " four"], gap=0.15)
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        first_content_at = None
        req = {**CHAT, "stream": True}
        async with c.stream(
            "POST", f"{st.url}/v1/chat/completions", headers=st.headers, json=req
        ) as r:
            async for line in r.aiter_lines():
                if first_content_at is None and '"content":"one"' in line:
                    first_content_at = trio.current_time()
        assert first_content_at is not None
        # 9 events 0.15 s apart: the first text arrived >= 0.6 s before the last was written.
        assert mock.event_times[-1] - first_content_at > 0.6


async def test_tools_are_translated_both_ways() -> None:
    mock = MockAnthropic(tool=("get_weather", {"city": "Paris"}))
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        req = {**CHAT, "tools": [WEATHER_TOOL], "tool_choice": "auto"}
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=req)
        assert r.status_code == 200
        sent = mock.requests[-1].body
        assert sent["tools"] == [
            {
                "type": "custom",
                "name": "get_weather",
                "description": "Weather in a city",
                "input_schema": WEATHER_TOOL["function"]["parameters"],  # type: ignore[index]
            }
        ]
        assert sent["tool_choice"] == {"type": "auto"}
        choice = r.json()["choices"][0]
        assert choice["finish_reason"] == "tool_calls"
        (call,) = choice["message"]["tool_calls"]
        assert call["id"] == "toolu_01"
        assert call["type"] == "function"
        assert call["function"]["name"] == "get_weather"
        assert orjson.loads(call["function"]["arguments"]) == {"city": "Paris"}
        # Streamed: the arguments arrive in pieces that concatenate to the JSON.
        r = await c.post(
            f"{st.url}/v1/chat/completions", headers=st.headers, json={**req, "stream": True}
        )
        objects, _, _ = sse_events(r.text)
        calls = [
            tc
            for o in objects
            if o["choices"]
            for tc in o["choices"][0]["delta"].get("tool_calls", [])
        ]
        assert calls[0]["function"]["name"] == "get_weather"
        assert calls[0]["id"] == "toolu_01"
        args = "".join(tc["function"].get("arguments") or "" for tc in calls)
        assert orjson.loads(args) == {"city": "Paris"}
        assert objects[-1]["choices"][0]["finish_reason"] == "tool_calls"


async def test_upstream_errors_map_to_gateway_errors() -> None:
    mock = MockAnthropic(status=400)
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.status_code == 400
        assert r.json()["error"]["message"] == "Overloaded"  # the upstream's own message
        assert len(mock.requests) == 1  # a client error is not retried
        mock.status = 529  # Anthropic's "overloaded": a 5xx, retried, then a 502
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.status_code == 502
        assert r.headers["x-routeiq-attempts"] == "3"
        assert r.json()["error"]["type"] == "upstream_error"
        assert len(mock.requests) == 4


async def test_wrong_credentials_are_a_bad_gateway() -> None:
    async with (
        provider_stack(anthropic_params={"api_key": "sk-ant-wrong"}) as st,
        httpx.AsyncClient(timeout=30) as c,
    ):
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.status_code == 502
        message = r.json()["error"]["message"]
        # 502s are retried; the final message also says how many attempts it took.
        assert message.startswith("The upstream rejected the gateway's credentials (3 attempts")


async def test_error_event_mid_stream_is_relayed_in_band() -> None:
    mock = MockAnthropic(stream_error=True)
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(
            f"{st.url}/v1/chat/completions", headers=st.headers, json={**CHAT, "stream": True}
        )
        assert r.status_code == 200
        objects, raw, _ = sse_events(r.text)
        assert objects[0]["choices"][0]["delta"]["content"] == "Hello"
        assert objects[-1]["error"]["type"] == "upstream_error"
        assert "Overloaded" in objects[-1]["error"]["message"]
        assert "[DONE]" not in raw


async def test_cached_prompt_tokens_are_priced_at_the_cache_rate() -> None:
    mock = MockAnthropic(cache_read_tokens=100)
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        usage = r.json()["usage"]
        assert usage["prompt_tokens"] == 112
        assert usage["prompt_tokens_details"]["cached_tokens"] == 100
        # 12 at 3e-6 + 100 cached at 3e-7 + 5 at 1.5e-5
        assert r.headers["x-routeiq-response-cost"] == "0.000141"


async def test_configured_prices_override_the_map() -> None:
    params = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    async with (
        provider_stack(anthropic_params=params) as st,
        httpx.AsyncClient(timeout=30) as c,
    ):
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.headers["x-routeiq-response-cost"] == "0.000022"  # 12e-6 + 10e-6


async def test_spend_accumulates_per_key_team_and_model_in_the_store() -> None:
    keys = {"keys": [{"key": "sk-team-key-123", "name": "alice", "team": "research"}]}
    async with provider_stack(auth=keys) as st, httpx.AsyncClient(timeout=30) as c:
        alice = {"authorization": "Bearer sk-team-key-123"}
        for headers in (alice, alice, st.headers):
            r = await c.post(f"{st.url}/v1/chat/completions", headers=headers, json=CHAT)
            assert r.status_code == 200
        # Recorded once the request is done, which may be just after the client has it.
        with trio.fail_after(5):
            while st.gw.spend.pending.get(("key", "master")) is None:
                await trio.sleep(0.01)
        await st.gw.spend.flush()
        store = st.gw.store
        assert await read_spend(store, "key", "alice") == 0.000222
        assert await read_spend(store, "team", "research") == 0.000222
        assert await read_spend(store, "key", "master") == 0.000111
        assert await read_spend(store, "model", "claude") == 0.000333
        metrics = (await c.get(f"{st.url}/metrics")).text
        line = next(ln for ln in metrics.splitlines() if ln.startswith("routeiq_response_cost"))
        assert 'model="claude"' in line
        assert abs(float(line.rsplit(" ", 1)[1]) - 0.000333) < 1e-12


async def test_embeddings_are_refused_for_a_chat_only_provider() -> None:
    async with provider_stack() as st, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(
            f"{st.url}/v1/embeddings", headers=st.headers, json={"model": "claude", "input": "x"}
        )
        assert r.status_code == 400
        assert "chat completions only" in r.json()["error"]["message"]
        assert st.anthropic.requests == []


async def test_official_openai_client() -> None:
    async with provider_stack() as st:

        def use_sdk() -> tuple[str, int, str, str]:
            client = openai.OpenAI(
                base_url=f"{st.url}/v1", api_key="sk-test-master-key", max_retries=0, timeout=30
            )
            raw = client.chat.completions.with_raw_response.create(
                model="claude", messages=[{"role": "user", "content": "hi"}], max_tokens=50
            )
            answer = raw.parse()
            stream = client.chat.completions.create(
                model="claude",
                messages=[{"role": "user", "content": "hi"}],
                stream=True,
                stream_options={"include_usage": True},
            )
            text = ""
            total = 0
            for chunk in stream:
                if chunk.choices:
                    text += chunk.choices[0].delta.content or ""
                if chunk.usage is not None:
                    total = chunk.usage.total_tokens
            return (
                answer.choices[0].message.content or "",
                total,
                text,
                raw.headers["x-routeiq-response-cost"],
            )

        content, total, text, cost = await trio.to_thread.run_sync(use_sdk)
        assert content == "Hello from Claude!"
        assert text == "Hello from Claude!"
        assert total == 17
        assert cost == COST


async def test_translation_in_a_worker_thread_gives_the_same_answers() -> None:
    async with provider_stack() as st, httpx.AsyncClient(timeout=30) as c:
        adapter = st.gw.translators["dep-claude"]
        assert adapter.prepare_seconds > 0 and adapter.parse_seconds > 0  # measured at start-up
        adapter.offload = True
        r = await c.post(f"{st.url}/v1/chat/completions", headers=st.headers, json=CHAT)
        assert r.json()["choices"][0]["message"]["content"] == "Hello from Claude!"
        assert r.headers["x-routeiq-response-cost"] == COST
        r = await c.post(
            f"{st.url}/v1/chat/completions", headers=st.headers, json={**CHAT, "stream": True}
        )
        objects, raw, _ = sse_events(r.text)
        text = "".join(o["choices"][0]["delta"].get("content") or "" for o in objects)
        assert text == "Hello from Claude!"
        assert raw[-1] == "[DONE]"


async def test_client_disconnect_closes_the_upstream_stream() -> None:
    mock = MockAnthropic(pieces=[f" w{i}" for i in range(20)], gap=0.1)
    async with provider_stack(mock) as st, httpx.AsyncClient(timeout=30) as c:
        req = {**CHAT, "stream": True}
        async with c.stream(
            "POST", f"{st.url}/v1/chat/completions", headers=st.headers, json=req
        ) as r:
            async for line in r.aiter_lines():
                if '"content":" w0"' in line:
                    left_at = trio.current_time()
                    break
        with trio.fail_after(5):
            while mock.closed_at is None:
                await trio.sleep(0.01)
        assert mock.closed_at - left_at < 0.5
        assert len(mock.event_times) < 10  # 24 events were due: the rest were never written


async def test_output_guardrail_sees_the_translated_stream() -> None:
    pieces = ["Your", " card", " is", " 4111", " 1111", " 1111", " 1111", " ok"]
    guardrails = {"pii": {"action": "log"}, "output": {"actions": {"pii": "block"}}}
    async with (
        provider_stack(MockAnthropic(pieces=pieces), guardrails=guardrails) as st,
        httpx.AsyncClient(timeout=30) as c,
    ):
        r = await c.post(
            f"{st.url}/v1/chat/completions", headers=st.headers, json={**CHAT, "stream": True}
        )
        objects, _, _ = sse_events(r.text)
        assert objects[-1]["error"]["code"] == "guardrail_blocked"
        text = "".join(
            o["choices"][0]["delta"].get("content") or "" for o in objects[:-1] if o["choices"]
        )
        assert text == "Your card is "  # the guard cut the stream before the digits
        assert "1111" not in r.text
