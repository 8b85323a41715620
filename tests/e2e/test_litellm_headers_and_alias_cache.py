"""Real gateway and mock-upstream processes, the official ``openai`` client:

- ``general_settings.return_llm_provider_headers``: LiteLLM's ``llm_provider-*``
  copies of the upstream headers by default, none when false (whole and streamed),
  the rate-limit headers either way;
- an alias (``model_group_alias``) and its group share cached answers: asked through
  one, a hit through the other, named as asked; other tenants still miss; a flush by
  the alias's name forgets the group's answers;
- LiteLLM's ``x-litellm-response-cost-*`` breakdown beside the total.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY
from tests.e2e.conftest import gateway_processes

ADMIN = {"authorization": f"Bearer {MASTER_KEY}"}
PRICE = {"input_cost_per_token": 0.000001, "output_cost_per_token": 0.000002}


def _config(base: str, data_dir: str, **general: Any) -> dict[str, Any]:
    params = {"model": "openai/mock-small", "api_base": base, "api_key": "sk-up", **PRICE}
    return {
        "model_list": [{"model_name": "gpt-4o-mini", "litellm_params": params}],
        "router_settings": {"model_group_alias": {"alias-mini": "gpt-4o-mini"}},
        "general_settings": {"master_key": MASTER_KEY, **general},
        "routeiq": {
            "governance": {"data_dir": data_dir},
            "cache": {"enabled": True, "semantic": {"enabled": False}},
        },
    }


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("headers-default")
    with gateway_processes(tmp, lambda base: _config(base, str(tmp / "data")), n=1) as (u,):
        yield u


@pytest.fixture(scope="module")
def url_without_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("headers-off")

    def config(base: str) -> dict[str, Any]:
        return _config(base, str(tmp / "data"), return_llm_provider_headers=False)

    with gateway_processes(tmp, config, n=1) as (u,):
        yield u


def _sdk(url: str, key: str = MASTER_KEY) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)


def _msg(text: str) -> Any:
    return [{"role": "user", "content": text}]


def _provider(headers: httpx.Headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith("llm_provider-")}


def test_provider_header_copies_by_default_and_none_when_turned_off(
    url: str, url_without_copies: str
) -> None:
    """No cache in the way (temperature 1): both answers come from the upstream."""
    for stream in (False, True):
        on = _sdk(url).chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=_msg("hi"), stream=stream
        )
        off = _sdk(url_without_copies).chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=_msg("hi"), stream=stream
        )
        copies = _provider(on.headers)
        ctype = "text/event-stream" if stream else "application/json"
        assert copies["llm_provider-content-type"].startswith(ctype)
        assert copies["llm_provider-x-ratelimit-limit-requests"] == "10000"  # the mock's
        assert "llm_provider-openai-processing-ms" in copies
        assert _provider(off.headers) == {}
        for raw in (on, off):  # relayed under their own names either way
            assert raw.headers["x-ratelimit-limit-requests"] == "10000"
            assert "x-ratelimit-remaining-requests" in raw.headers
        if stream:
            assert [c.model for c in on.parse()] and [c.model for c in off.parse()]
        else:
            assert on.parse().model == off.parse().model == "gpt-4o-mini"


def _ask(client: OpenAI, model: str, text: str, **extra: Any) -> Any:
    return client.chat.completions.with_raw_response.create(
        model=model, messages=_msg(text), temperature=0, **extra
    )


def _until_hit(client: OpenAI, model: str, text: str) -> Any:
    """The store runs after the response (background work): look up (``no-store``)
    until it is there; the bound is generous for a loaded CI machine."""
    deadline = time.monotonic() + 10
    while True:
        raw = _ask(client, model, text, extra_headers={"cache-control": "no-store"})
        if raw.headers["x-routeiq-cache"] != "miss" or time.monotonic() > deadline:
            return raw
        time.sleep(0.02)


def test_an_alias_and_its_group_share_cached_answers(url: str) -> None:
    c = _sdk(url)
    text = f"alias cache {uuid.uuid4().hex}"
    first = _ask(c, "alias-mini", text)
    assert first.headers["x-routeiq-cache"] == "miss"
    assert first.parse().model == "alias-mini"
    answer = first.parse().choices[0].message.content

    second = _until_hit(c, "gpt-4o-mini", text)  # the group's own name: the same entry
    assert second.headers["x-routeiq-cache"] == "hit-exact"
    assert second.parse().model == "gpt-4o-mini"  # named as asked this time
    assert second.parse().choices[0].message.content == answer
    assert second.parse().id == first.parse().id  # the stored answer, not a new call
    # A hit costs nothing; LiteLLM says so with the total and every part at 0.
    assert float(first.headers["x-litellm-response-cost"]) > 0
    for name in ("", "-original", "-input", "-output", "-discount-amount", "-tool-usage"):
        assert float(second.headers[f"x-litellm-response-cost{name}"]) == 0.0

    # Streamed hit through the group: every chunk named as asked.
    chunks = list(
        c.chat.completions.create(
            model="gpt-4o-mini", messages=_msg(text), temperature=0, stream=True
        )
    )
    assert chunks and {ch.model for ch in chunks} == {"gpt-4o-mini"}

    # And back: asked through the group first, a hit through the alias.
    text2 = f"group first {uuid.uuid4().hex}"
    assert _ask(c, "gpt-4o-mini", text2).headers["x-routeiq-cache"] == "miss"
    via_alias = _until_hit(c, "alias-mini", text2)
    assert via_alias.headers["x-routeiq-cache"] == "hit-exact"
    assert via_alias.parse().model == "alias-mini"


def test_tenants_stay_apart_and_a_flush_by_the_alias_reaches_the_group(url: str) -> None:
    c = _sdk(url)
    text = f"tenant cache {uuid.uuid4().hex}"
    _ask(c, "alias-mini", text)
    assert _until_hit(c, "gpt-4o-mini", text).headers["x-routeiq-cache"] == "hit-exact"

    r = httpx.post(f"{url}/key/generate", json={"key_alias": "other"}, headers=ADMIN)
    assert r.status_code == 200, r.text
    other = _sdk(url, r.json()["key"])  # another namespace: never the master key's answers
    miss = _ask(other, "gpt-4o-mini", text, extra_headers={"cache-control": "no-store"})
    assert miss.headers["x-routeiq-cache"] == "miss"

    r = httpx.post(f"{url}/routeiq/cache/flush", json={"model": "alias-mini"}, headers=ADMIN)
    assert r.status_code == 200, r.text
    after = _ask(c, "gpt-4o-mini", text, extra_headers={"cache-control": "no-store"})
    assert after.headers["x-routeiq-cache"] == "miss"


def test_cost_breakdown_headers_add_up_to_the_cost(url: str) -> None:
    raw = _sdk(url).chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=_msg("price me")
    )
    h = raw.headers
    usage = raw.parse().usage
    assert usage is not None
    inp = usage.prompt_tokens * 0.000001
    out = usage.completion_tokens * 0.000002
    cost = float(h["x-litellm-response-cost"])
    assert cost == pytest.approx(inp + out)
    assert float(h["x-litellm-response-cost-input"]) == pytest.approx(inp)
    assert float(h["x-litellm-response-cost-output"]) == pytest.approx(out)
    assert float(h["x-litellm-response-cost-original"]) == pytest.approx(cost)
    for zero in ("discount-amount", "margin-amount", "margin-percent", "tool-usage"):
        assert float(h[f"x-litellm-response-cost-{zero}"]) == 0.0
    for absent in ("cache-read", "cache-creation", "reasoning"):  # none in this usage
        assert f"x-litellm-response-cost-{absent}" not in h
