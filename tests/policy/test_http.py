"""The policy through the real gateway: keys and teams from auth, reload, fail-closed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.conftest import running_stack

KEYS = {
    "keys": [
        {"key": "sk-intern-000001", "name": "intern-key", "team": "interns", "user": "ivy"},
        {"key": "sk-dev-000000001", "name": "dev-key", "team": "dev", "user": "dan"},
    ]
}
INTERN = {"authorization": "Bearer sk-intern-000001"}
DEV = {"authorization": "Bearer sk-dev-000000001"}


def chat(model: str = "gpt-test") -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "hello"}]}


def write(path: Path, text: str, bump: int) -> None:
    """Replace the file atomically (as a deploy tool would), with a distinct mtime."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.utime(tmp, ns=(1_700_000_000_000_000_000 + bump,) * 2)
    os.replace(tmp, path)


async def test_deny_by_team_and_model_allow_otherwise() -> None:
    policy = {
        "rules": [
            {"name": "interns-no-gpt", "action": "deny", "teams": ["interns"], "models": ["gpt-*"]},
            {
                "name": "no-embeddings",
                "action": "deny",
                "routes": ["/v1/embeddings"],
                "keys": ["intern-*"],
            },
        ]
    }
    async with running_stack(auth=KEYS, policy=policy) as s, httpx.AsyncClient(base_url=s.url) as c:
        r = await c.post("/v1/chat/completions", json=chat(), headers=INTERN)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "policy_denied"
        assert r.headers["x-request-id"]
        r = await c.post("/v1/chat/completions", json=chat(), headers=DEV)
        assert r.status_code == 200
        r = await c.post(
            "/v1/embeddings", json={"model": "embed-test", "input": "x"}, headers=INTERN
        )
        assert r.status_code == 403
        r = await c.get("/v1/models", headers=INTERN)
        assert r.status_code == 200
        assert s.mock.stats.requests == 1
        decisions = s.gw.policy.decisions
        assert decisions[("deny", "interns-no-gpt")] == 1
        assert decisions[("deny", "no-embeddings")] == 1
        metrics = (await c.get("/metrics")).text
        assert 'routeiq_policy_decisions_total{decision="deny",rule="interns-no-gpt"} 1' in metrics


async def test_rules_reload_without_a_restart(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    write(rules, "- {name: block-dev, action: deny, teams: [dev]}\n", 1)
    policy = {"rules_file": str(rules), "reload_seconds": 0.05}
    async with running_stack(auth=KEYS, policy=policy) as s, httpx.AsyncClient(base_url=s.url) as c:
        assert (await c.post("/v1/chat/completions", json=chat(), headers=DEV)).status_code == 403
        write(rules, "- {name: block-interns, action: deny, teams: [interns]}\n", 2)
        with trio.fail_after(3):
            while s.gw.policy.loads < 2:
                await trio.sleep(0.01)
        assert (await c.post("/v1/chat/completions", json=chat(), headers=DEV)).status_code == 200
        assert (
            await c.post("/v1/chat/completions", json=chat(), headers=INTERN)
        ).status_code == 403
        write(rules, "- {name: broken, action: nope}\n", 3)
        with trio.fail_after(3):
            while s.gw.policy.load_errors < 1:
                await trio.sleep(0.01)
        # The last good rules still apply.
        assert (
            await c.post("/v1/chat/completions", json=chat(), headers=INTERN)
        ).status_code == 403


async def test_fail_closed_until_the_rules_file_loads(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    policy = {"rules_file": str(rules), "reload_seconds": 0.05, "failure_mode": "fail_closed"}
    async with running_stack(auth=KEYS, policy=policy) as s, httpx.AsyncClient(base_url=s.url) as c:
        r = await c.post("/v1/chat/completions", json=chat(), headers=DEV)
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "policy_unavailable"
        assert (await c.get("/health/live")).status_code == 200  # health is exempt
        write(rules, "[]\n", 1)
        with trio.fail_after(3):
            while s.gw.policy.policy is None:
                await trio.sleep(0.01)
        assert (await c.post("/v1/chat/completions", json=chat(), headers=DEV)).status_code == 200


async def test_fail_open_lets_requests_through(tmp_path: Path) -> None:
    policy = {"rules_file": str(tmp_path / "absent.yaml"), "failure_mode": "fail_open"}
    async with running_stack(auth=KEYS, policy=policy) as s, httpx.AsyncClient(base_url=s.url) as c:
        assert (await c.post("/v1/chat/completions", json=chat(), headers=DEV)).status_code == 200
        assert s.gw.policy.decisions[("unavailable_allow", "-")] == 1
