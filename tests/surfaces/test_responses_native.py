"""``/v1/responses`` passed through to deployments with OpenAI's own Responses API: the
official ``openai`` client against the real server and two mock upstreams that
serve ``/v1/responses`` natively (``routeiq.mock_responses``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import openai
import orjson
import pytest
import trio
from openai import OpenAI

from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import start_mock
from routeiq.testing import MASTER_KEY, config_dict, serve_gateway

ANSWER = "This is the mock upstream answering: "
NATIVE_INFO = {"supported_endpoints": ["/v1/chat/completions", "/v1/responses"]}
PRICES = {"input_cost_per_token": 0.001, "output_cost_per_token": 0.002}


@dataclass
class Native:
    url: str
    gw: Gateway
    mocks: list[MockUpstream]  # dep-n1's, dep-n2's
    headers: dict[str, str]


def native_entry(base: str, i: int, **params: Any) -> dict[str, Any]:
    return {
        "model_name": "gpt-native",
        "litellm_params": {"model": "openai/gpt-up", "api_base": base, "api_key": "k", **params},
        "model_info": {"id": f"dep-n{i}", **NATIVE_INFO},
    }


@asynccontextmanager
async def native_stack(
    n: int = 1, settings: list[MockSettings | None] | None = None, **routeiq: Any
) -> AsyncIterator[Native]:
    async with trio.open_nursery() as nursery:
        mocks, bases = [], []
        for i in range(n):
            mock, base = await start_mock(nursery, (settings or [None] * n)[i])
            mocks.append(mock)
            bases.append(base)
        data = config_dict(bases[0], **routeiq)
        data["model_list"] += [native_entry(b, i + 1, **PRICES) for i, b in enumerate(bases)]
        url, gw = await serve_gateway(nursery, load_config(data))
        try:
            yield Native(url, gw, mocks, {"authorization": f"Bearer {MASTER_KEY}"})
        finally:
            nursery.cancel_scope.cancel()


def client(url: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=MASTER_KEY, max_retries=0, timeout=30)


def cost(usage: Any) -> float:
    return float(usage.input_tokens * 0.001 + usage.output_tokens * 0.002)


async def test_plain_pass_through_keeps_body_bytes_and_builtin_tools() -> None:
    async with native_stack() as s:
        tools = [{"type": "web_search_preview"}]

        def call() -> Any:
            return client(s.url).responses.with_raw_response.create(
                model="gpt-native", input="hello native", tools=tools, metadata={"k": "v"}
            )

        raw = await trio.to_thread.run_sync(call)
        resp = raw.parse()
        mock = s.mocks[0]
        sent = mock.stats.last()
        assert sent.target == "/v1/responses"
        # the client's body as it was (built-in tool included), only the model renamed
        assert sent.body == {
            "model": "gpt-up",
            "input": "hello native",
            "tools": tools,
            "metadata": {"k": "v"},
        }
        assert raw.http_response.content == mock.responses.sent[-1]  # byte for byte
        assert [o.type for o in resp.output] == ["web_search_call", "message"]
        assert resp.output_text == ANSWER + "hello native"
        assert raw.headers["x-routeiq-deployment"] == "dep-n1"
        assert float(raw.headers["x-routeiq-response-cost"]) == pytest.approx(cost(resp.usage))


async def test_stream_is_relayed_byte_for_byte_with_its_cost() -> None:
    async with native_stack() as s:
        body = {"model": "gpt-native", "input": "stream it natively", "stream": True}
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            r = await c.post("/v1/responses", json=body)
        assert r.status_code == 200
        upstream = s.mocks[0].responses.sent[-1]
        assert r.content.startswith(upstream)
        rest = r.content[len(upstream) :]
        assert rest.startswith(b": x-routeiq-response-cost=")  # an SSE comment, then nothing
        final = orjson.loads(upstream.rsplit(b"data: ", 1)[1])
        assert final["type"] == "response.completed"
        usage = final["response"]["usage"]
        expected = usage["input_tokens"] * 0.001 + usage["output_tokens"] * 0.002
        assert float(rest.split(b"=")[1]) == pytest.approx(expected)

        def events() -> list[Any]:
            stream = client(s.url).responses.create(
                model="gpt-native", input="stream it natively", stream=True
            )
            return list(stream)

        seen = await trio.to_thread.run_sync(events)
        assert seen[0].type == "response.created" and seen[-1].type == "response.completed"
        assert seen[-1].response.output_text == ANSWER + "stream it natively"


async def test_retrieve_and_delete_go_to_the_deployment_that_stored_it() -> None:
    # dep-n1's upstream always fails: every request ends up on dep-n2 (a retry before
    # the first byte), and GET/DELETE must follow the response there.
    failing = MockSettings(error_rate=1.0)
    async with native_stack(2, [failing, None]) as s:
        c = client(s.url)

        def create() -> Any:
            return c.responses.with_raw_response.create(model="gpt-native", input="keep me")

        raw = await trio.to_thread.run_sync(create)
        resp = raw.parse()
        assert raw.headers["x-routeiq-deployment"] == "dep-n2"
        assert resp.id in s.mocks[1].responses.stored
        got = await trio.to_thread.run_sync(c.responses.retrieve, resp.id)
        assert got.id == resp.id and got.output_text == ANSWER + "keep me"
        assert s.mocks[1].stats.last().target == f"/v1/responses/{resp.id}"
        items = await trio.to_thread.run_sync(c.responses.input_items.list, resp.id)
        assert items.data[0].content[0].text == "keep me"  # type: ignore[union-attr]
        await trio.to_thread.run_sync(c.responses.delete, resp.id)
        assert resp.id not in s.mocks[1].responses.stored
        with pytest.raises(openai.NotFoundError):
            await trio.to_thread.run_sync(c.responses.retrieve, resp.id)


async def chain(url: str, turns: int, pause: float = 0.0) -> list[str]:
    """A ``previous_response_id`` chain of ``turns``; the deployment of each turn."""
    c = client(url)
    prev: str | None = None
    served: list[str] = []
    for turn in range(turns):

        def ask(turn: int = turn, prev: str | None = prev) -> Any:
            return c.responses.with_raw_response.create(
                model="gpt-native", input=f"turn {turn}", previous_response_id=prev
            )

        raw = await trio.to_thread.run_sync(ask)
        served.append(raw.headers["x-routeiq-deployment"])
        resp = raw.parse()
        assert resp.output_text == ANSWER + f"turn {turn}"
        prev = resp.id
        await trio.sleep(pause)
    return served


async def test_previous_response_id_chain_stays_on_its_deployment() -> None:
    # Two deployments, each upstream knowing only its own responses (another answers
    # 400 "previous response not found"): affinity must pin every turn of the chain.
    async with native_stack(2) as s:
        served = await chain(s.url, 8)
        assert len(set(served)) == 1, served
        holder = s.mocks[int(served[0][-1]) - 1]
        assert len(holder.responses.stored) == 8


async def test_a_chain_resumed_after_the_affinity_ttl_finds_its_deployment() -> None:
    # Affinity records expire (here after 0.2 s); the gateway's id -> deployment record
    # lives as long as the stored response and pins the chain again.
    async with native_stack(2, routing={"affinity": {"ttl": 0.2}}) as s:
        served = await chain(s.url, 6, pause=0.3)  # each turn past the affinity TTL
        assert len(set(served)) == 1, served


async def test_builtin_tools_on_a_translated_group_are_a_400_naming_tool_and_group() -> None:
    async with native_stack() as s:

        def ask() -> Any:
            return client(s.url).responses.create(
                model="gpt-test", input="x", tools=[{"type": "file_search"}]
            )

        with pytest.raises(openai.BadRequestError) as info:
            await trio.to_thread.run_sync(ask)
        err = info.value.body
        assert isinstance(err, dict)
        assert "'gpt-test'" in err["message"] and "'file_search'" in err["message"]
        assert err["param"] == "tools[0]"
        assert s.mocks[0].stats.requests == 0


async def test_guardrails_send_a_native_group_through_translation() -> None:
    async with native_stack(guardrails={"pii": {"action": "redact"}}) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            r = await c.post("/v1/responses", json={"model": "gpt-native", "input": "hi"})
            assert r.status_code == 200
            assert s.mocks[0].stats.last().target == "/v1/chat/completions"
            r = await c.post(
                "/v1/responses",
                json={"model": "gpt-native", "input": "x", "tools": [{"type": "web_search"}]},
            )
        assert r.status_code == 400
        assert "responses_passthrough" in r.json()["error"]["message"]


async def test_pass_through_spend_is_logged_with_its_cost(tmp_path: Any) -> None:
    async with native_stack(governance={"data_dir": str(tmp_path)}) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            r = await c.post("/v1/responses", json={"model": "gpt-native", "input": "bill me"})
            assert r.status_code == 200
            usage = r.json()["usage"]
            await trio.sleep(1.5)  # one spend batch
            logs = (await c.get("/spend/logs")).json()
        rows = [row for row in logs["data"] if row["model_group"] == "gpt-native"]
        assert len(rows) == 1
        row = rows[0]
        assert row["deployment"] == "dep-n1"
        assert row["prompt_tokens"] == usage["input_tokens"]
        assert row["completion_tokens"] == usage["output_tokens"]
        expected = usage["input_tokens"] * 0.001 + usage["output_tokens"] * 0.002
        assert row["spend"] == pytest.approx(expected)


KEYS = [
    {"key": "sk-team-a", "name": "a", "team": "alpha"},
    {"key": "sk-team-b", "name": "b", "team": "beta"},
]


async def test_a_native_response_is_bound_to_its_tenant() -> None:
    async with native_stack(auth={"keys": KEYS}) as s:
        a = {"authorization": "Bearer sk-team-a"}
        b = {"authorization": "Bearer sk-team-b"}
        async with httpx.AsyncClient(base_url=s.url, timeout=30) as c:
            r = await c.post(
                "/v1/responses", json={"model": "gpt-native", "input": "mine"}, headers=a
            )
            assert r.status_code == 200, r.text
            rid = r.json()["id"]
            upstream_calls = s.mocks[0].stats.requests
            again = {"model": "gpt-native", "input": "more", "previous_response_id": rid}
            for method, path, body in (
                ("GET", f"/v1/responses/{rid}", None),
                ("GET", f"/v1/responses/{rid}/input_items", None),
                ("DELETE", f"/v1/responses/{rid}", None),
                ("POST", "/v1/responses", again),
            ):
                r = await c.request(method, path, json=body, headers=b)
                assert r.status_code == 404, (method, path, r.text)
                assert r.json()["error"]["message"].endswith(f"id '{rid}' not found.")
            assert s.mocks[0].stats.requests == upstream_calls  # none reached the upstream
            assert (await c.get(f"/v1/responses/{rid}", headers=a)).status_code == 200
            assert (await c.post("/v1/responses", json=again, headers=a)).status_code == 200


async def test_litellm_fields_stay_at_the_gateway_on_the_pass_through() -> None:
    async with native_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        body = {
            "model": "gpt-native",
            "input": "hi",
            "tags": ["a"],
            "metadata": {"k": "v", "tags": ["b"]},
        }
        r = await c.post("/v1/responses", json=body)
        assert r.status_code == 200, r.text
        assert s.mocks[0].stats.last().body == {
            "model": "gpt-up",
            "input": "hi",
            "metadata": {"k": "v"},
        }
        r = await c.post("/v1/responses", json={**body, "api_key": "sk-upstream"})
        assert (r.status_code, r.json()["error"]["param"]) == (400, "api_key")
