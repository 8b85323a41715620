"""LiteLLM's own request fields: kept at the gateway, refused, or sent upstream in
OpenAI's shape (plain calls, then the real chat path in front of a mock upstream)."""

from __future__ import annotations

from typing import Any

import pytest
import trio

from routeiq.compat.request_fields import REFUSED, check_fields, upstream_body
from routeiq.errors import BadRequest
from tests.compat.stack import AUTH, litellm_stack


def test_a_plain_request_is_returned_unchanged() -> None:
    req: dict[str, Any] = {"model": "m", "messages": [], "user": "u"}
    assert upstream_body(req) is req
    with_meta = {"model": "m", "metadata": {"trace": "t"}}
    assert upstream_body(with_meta) is with_meta  # already OpenAI's shape


def test_litellm_fields_stay_here_and_metadata_keeps_openai_shape() -> None:
    req = {
        "model": "m",
        "tags": ["a"],
        "litellm_session_id": "s",
        "cache": {"no-cache": True},
        "metadata": {
            "tags": ["x"],
            "trace_id": "t1",
            "mock_latency": 0.5,
            "n": 3,
            "flag": True,
            "nested": {"a": 1},
            "none": None,
        },
    }
    body = upstream_body(req)
    assert body == {
        "model": "m",
        "metadata": {"trace_id": "t1", "mock_latency": "0.5", "n": "3", "flag": "true"},
    }
    assert req["tags"] == ["a"] and req["metadata"]["tags"] == ["x"]  # the request is kept
    assert upstream_body({"model": "m", "metadata": {"tags": []}}) == {"model": "m"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_fields_are_a_400_naming_them(name: str) -> None:
    with pytest.raises(BadRequest) as info:
        check_fields({"model": "m", name: 1})
    assert info.value.param == name and info.value.status == 400
    check_fields({"model": "m", "tags": ["a"], "metadata": {}})  # no error


CONFIG = {
    "model_list": [
        {
            "model_name": "chat",
            "litellm_params": {
                "model": "openai/a",
                "api_base": "{up0}",
                "api_key": "k",
                "tags": ["paid"],
            },
            "model_info": {"id": "paid"},
        },
        {
            "model_name": "chat",
            "litellm_params": {
                "model": "openai/b",
                "api_base": "{up0}",
                "api_key": "k",
                "tags": ["default"],
            },
            "model_info": {"id": "free"},
        },
    ],
    "router_settings": {"enable_tag_filtering": True},
}


async def test_on_the_chat_path() -> None:
    async with litellm_stack(CONFIG) as s:
        mock = s.mocks[0]
        meta = {"tags": ["paid"], "generation_name": "g", "mock_status": 200}
        r = await s.chat("chat", metadata=meta, tags=["x"], litellm_session_id="s1")
        assert r.status_code == 200, r.text
        assert r.headers["x-routeiq-deployment"] == "paid"
        sent = mock.stats.last().body
        assert "tags" not in sent and "litellm_session_id" not in sent
        assert sent["metadata"] == {"generation_name": "g", "mock_status": "200"}
        # the top-level tags LiteLLM documents route as metadata.tags do
        for _ in range(4):
            r = await s.chat("chat", tags=["paid"])
            assert r.headers["x-routeiq-deployment"] == "paid"
        before = mock.stats.requests
        r = await s.chat("chat", fallbacks=["other"])
        assert r.status_code == 400
        assert r.json()["error"]["param"] == "fallbacks"
        assert mock.stats.requests == before  # refused before any upstream call
        # the mock upstream's knobs still work through the string metadata
        r = await s.chat("chat", metadata={"mock_mode": "error", "mock_status": 503})
        assert r.status_code >= 500


async def test_litellm_no_cache_skips_the_gateway_cache() -> None:
    data = {
        "model_list": CONFIG["model_list"][:1],
        "routeiq": {"cache": {"enabled": True, "semantic": {"enabled": False}}},
    }
    async with litellm_stack(data) as s:
        mock = s.mocks[0]
        r = await s.chat("chat", temperature=0)
        assert r.status_code == 200, r.text
        with trio.fail_after(10):  # the store runs in the background after the answer
            while s.gw.cache.stats.stores < 1:
                await trio.sleep(0.005)
        r = await s.chat("chat", temperature=0)
        assert mock.stats.requests == 1  # the second answer came from the cache
        r = await s.chat("chat", temperature=0, cache={"no-cache": True})
        assert r.status_code == 200
        assert mock.stats.requests == 2  # LiteLLM's no-cache: looked up upstream
        assert "cache" not in mock.stats.last().body


async def test_on_a_relayed_endpoint() -> None:
    """/v1/completions (relayed as it is) keeps LiteLLM's fields at the gateway too."""
    async with litellm_stack({"model_list": CONFIG["model_list"][:1]}) as s:
        mock = s.mocks[0]
        body = {"model": "chat", "prompt": "hi", "tags": ["a"], "metadata": {"tags": ["b"]}}
        r = await s.client.post(f"{s.url}/v1/completions", json=body, headers=AUTH)
        assert r.status_code == 200, r.text
        sent = mock.stats.last().body
        assert sent["prompt"] == "hi" and "tags" not in sent and "metadata" not in sent
        r = await s.client.post(
            f"{s.url}/v1/completions", json={**body, "num_retries": 3}, headers=AUTH
        )
        assert (r.status_code, r.json()["error"]["param"]) == (400, "num_retries")


async def test_on_a_relayed_endpoint_of_another_mode() -> None:
    entry = {
        "model_name": "mod",
        "litellm_params": {"model": "openai/omni", "api_base": "{up0}", "api_key": "k"},
        "model_info": {"mode": "moderation"},
    }
    async with litellm_stack({"model_list": [entry]}) as s:
        body = {"model": "mod", "input": "hi", "tags": ["a"], "litellm_session_id": "s"}
        r = await s.client.post(f"{s.url}/v1/moderations", json=body, headers=AUTH)
        assert r.status_code == 200, r.text
        assert s.mocks[0].stats.last().body == {"model": "omni", "input": "hi"}
        r = await s.client.post(
            f"{s.url}/v1/moderations", json={**body, "fallbacks": ["x"]}, headers=AUTH
        )
        assert (r.status_code, r.json()["error"]["param"]) == (400, "fallbacks")
