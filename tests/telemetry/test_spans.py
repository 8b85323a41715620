"""Spans per the GenAI conventions, read from an in-memory exporter: a plain, a
streamed, a retried and a failed request; a client's traceparent continues the
trace and reaches the upstream with the same trace id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import trio
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from routeiq.mock_upstream import MockSettings
from routeiq.server import start_mock
from tests.conftest import CHAT, CHAT_STREAM, Stack, running_stack
from tests.llm.translated.stack import CLAUDE, provider_stack

PARAMS = {"max_tokens": 64, "temperature": 0.5, "top_p": 0.9}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


@asynccontextmanager
async def traced_stack(**kw: Any) -> AsyncIterator[tuple[Stack, httpx.AsyncClient, Any]]:
    async with running_stack(**kw) as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        exporter = InMemorySpanExporter()
        s.gw.telemetry.add_span_processor(SimpleSpanProcessor(exporter))
        yield s, c, exporter


async def spans_of(exporter: InMemorySpanExporter, n: int) -> list[ReadableSpan]:
    """The finished spans once the request's SERVER span is out (after the response)."""
    with trio.fail_after(5):
        while not any(sp.kind is SpanKind.SERVER for sp in exporter.get_finished_spans()):
            await trio.sleep(0.01)
    spans = list(exporter.get_finished_spans())
    assert len(spans) == n, [sp.name for sp in spans]
    exporter.clear()
    return spans


def split(spans: list[ReadableSpan]) -> tuple[ReadableSpan, list[ReadableSpan]]:
    (server,) = [sp for sp in spans if sp.kind is SpanKind.SERVER]
    clients = sorted(
        (sp for sp in spans if sp.kind is SpanKind.CLIENT), key=lambda sp: sp.start_time or 0
    )
    for sp in clients:  # every attempt is a child of the request's span, in its trace
        assert sp.parent is not None and sp.parent.span_id == server.context.span_id
        assert sp.context.trace_id == server.context.trace_id
    return server, clients


async def test_plain_request_spans_carry_the_genai_attributes() -> None:
    async with traced_stack() as (s, c, exporter):
        r = await c.post("/v1/chat/completions", json={**CHAT, **PARAMS})
        assert r.status_code == 200
        body = r.json()
        server, (client,) = split(await spans_of(exporter, 2))
    assert server.name == "chat gpt-test"
    a = dict(server.attributes or {})
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.request.model"] == "gpt-test"
    assert a["http.response.status_code"] == 200
    c = dict(client.attributes or {})
    assert client.name == "chat gpt-test"  # the upstream model name (openai/gpt-test)
    assert c["gen_ai.operation.name"] == "chat"
    assert c["gen_ai.provider.name"] == "openai"
    assert c["gen_ai.request.model"] == "gpt-test"
    assert c["gen_ai.request.max_tokens"] == 64
    assert c["gen_ai.request.temperature"] == 0.5
    assert c["gen_ai.request.top_p"] == 0.9
    assert c["gen_ai.response.id"] == body["id"]
    assert c["gen_ai.response.model"] == body["model"]
    assert c["gen_ai.response.finish_reasons"] == ("stop",)
    assert c["gen_ai.usage.input_tokens"] == body["usage"]["prompt_tokens"]
    assert c["gen_ai.usage.output_tokens"] == body["usage"]["completion_tokens"]
    assert c["server.address"] == "127.0.0.1"
    base = httpx.URL(s.gw.config.deployments[0].api_base)
    assert c["server.port"] == base.port
    assert "error.type" not in c and client.status.status_code is StatusCode.UNSET
    assert "gen_ai.input.messages" not in c  # contents only when capture_content is on
    # Decisions are events on the SERVER span, not spans.
    names = [e.name for e in server.events]
    assert names == ["routeiq.routing.decision"]
    assert dict(server.events[0].attributes or {})["deployment"] == "dep-a"
    assert server.start_time is not None and client.start_time is not None
    assert server.start_time <= client.start_time
    assert client.end_time is not None and server.end_time is not None
    assert client.end_time <= server.end_time


