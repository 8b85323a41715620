"""``GET /v1/models`` and ``/v1/models/{id}`` list only what the key may call.

A database key from ``/key/generate`` with ``models`` (names or wildcards), or a
key whose team has a model list, sees only those groups through the official
``openai`` client (LiteLLM filters the same way); a group it may not use is a 404
in OpenAI's shape. The Anthropic SDK lists the same endpoint with ``x-api-key``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

ADMIN = {"authorization": f"Bearer {MASTER_KEY}"}


def config(tmp_path: Path) -> Any:
    def build(base: str) -> dict[str, Any]:
        data = config_dict(base, governance={"data_dir": str(tmp_path / "data")})
        data["model_list"].append(
            {
                "model_name": "gpt-test-mini",
                "litellm_params": {"model": "openai/mini", "api_base": base, "api_key": "k"},
            }
        )
        return data

    return build


def admin(url: str, path: str, **fields: Any) -> dict[str, Any]:
    r = httpx.post(f"{url}{path}", json=fields, headers=ADMIN, timeout=30)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def listed(url: str, key: str) -> list[str]:
    client = OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)
    return sorted(m.id for m in client.models.list())


def test_models_are_filtered_by_the_keys_and_teams_model_lists(tmp_path: Path) -> None:
    with gateway_processes(tmp_path, config(tmp_path), n=1) as (url,):
        everything = ["embed-test", "gpt-test", "gpt-test-mini"]
        assert listed(url, MASTER_KEY) == everything
        assert listed(url, admin(url, "/key/generate")["key"]) == everything
        assert listed(url, admin(url, "/key/generate", models=["*"])["key"]) == everything

        narrow = admin(url, "/key/generate", models=["embed-test"])["key"]
        assert listed(url, narrow) == ["embed-test"]
        wild = admin(url, "/key/generate", models=["gpt-*"])["key"]
        assert listed(url, wild) == ["gpt-test", "gpt-test-mini"]

        admin(url, "/team/new", team_id="t-mini", models=["gpt-test-mini", "embed-test"])
        team_key = admin(url, "/key/generate", team_id="t-mini", models=["gpt-*"])["key"]
        assert listed(url, team_key) == ["gpt-test-mini"]  # both lists bind

        client = OpenAI(base_url=f"{url}/v1", api_key=narrow, max_retries=0, timeout=30)
        assert client.models.retrieve("embed-test").id == "embed-test"
        with pytest.raises(openai.NotFoundError) as nf:
            client.models.retrieve("gpt-test")
        body = nf.value.body
        assert isinstance(body, dict) and body["code"] == "model_not_found", body
        assert "gpt-test" in str(body["message"])

        # The Anthropic SDK lists the same endpoint with its own header.
        claude = anthropic.Anthropic(base_url=url, api_key=wild, max_retries=0, timeout=30)
        assert sorted(m.id for m in claude.models.list()) == ["gpt-test", "gpt-test-mini"]
