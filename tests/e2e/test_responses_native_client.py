"""Responses pass-through across two real gateway processes on one Redis, with the
official ``openai`` client and the mock-upstream process serving ``/v1/responses``
natively: the id -> deployment record (tenant-bound) is shared through Redis, so a
chain started on process A continues, is retrieved and deleted on process B."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

ANSWER = "This is the mock upstream answering: "


def client(url: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=MASTER_KEY, max_retries=0, timeout=30)


def test_native_chain_across_two_processes_on_one_redis(tmp_path: Path, redis_url: str) -> None:
    def config(base: str) -> dict[str, object]:
        state = {"backend": "redis", "redis_url": redis_url, "key_prefix": "nresp2:"}
        cfg = config_dict(base, state=state)
        cfg["model_list"].append(
            {
                "model_name": "gpt-native",
                "litellm_params": {"model": "openai/gpt-up", "api_base": base, "api_key": "k"},
                "model_info": {"id": "dep-n", "supported_endpoints": ["/v1/responses"]},
            }
        )
        return cfg

    with gateway_processes(tmp_path, config) as (a, b):
        one = client(a).responses.create(
            model="gpt-native", input="turn on A", tools=[{"type": "web_search_preview"}]
        )
        assert one.output[0].type == "web_search_call"  # the upstream's own built-in tool
        two = client(b).responses.create(
            model="gpt-native", input="turn on B", previous_response_id=one.id
        )
        assert two.output_text == ANSWER + "turn on B"
        assert two.previous_response_id == one.id
        assert client(b).responses.retrieve(one.id).output_text == ANSWER + "turn on A"
        client(b).responses.delete(one.id)
        with pytest.raises(openai.NotFoundError):
            client(a).responses.retrieve(one.id)
        with pytest.raises(openai.NotFoundError):
            client(a).responses.create(
                model="gpt-native", input="again", previous_response_id="resp_unknown"
            )
