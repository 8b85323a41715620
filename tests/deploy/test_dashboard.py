"""deploy/: every metric the Grafana dashboard queries exists on /metrics; the
Prometheus config and the compose demo's gateway config are valid."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest
import trio
import yaml

from routeiq.config import load_config_file
from tests.conftest import CHAT, CHAT_STREAM, running_stack

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "routeiq.json"
PROMTOOL = shutil.which("promtool")
_METRIC = re.compile(r"\b(?:routeiq|gen_ai|process|python)_[a-z0-9_]+\b")


def dashboard_metrics() -> set[str]:
    """Metric names in the dashboard's queries (label names and matchers taken out)."""
    names: set[str] = set()
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel["targets"]:
            expr = re.sub(r"\{[^}]*\}", "", target["expr"])
            expr = re.sub(r"\b(?:by|without)\s*\([^)]*\)", "", expr)
            names.update(_METRIC.findall(expr))
    return names


def exposed(text: str) -> tuple[dict[str, str], set[str]]:
    """(family -> type, sample names) of a Prometheus text."""
    families = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    samples = {m for m in re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", text, re.M)}
    return families, samples


def test_the_dashboard_asks_for_what_the_issue_lists() -> None:
    names = dashboard_metrics()
    assert {
        "routeiq_requests_total",  # request rate
        "routeiq_request_duration_seconds_bucket",  # latency percentiles
        "gen_ai_server_time_to_first_token_seconds_bucket",  # time to first token
        "routeiq_key_tokens_total",  # tokens by model/key
        "routeiq_key_cost_usd_total",  # cost by model/key
        "routeiq_deployment_errors_total",  # errors by deployment
        "routeiq_cache_requests_total",  # cache hit rate
        "routeiq_guardrail_verdicts_total",  # guardrail blocks
        "routeiq_loop_task_step_max_seconds",  # loop-block maximum
    } <= names


async def test_every_dashboard_metric_exists_on_metrics() -> None:
    guard = {"pii": {"action": "block"}}
    async with (
        running_stack(guardrails=guard) as s,
        httpx.AsyncClient(base_url=s.url, headers=s.headers) as c,
    ):
        assert (await c.post("/v1/chat/completions", json=CHAT)).status_code == 200
        async with c.stream("POST", "/v1/chat/completions", json=CHAT_STREAM) as r:
            async for _ in r.aiter_bytes():
                pass
        pii = {**CHAT, "messages": [{"role": "user", "content": "mail me at bob@example.com"}]}
        assert (await c.post("/v1/chat/completions", json=pii)).status_code == 400
        with trio.fail_after(5):
            while True:
                text = (await c.get("/metrics")).text
                if "gen_ai_server_time_to_first_token_seconds_count{" in text:
                    break
                await trio.sleep(0.01)
    families, samples = exposed(text)
    missing = []
    for name in sorted(dashboard_metrics()):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if base != name and families.get(base) == "histogram":
            continue
        if name in families or name in samples:
            continue
        missing.append(name)
    assert not missing, f"on the dashboard but not on /metrics: {missing}"


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) missing")
async def test_prometheus_config_is_valid() -> None:
    assert PROMTOOL is not None
    with trio.fail_after(30):
        done = await trio.run_process(
            [PROMTOOL, "check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_compose_demo_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEIQ_MASTER_KEY", "sk-test")
    config = load_config_file(str(DEPLOY / "routeiq.yaml"))
    assert config.routeiq.state.backend == "redis"
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = set(compose["services"])
    assert {"gateway-a", "gateway-b", "redis", "postgres", "prometheus", "grafana"} <= services
