"""Cost of OpenAI-format (pass-through) answers over HTTP: header, SSE comment, spend, span."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
import trio
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.pricing import format_usd, read_spend
from routeiq.server import start_mock
from routeiq.testing import serve_gateway
from tests.conftest import MASTER_KEY

HEADERS = {"authorization": f"Bearer {MASTER_KEY}"}
MINI = (1.5e-7, 6e-7)  # litellm's map: gpt-4o-mini


@asynccontextmanager
async def stack() -> AsyncIterator[tuple[str, Gateway]]:
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        config = load_config(
            {
                "model_list": [
                    {
                        "model_name": "mini",
                        "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": base},
                        "model_info": {"id": "dep-mini"},
                    },
                    {
                        "model_name": "free",
                        "litellm_params": {"model": "openai/gpt-test", "api_base": base},
                        "model_info": {"id": "dep-free"},
                    },
                ],
                "general_settings": {"master_key": MASTER_KEY},
            }
        )
        yield await serve_gateway(nursery, config)
        nursery.cancel_scope.cancel()


def price(usage: dict[str, Any]) -> float:
    return usage["prompt_tokens"] * MINI[0] + usage["completion_tokens"] * MINI[1]


async def test_non_streamed_cost_header_matches_the_usage() -> None:
    async with stack() as (url, gw), httpx.AsyncClient(timeout=30) as c:
        spans = InMemorySpanExporter()
        gw.telemetry.add_span_processor(SimpleSpanProcessor(spans))
        body = {"model": "mini", "messages": [{"role": "user", "content": "price this answer"}]}
        r = await c.post(f"{url}/v1/chat/completions", headers=HEADERS, json=body)
        assert r.status_code == 200
        expected = price(r.json()["usage"])
        assert expected > 0
        assert r.headers["x-routeiq-response-cost"] == format_usd(expected).decode()
        with trio.fail_after(5):
            while not spans.get_finished_spans():
                await trio.sleep(0.01)
        span: ReadableSpan = spans.get_finished_spans()[-1]
        assert span.attributes is not None
        assert span.attributes["routeiq.response.cost_usd"] == pytest.approx(expected, rel=1e-12)
        await gw.spend.flush()
        assert await read_spend(gw.store, "key", "master") == int(expected * 1e6) / 1e6
        # A deployment with no price in the map or the config: no header, no spend.
        r = await c.post(
            f"{url}/v1/chat/completions", headers=HEADERS, json={**body, "model": "free"}
        )
        assert r.status_code == 200
        assert "x-routeiq-response-cost" not in r.headers


async def test_streamed_cost_follows_as_a_comment_when_usage_is_reported() -> None:
    async with stack() as (url, _), httpx.AsyncClient(timeout=30) as c:
        body = {
            "model": "mini",
            "messages": [{"role": "user", "content": "stream and price"}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        r = await c.post(f"{url}/v1/chat/completions", headers=HEADERS, json=body)
        events = [e for e in r.text.split("\n\n") if e]
        assert events[-2] == "data: [DONE]"
        usage_event = next(e for e in events if '"usage"' in e)
        usage = orjson.loads(usage_event[6:])["usage"]
        assert events[-1] == ": x-routeiq-response-cost=" + format_usd(price(usage)).decode()
        # Without stream_options the gateway still asks the upstream for usage (issue 17:
        # such streams used to cost $0): the client gets no usage event, but the price.
        del body["stream_options"]
        r = await c.post(f"{url}/v1/chat/completions", headers=HEADERS, json=body)
        events = [e for e in r.text.split("\n\n") if e]
        assert events[-2] == "data: [DONE]"
        assert not any('"usage"' in e for e in events)
        assert events[-1] == ": x-routeiq-response-cost=" + format_usd(price(usage)).decode()


async def test_cost_based_routing_reads_the_map() -> None:
    async with stack() as (_, gw):
        assert gw.router.stats["dep-mini"].price == pytest.approx(MINI[0] + MINI[1], rel=1e-12)
        assert gw.router.stats["dep-free"].price is None