async def test_streamed_request_counts_its_real_usage() -> None:
    async with traced_stack() as (s, c, exporter):
        async with c.stream("POST", "/v1/chat/completions", json=CHAT_STREAM) as r:
            assert r.status_code == 200
            events = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
        server, (client,) = split(await spans_of(exporter, 2))
    # The upstream was asked for usage; the client, who did not ask, got no usage event.
    assert s.mock.stats.last().stream_options == {"include_usage": True}
    assert events[-1] == "data: [DONE]"
    assert not any('"usage"' in e for e in events)
    c = dict(client.attributes or {})
    assert c["gen_ai.usage.input_tokens"] > 0
    text = "".join(
        ch["delta"].get("content", "") for e in events[:-1] for ch in orjson.loads(e[6:])["choices"]
    )
    assert c["gen_ai.usage.output_tokens"] == len(text.split())  # the mock counts words
    assert c["gen_ai.response.finish_reasons"] == ("stop",)
    assert c["gen_ai.response.id"].startswith("chatcmpl-")
    assert dict(server.attributes or {})["gen_ai.usage.output_tokens"] > 0


async def test_client_that_asked_for_usage_gets_the_stream_untouched() -> None:
    async with traced_stack() as (s, c, exporter):
        req = {**CHAT_STREAM, "stream_options": {"include_usage": True}}
        async with c.stream("POST", "/v1/chat/completions", json=req) as r:
            events = [ln async for ln in r.aiter_lines() if ln.startswith("data: ")]
        await spans_of(exporter, 2)
    assert s.mock.stats.last().stream_options == {"include_usage": True}
    assert sum('"usage"' in e for e in events) == 1


async def test_retried_request_has_sibling_attempt_spans() -> None:
    async with trio.open_nursery() as nursery:
        _, bad = await start_mock(nursery, MockSettings(error_rate=1.0))

        def two_deployments(cfg: dict[str, Any]) -> None:
            good = cfg["model_list"][0]
            broken = {
                "model_name": "gpt-test",
                "litellm_params": {**good["litellm_params"], "api_base": bad},
                "model_info": {"id": "dep-bad"},
            }
            cfg["model_list"].append(broken)
            cfg["router_settings"] = {"num_retries": 1}

        async with traced_stack(edit=two_deployments) as (_, c, exporter):
            # The strategy picks at random: ask until one request needed a retry.
            for _ in range(40):
                r = await c.post("/v1/chat/completions", json=CHAT)
                assert r.status_code == 200
                if r.headers["x-routeiq-attempts"] == "2":
                    break
                await spans_of(exporter, 2)
            else:
                raise AssertionError("no request was retried")
            server, (first, second) = split(await spans_of(exporter, 3))
        nursery.cancel_scope.cancel()
    f, g = dict(first.attributes or {}), dict(second.attributes or {})
    assert f["routeiq.deployment"] == "dep-bad" and g["routeiq.deployment"] == "dep-a"
    assert f["error.type"] == "UpstreamError" and f["http.response.status_code"] == 502
    assert first.status.status_code is StatusCode.ERROR
    assert "gen_ai.response.id" not in f
    assert g["routeiq.attempt.via"] == "retry" and "error.type" not in g
    assert g["gen_ai.response.finish_reasons"] == ("stop",)
    assert first.end_time is not None and second.start_time is not None
    assert first.end_time <= second.start_time
    assert dict(server.attributes or {})["routeiq.attempts"] == 2
    decisions = [e for e in server.events if e.name == "routeiq.routing.decision"]
    assert [dict(e.attributes or {})["via"] for e in decisions] == ["strategy", "retry"]


async def test_failed_request_marks_both_spans() -> None:
    async with traced_stack() as (_, c, exporter):
        req = {**CHAT, "metadata": {"mock_mode": "error", "mock_status": 500}}
        r = await c.post("/v1/chat/completions", json=req)
        assert r.status_code == 502
        server, clients = split(await spans_of(exporter, 4))
    # Two retries (the default) on the one deployment, each a failed sibling span.
    assert [dict(sp.attributes or {})["routeiq.attempt.via"] for sp in clients] == [
        "strategy",
        "retry",
        "retry",
    ]
    for client in clients:
        assert dict(client.attributes or {})["error.type"] == "UpstreamError"
        assert client.status.status_code is StatusCode.ERROR
    a = dict(server.attributes or {})
    assert a["error.type"] == "502" and a["http.response.status_code"] == 502
    assert server.status.status_code is StatusCode.ERROR


