"""Governance through the real server (in-process, real sockets): admin API and enforcement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from tests.conftest import CHAT, Stack, running_stack


def _cheap(data: dict[str, Any]) -> None:
    # gpt-test costs 0.001 USD per input and per output token
    for entry in data["model_list"]:
        entry["litellm_params"]["input_cost_per_token"] = 0.001
        entry["litellm_params"]["output_cost_per_token"] = 0.001


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_stack(edit=_cheap, governance={"data_dir": str(tmp_path)}) as s:
        yield s


async def _gen(client: httpx.AsyncClient, s: Stack, **fields: Any) -> str:
    r = await client.post(f"{s.url}/key/generate", json=fields, headers=s.headers)
    assert r.status_code == 200, r.text
    key: str = r.json()["key"]
    return key


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def test_key_lifecycle_and_yaml_keys_beside_it(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        key = await _gen(c, stack, key_alias="ci", models=["gpt-test"])
        assert key.startswith("sk-")
        r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert r.status_code == 200
        r = await c.get(f"{stack.url}/key/info", params={"key": key}, headers=stack.headers)
        info = r.json()
        assert info["info"]["key_alias"] == "ci" and "key" not in info["info"]
        r = await c.post(f"{stack.url}/key/block", json={"key": key}, headers=stack.headers)
        assert r.status_code == 200
        r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert r.status_code == 401 and r.json()["error"]["code"] == "key_blocked"
        await c.post(f"{stack.url}/key/unblock", json={"key": key}, headers=stack.headers)
        r = await c.post(f"{stack.url}/key/regenerate", json={"key": key}, headers=stack.headers)
        new = r.json()["key"]
        assert new != key
        old = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert old.status_code == 401
        ok = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(new))
        assert ok.status_code == 200
        r = await c.post(f"{stack.url}/key/delete", json={"keys": [new]}, headers=stack.headers)
        assert r.status_code == 200
        gone = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(new))
        assert gone.status_code == 401
        # The master key (from the YAML) still works; a virtual key is not an admin.
        assert (await c.get(f"{stack.url}/key/list", headers=stack.headers)).status_code == 200
        other = await _gen(c, stack)
        r = await c.get(f"{stack.url}/key/list", headers=_auth(other))
        assert r.status_code == 403


async def test_rpm_limit_answers_429_with_openai_headers(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        key = await _gen(c, stack, rpm_limit=3)
        seen = []
        for _ in range(4):
            r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
            seen.append(r)
        assert [r.status_code for r in seen] == [200, 200, 200, 429]
        assert [r.headers["x-ratelimit-remaining-requests"] for r in seen] == ["2", "1", "0", "0"]
        assert all(r.headers["x-ratelimit-limit-requests"] == "3" for r in seen)
        last = seen[-1]
        assert int(last.headers["retry-after"]) >= 1
        assert last.headers["x-ratelimit-reset-requests"].endswith("s")
        assert last.json()["error"]["type"] == "rate_limit_error"


async def test_model_not_allowed_names_the_allowed_groups(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        key = await _gen(c, stack, models=["embed-test"])
        r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert r.status_code == 403
        err = r.json()["error"]
        assert err["code"] == "model_not_allowed" and "embed-test" in err["message"]


async def test_team_models_and_limits_bind_its_keys(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        r = await c.post(
            f"{stack.url}/team/new",
            json={"team_id": "t-a", "models": ["embed-test"], "rpm_limit": 1},
            headers=stack.headers,
        )
        assert r.status_code == 200, r.text
        key = await _gen(c, stack, team_id="t-a")  # the key itself allows everything
        r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert r.status_code == 403
        await c.post(
            f"{stack.url}/team/update",
            json={"team_id": "t-a", "models": []},
            headers=stack.headers,
        )
        codes = []
        for _ in range(2):
            r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
            codes.append(r.status_code)
        assert codes == [200, 429]
        q = {"team_id": "t-a"}
        info = await c.get(f"{stack.url}/team/info", params=q, headers=stack.headers)
        assert len(info.json()["keys"]) == 1


async def test_budget_is_reserved_then_settled_and_spend_is_logged(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        # Each request may cost (prompt estimate + 10 output tokens) * 0.001 USD.
        key = await _gen(c, stack, max_budget=0.2, key_alias="budgeted")
        body = {**CHAT, "max_tokens": 10}
        statuses = []
        for _ in range(20):
            r = await c.post(f"{stack.url}/v1/chat/completions", json=body, headers=_auth(key))
            statuses.append(r.status_code)
            if r.status_code == 400:
                err = r.json()["error"]
                assert err["type"] == "budget_exceeded"
                assert err["message"].startswith("Budget has been exceeded!")
                break
        assert statuses[-1] == 400 and statuses.count(200) >= 2
        await trio.sleep(1.5)  # one spend batch
        q = {"api_key": key}
        logs = await c.get(f"{stack.url}/spend/logs", params=q, headers=stack.headers)
        data = logs.json()
        assert data["total"] == len(statuses)  # the refused one is logged, at no cost
        ok = [row for row in data["data"] if row["status"] == 200]
        assert len(ok) == statuses.count(200)
        assert all(row["key_alias"] == "budgeted" and row["spend"] > 0 for row in ok)
        assert [row["spend"] for row in data["data"] if row["status"] == 400] == [0.0]
        spent = sum(row["spend"] for row in data["data"])
        assert spent <= 0.2
        info = await c.get(f"{stack.url}/key/info", params={"key": key}, headers=stack.headers)
        assert info.json()["info"]["spend"] == pytest.approx(spent)
        report = await c.get(
            f"{stack.url}/global/spend/report", params={"group_by": "key"}, headers=stack.headers
        )
        assert report.status_code == 200
        assert sum(d["total_spend"] for d in report.json()) >= spent


async def test_customer_rpm_from_the_user_field(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        r = await c.post(
            f"{stack.url}/customer/new", json={"user_id": "cust-1", "rpm_limit": 1},
            headers=stack.headers,
        )  # fmt: skip
        assert r.status_code == 200
        body = {**CHAT, "user": "cust-1"}
        r1 = await c.post(f"{stack.url}/v1/chat/completions", json=body, headers=stack.headers)
        r2 = await c.post(f"{stack.url}/v1/chat/completions", json=body, headers=stack.headers)
        other = {**CHAT, "user": "cust-2"}
        r3 = await c.post(f"{stack.url}/v1/chat/completions", json=other, headers=stack.headers)
        assert (r1.status_code, r2.status_code, r3.status_code) == (200, 429, 200)


async def test_streams_are_charged_their_real_usage(stack: Stack) -> None:
    # The gateway asks the upstream for usage on every stream (routeiq.telemetry
    # stream_usage), so a client that did not ask for it is charged its real tokens too.
    async with httpx.AsyncClient(timeout=10) as c:
        key = await _gen(c, stack, max_budget=100.0)
        body = {**CHAT, "stream": True, "max_tokens": 50}
        with_usage = {**body, "stream_options": {"include_usage": True}}
        for b in (with_usage, body):
            r = await c.post(f"{stack.url}/v1/chat/completions", json=b, headers=_auth(key))
            assert r.status_code == 200 and "data: [DONE]" in r.text
        await trio.sleep(1.5)
        q = {"api_key": key}
        rows = (await c.get(f"{stack.url}/spend/logs", params=q, headers=stack.headers)).json()
        assert len(rows["data"]) == 2
        for row in rows["data"]:  # real tokens at 0.001 USD each, asked for or not
            assert row["total_tokens"] > 0
            assert row["spend"] == pytest.approx(row["total_tokens"] * 0.001)


async def test_a_stream_without_usage_is_charged_its_maximum(tmp_path: Path) -> None:
    # With stream usage off (an upstream that rejects stream_options), a stream that
    # reports no usage is charged its reservation, so streaming cannot bypass a budget.
    async with (
        running_stack(
            edit=_cheap,
            governance={"data_dir": str(tmp_path)},
            telemetry={"stream_usage": False},
        ) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        key = await _gen(c, s, max_budget=100.0)
        body = {**CHAT, "stream": True, "max_tokens": 50}
        r = await c.post(f"{s.url}/v1/chat/completions", json=body, headers=_auth(key))
        assert r.status_code == 200 and "data: [DONE]" in r.text
        await trio.sleep(1.5)
        q = {"api_key": key}
        rows = (await c.get(f"{s.url}/spend/logs", params=q, headers=s.headers)).json()
        (unreported,) = rows["data"]
        # the reservation: prompt estimate + 50 output tokens at 0.001 USD each
        assert unreported["spend"] > 50 * 0.001


async def test_user_limits_soft_budget_and_user_spend(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        r = await c.post(
            f"{stack.url}/user/new",
            json={"user_id": "u-1", "rpm_limit": 2, "soft_budget": 0.001},
            headers=stack.headers,
        )
        assert r.status_code == 200
        a = await _gen(c, stack, user_id="u-1")
        b = await _gen(c, stack, user_id="u-1")  # a second key of the same user
        codes = []
        for key in (a, b, a):
            r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
            codes.append(r.status_code)
        assert codes == [200, 200, 429]  # the user's limit binds both keys
        gov = stack.gw.governance
        assert gov is not None and gov.soft_alerts == 1  # crossed once, not per request
        await trio.sleep(1.5)
        q = {"user_id": "u-1"}
        info = (await c.get(f"{stack.url}/user/info", params=q, headers=stack.headers)).json()
        assert sorted(info["keys"]) == sorted(gov.keys)  # both keys of the user
        assert info["user_info"]["spend"] > 0


async def test_a_key_stops_working_when_its_duration_ends(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        key = await _gen(c, stack)
        r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
        assert r.status_code == 200
        r = await c.post(
            f"{stack.url}/key/update", json={"key": key, "duration": "1s"}, headers=stack.headers
        )
        assert r.status_code == 200 and r.json()["expires"] is not None
        with trio.fail_after(10):
            while True:
                r = await c.post(f"{stack.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
                if r.status_code != 200:
                    break
                await trio.sleep(0.1)
        assert r.status_code == 401 and r.json()["error"]["code"] == "key_expired"
