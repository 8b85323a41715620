"""What a LiteLLM proxy user's SDK sees, decided against LiteLLM 1.110.2's real proxy
(both in front of the project's mock upstream on the same config; see
docs/litellm-compatibility.md): the ``model`` field of answers and chunks, and the
``x-litellm-*`` headers about attempts, the deployment and the key's spend. Real
gateway and mock-upstream processes, the official ``openai`` client.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY
from tests.e2e.conftest import gateway_processes

MSG: Any = [{"role": "user", "content": "hi there"}]
ADMIN = {"authorization": f"Bearer {MASTER_KEY}"}


def _config(base: str, data_dir: str) -> dict[str, Any]:
    def dep(name: str, model: str, **extra: Any) -> dict[str, Any]:
        params = {"model": model, "api_base": base, "api_key": "sk-up", **extra}
        return {"model_name": name, "litellm_params": params}

    price = {"input_cost_per_token": 0.000001, "output_cost_per_token": 0.000002}
    failing = {"extra_body": {"metadata": {"mock_mode": "error", "mock_status": "503"}}}
    return {
        "model_list": [
            dep("gpt-4o-mini", "openai/mock-small", **price),
            dep("wild/*", "openai/*"),
            dep("broken", "openai/broken-up", **failing),
        ],
        "router_settings": {
            "model_group_alias": {"alias-mini": "gpt-4o-mini"},
            "num_retries": 0,
            "fallbacks": [{"broken": ["gpt-4o-mini"]}],
        },
        "general_settings": {"master_key": MASTER_KEY},
        "routeiq": {"governance": {"data_dir": data_dir}},
    }


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("litellm-parity")
    with gateway_processes(tmp, lambda base: _config(base, str(tmp / "data")), n=1) as (u,):
        yield u


def _sdk(url: str, key: str = MASTER_KEY) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)


@pytest.mark.parametrize(
    ("asked", "upstream"),
    [("gpt-4o-mini", "mock-small"), ("alias-mini", "mock-small"), ("wild/foo", "foo")],
)
def test_the_model_field_is_the_name_asked_for(url: str, asked: str, upstream: str) -> None:
    """A group, an alias and a wildcard match answer with the name the client sent
    (LiteLLM: the same), whole and in every streamed chunk."""
    c = _sdk(url)
    raw = c.chat.completions.with_raw_response.create(model=asked, messages=MSG)
    assert raw.parse().model == asked
    assert raw.headers["x-litellm-model-group"] == asked
    assert raw.headers["x-litellm-model-name"] == f"openai/{upstream}"
    chunks = list(c.chat.completions.create(model=asked, messages=MSG, stream=True))
    assert len(chunks) > 2 and {ch.model for ch in chunks} == {asked}


def test_other_endpoints_answer_with_the_name_asked_for(url: str) -> None:
    """Completions, embeddings, Messages and Responses: LiteLLM answers with the alias
    too (checked on each)."""
    c = _sdk(url)
    done = c.completions.create(model="alias-mini", prompt="hi", max_tokens=5)
    assert done.model == "alias-mini"
    chunks = list(c.completions.create(model="alias-mini", prompt="hi", max_tokens=5, stream=True))
    assert chunks and {ch.model for ch in chunks} == {"alias-mini"}
    assert c.embeddings.create(model="alias-mini", input="hi").model == "alias-mini"
    assert c.responses.create(model="alias-mini", input="hi").model == "alias-mini"
    r = httpx.post(
        f"{url}/v1/messages",
        json={"model": "alias-mini", "max_tokens": 5, "messages": MSG},
        headers=ADMIN,
    )
    assert r.json()["model"] == "alias-mini"


def test_after_a_fallback_as_litellm(url: str) -> None:
    """After a fallback LiteLLM keeps the upstream's name in a whole answer and names
    the fallback's group in a stream's chunks; its headers count the fallback."""
    c = _sdk(url)
    raw = c.chat.completions.with_raw_response.create(model="broken", messages=MSG)
    assert raw.parse().model == "mock-small"
    h = raw.headers
    assert h["x-litellm-attempted-fallbacks"] == "1" and h["x-litellm-attempted-retries"] == "0"
    assert h["x-litellm-model-group"] == "gpt-4o-mini"
    chunks = list(c.chat.completions.create(model="broken", messages=MSG, stream=True))
    assert {ch.model for ch in chunks} == {"gpt-4o-mini"}


def test_attempt_deployment_and_key_spend_headers(url: str) -> None:
    c = _sdk(url)
    raw = c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MSG)
    h = raw.headers
    assert h["x-litellm-attempted-fallbacks"] == "0" and h["x-litellm-attempted-retries"] == "0"
    assert h["x-litellm-model-api-base"] == url_base(h)
    # Every upstream header also under LiteLLM's llm_provider- prefix.
    assert h["llm_provider-content-type"].startswith("application/json")
    assert h["llm_provider-x-ratelimit-limit-requests"] == "10000"  # the mock's
    cost = float(h["x-litellm-response-cost"])
    assert cost > 0 and float(h["x-litellm-key-spend"]) == pytest.approx(cost)  # master key

    r = httpx.post(f"{url}/key/generate", json={"max_budget": 5, "rpm_limit": 100}, headers=ADMIN)
    assert r.status_code == 200, r.text
    kc = _sdk(url, r.json()["key"])
    first = kc.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MSG)
    one = float(first.headers["x-litellm-response-cost"])
    assert float(first.headers["x-litellm-key-spend"]) == pytest.approx(one)
    assert first.headers["x-litellm-key-max-budget"] == "5.0"
    assert first.headers["x-litellm-key-rpm-limit"] == "100"
    second = kc.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MSG)
    two = float(second.headers["x-litellm-response-cost"])
    # The spend before this request (the first one's, settled) plus this answer's.
    assert float(second.headers["x-litellm-key-spend"]) == pytest.approx(one + two)


def url_base(headers: httpx.Headers) -> str:
    """The mock upstream's base as the config gave it (its port is only known here)."""
    value = headers["x-litellm-model-api-base"]
    assert value.startswith("http://127.0.0.1:") and "?" not in value
    return value
