"""An ``api_base`` no request could ever reach is a config error naming the key path
(and a 400 from ``/model/new``), not a deployment whose every request is a 500."""

from __future__ import annotations

import httpx
import pytest

from routeiq.config import load_config
from routeiq.deployment import ConfigError
from routeiq.testing import config_dict, running_stack

UNREACHABLE = [
    "http://[::1/v1",  # httpx: invalid port
    "http://" + "a" * 64 + ".example/v1",  # IDNA: label over 63 characters
    "http://a..example/v1",  # IDNA: empty label
    "http://" + "x" * 300 + "/v1",
]


@pytest.mark.parametrize("base", UNREACHABLE)
def test_config_names_the_bad_api_base(base: str) -> None:
    data = config_dict(base)
    with pytest.raises(ConfigError) as info:
        load_config(data)
    paths = [path for path, _ in info.value.problems]
    assert "model_list[0].litellm_params.api_base" in paths, info.value.problems


def test_good_bases_still_load() -> None:
    for base in ("http://127.0.0.1:9/v1", "https://[::1]:8443/v1", "http://éx.example/v1"):
        assert load_config(config_dict(base)).deployments[0].api_base == base


async def test_model_new_refuses_it_with_a_400() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        for i, base in enumerate(UNREACHABLE):
            params = {"model": "openai/x", "api_base": base, "api_key": "k"}
            r = await c.post("/model/new", json={"model_name": f"m{i}", "litellm_params": params})
            assert r.status_code == 400, (base, r.status_code, r.text)
            assert "api_base" in r.json()["error"]["message"]
            chat = {"model": f"m{i}", "messages": [{"role": "user", "content": "x"}]}
            assert (await c.post("/v1/chat/completions", json=chat)).status_code == 404