async def test_client_traceparent_continues_the_trace_to_the_upstream() -> None:
    async with traced_stack() as (s, c, exporter):
        headers = {"traceparent": f"00-{TRACE_ID}-{PARENT}-01", "tracestate": "vendor=abc"}
        r = await c.post("/v1/chat/completions", json=CHAT, headers=headers)
        assert r.status_code == 200
        server, (client,) = split(await spans_of(exporter, 2))
    sent = s.mock.stats.last().traceparent
    assert sent is not None
    version, trace_id, span_id, flags = sent.split("-")
    assert (version, trace_id, flags) == ("00", TRACE_ID, "01")
    # The upstream's parent is the attempt's CLIENT span, exported with that very id.
    assert int(span_id, 16) == client.context.span_id
    assert f"{server.context.trace_id:032x}" == TRACE_ID
    assert server.parent is not None and f"{server.parent.span_id:016x}" == PARENT
    assert server.parent.is_remote


async def test_traceparent_is_forwarded_unchanged_when_not_tracing() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        value = f"00-{TRACE_ID}-{PARENT}-01"
        r = await c.post("/v1/chat/completions", json=CHAT, headers={"traceparent": value})
        assert r.status_code == 200
        assert s.mock.stats.last().traceparent == value
        r = await c.post("/v1/chat/completions", json=CHAT, headers={"traceparent": "garbage"})
        assert r.status_code == 200
        assert s.mock.stats.last().traceparent is None


async def test_contents_are_recorded_only_when_enabled() -> None:
    async with traced_stack(telemetry={"capture_content": True}) as (_, c, exporter):
        r = await c.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == 200
        _, (client,) = split(await spans_of(exporter, 2))
    a = dict(client.attributes or {})
    assert orjson.loads(str(a["gen_ai.input.messages"])) == CHAT["messages"]
    assert orjson.loads(str(a["gen_ai.output.messages"])) == [r.json()["choices"][0]["message"]]


async def test_stream_usage_can_be_turned_off() -> None:
    async with traced_stack(telemetry={"stream_usage": False}) as (s, c, exporter):
        async with c.stream("POST", "/v1/chat/completions", json=CHAT_STREAM) as r:
            async for _ in r.aiter_bytes():
                pass
        _, (client,) = split(await spans_of(exporter, 2))
    assert s.mock.stats.last().stream_options is None  # the client's request as it was
    assert "gen_ai.usage.output_tokens" not in dict(client.attributes or {})


async def test_fallback_is_a_sibling_span_in_another_model_group() -> None:
    async with trio.open_nursery() as nursery:
        _, bad = await start_mock(nursery, MockSettings(error_rate=1.0))

        def broken_group_with_fallback(cfg: dict[str, Any]) -> None:
            good = cfg["model_list"][0]
            good["litellm_params"]["api_base"], good_base = bad, good["litellm_params"]["api_base"]
            cfg["model_list"].append(
                {
                    "model_name": "gpt-backup",
                    "litellm_params": {**good["litellm_params"], "api_base": good_base},
                    "model_info": {"id": "dep-backup"},
                }
            )
            cfg["router_settings"] = {"num_retries": 0, "fallbacks": [{"gpt-test": ["gpt-backup"]}]}

        async with traced_stack(edit=broken_group_with_fallback) as (_, c, exporter):
            r = await c.post("/v1/chat/completions", json=CHAT)
            assert r.status_code == 200
            server, (first, second) = split(await spans_of(exporter, 3))
        nursery.cancel_scope.cancel()
    f, g = dict(first.attributes or {}), dict(second.attributes or {})
    assert (f["routeiq.deployment"], f["error.type"]) == ("dep-a", "UpstreamError")
    assert (g["routeiq.deployment"], g["routeiq.attempt.via"]) == ("dep-backup", "fallback")
    assert dict(server.attributes or {})["gen_ai.request.model"] == "gpt-test"


async def test_translated_provider_attempt_span() -> None:
    async with provider_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        exporter = InMemorySpanExporter()
        s.gw.telemetry.add_span_processor(SimpleSpanProcessor(exporter))
        body = {"model": "claude", "messages": [{"role": "user", "content": "hi"}], **PARAMS}
        r = await c.post("/v1/chat/completions", json=body)
        assert r.status_code == 200
        _, (client,) = split(await spans_of(exporter, 2))
    a = dict(client.attributes or {})
    assert client.name == f"chat {CLAUDE}"
    assert a["gen_ai.provider.name"] == "anthropic"
    assert a["gen_ai.request.max_tokens"] == 64
    assert a["gen_ai.usage.input_tokens"] == s.anthropic.input_tokens
    assert a["gen_ai.usage.output_tokens"] == s.anthropic.output_tokens
    assert a["gen_ai.response.finish_reasons"] == ("stop",)
    # The translated request carried the trace context too.
    assert (
        s.anthropic.requests[-1].headers["traceparent"].split("-")[2]
        == f"{client.context.span_id:016x}"
    )
