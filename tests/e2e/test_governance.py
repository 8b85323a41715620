"""Virtual keys through real gateway processes, driven by the official ``openai`` client.

rpm_limit -> the SDK's RateLimitError with OpenAI's rate-limit headers;
max_budget -> 400 budget_exceeded; models -> 403; /key/delete through one
process -> 401 through another within 1 s; keys and spend survive a restart,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

ADMIN = {"authorization": f"Bearer {MASTER_KEY}"}
MSG = [{"role": "user", "content": "hello governance"}]


def priced(base: str, **routeiq: Any) -> dict[str, Any]:
    data = config_dict(base, **routeiq)
    for entry in data["model_list"]:
        entry["litellm_params"]["input_cost_per_token"] = 0.001
        entry["litellm_params"]["output_cost_per_token"] = 0.001
    return data


def sdk(url: str, key: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)


def generate(url: str, **fields: Any) -> str:
    r = httpx.post(f"{url}/key/generate", json=fields, headers=ADMIN, timeout=30)
    assert r.status_code == 200, r.text
    key: str = r.json()["key"]
    return key


def test_limits_budgets_and_models_through_the_sdk(tmp_path: Path) -> None:
    def config(base: str) -> dict[str, Any]:
        return priced(base, governance={"data_dir": str(tmp_path / "data")})

    with gateway_processes(tmp_path, config, n=1) as (url,):
        key = generate(url, rpm_limit=3)
        c = sdk(url, key)
        for i in range(3):
            raw = c.chat.completions.with_raw_response.create(model="gpt-test", messages=MSG)
            assert raw.headers["x-ratelimit-limit-requests"] == "3"
            assert raw.headers["x-ratelimit-remaining-requests"] == str(2 - i)
            assert "x-ratelimit-reset-requests" in raw.headers
        with pytest.raises(openai.RateLimitError) as rl:
            c.chat.completions.create(model="gpt-test", messages=MSG)
        headers = rl.value.response.headers
        assert int(headers["retry-after"]) >= 1
        assert headers["x-ratelimit-remaining-requests"] == "0"

        # (1 prompt estimate + 5 output tokens) * 0.001 USD at most per request.
        budget_key = generate(url, max_budget=0.05)
        b = sdk(url, budget_key)
        with pytest.raises(openai.BadRequestError) as be:
            for _ in range(50):
                b.chat.completions.create(model="gpt-test", messages=MSG, max_tokens=5)
        body = be.value.body
        assert isinstance(body, dict) and body["type"] == "budget_exceeded"
        assert str(body["message"]).startswith("Budget has been exceeded!")

        narrow = sdk(url, generate(url, models=["embed-test"]))
        with pytest.raises(openai.PermissionDeniedError) as pd:
            narrow.chat.completions.create(model="gpt-test", messages=MSG)
        assert pd.value.code == "model_not_allowed"
        assert len(narrow.embeddings.create(model="embed-test", input=["x"]).data) == 1


def test_a_deleted_key_stops_working_in_another_process_within_a_second(tmp_path: Path) -> None:
    def config(base: str) -> dict[str, Any]:
        return priced(base, governance={"data_dir": str(tmp_path / "shared-data")})

    with gateway_processes(tmp_path, config, n=2) as (a, b):
        key = generate(a, key_alias="revoke-me")
        # B learns the new key from the change feed too.
        deadline = time.monotonic() + 5
        while True:
            r = httpx.post(f"{b}/v1/chat/completions", json={"model": "gpt-test", "messages": MSG},
                           headers={"authorization": f"Bearer {key}"}, timeout=30)  # fmt: skip
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert r.status_code == 200
        r = httpx.post(f"{a}/key/delete", json={"keys": [key]}, headers=ADMIN, timeout=30)
        assert r.status_code == 200
        deleted = time.monotonic()
        c = sdk(b, key)
        # The latest send time of a call B still accepted: a call sent later than 1 s
        # after the delete and accepted is the defect. (Timing the refusal instead
        # also counted the calls' own latency, which a loaded machine stretches.)
        worked_until = 0.0
        while True:
            sent = time.monotonic()
            try:
                c.chat.completions.create(model="gpt-test", messages=MSG)
            except openai.AuthenticationError:
                break
            worked_until = sent - deleted
            assert time.monotonic() - deleted < 10, "the key still works through B"
            time.sleep(0.02)
        assert worked_until < 1.0, (
            f"B accepted the revoked key on a call sent {worked_until:.2f} s after the delete"
        )


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_keys_and_spend_survive_a_restart(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    general: dict[str, Any] = {"master_key": MASTER_KEY}
    if engine == "postgresql":
        general["database_url"] = request.getfixturevalue("pg_url")

    def config(base: str) -> dict[str, Any]:
        data = priced(base, governance={"data_dir": str(tmp_path / "data")})
        data["general_settings"] = general
        return data

    with gateway_processes(tmp_path, config, n=1) as (url,):
        key = generate(url, key_alias="durable", max_budget=100.0)
        c = sdk(url, key)
        for _ in range(3):
            c.chat.completions.create(model="gpt-test", messages=MSG)
    # The processes stopped (SIGTERM: the last spend batch is written on the way out).
    with gateway_processes(tmp_path, config, n=1) as (url,):
        sdk(url, key).chat.completions.create(model="gpt-test", messages=MSG)
        info = httpx.get(f"{url}/key/info", params={"key": key}, headers=ADMIN, timeout=30)
        assert info.json()["info"]["key_alias"] == "durable"
        assert info.json()["info"]["spend"] > 0
        time.sleep(1.5)
        logs = httpx.get(f"{url}/spend/logs", params={"api_key": key}, headers=ADMIN, timeout=30)
        rows = logs.json()["data"]
        assert len(rows) == 4 and len({r["row_id"] for r in rows}) == 4
        assert all(r["status"] == 200 and r["spend"] > 0 for r in rows)
