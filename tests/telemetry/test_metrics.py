"""/metrics: the GenAI conventions' families, per-deployment counters, real
histograms, process metrics; `promtool check metrics` accepts the text; the
workers' merge adds up exactly."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
import trio

from routeiq.telemetry.workers import WorkerMetrics, merge
from tests.conftest import CHAT, CHAT_STREAM, running_stack

PROMTOOL = shutil.which("promtool")


def samples(text: str, name: str) -> dict[str, float]:
    """``{labels: value}`` of one sample name."""
    out = {}
    for line in text.splitlines():
        m = re.fullmatch(re.escape(name) + r"(\{[^}]*\})? (\S+)", line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


def types(text: str) -> dict[str, str]:
    return dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))


async def scrape_after(c: httpx.AsyncClient, name: str, want: float) -> str:
    """/metrics once the after-response telemetry has counted ``want`` of ``name``."""
    with trio.fail_after(5):
        while True:
            text = (await c.get("/metrics")).text
            if sum(samples(text, name).values()) >= want:
                return text
            await trio.sleep(0.01)


async def test_genai_and_deployment_metrics() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        assert (await c.post("/v1/chat/completions", json=CHAT)).status_code == 200
        async with c.stream("POST", "/v1/chat/completions", json=CHAT_STREAM) as r:
            async for _ in r.aiter_bytes():
                pass
        failing = {**CHAT, "metadata": {"mock_mode": "error", "mock_status": 500}}
        assert (await c.post("/v1/chat/completions", json=failing)).status_code == 502
        text = await scrape_after(c, "gen_ai_server_request_duration_seconds_count", 3)
    t = types(text)
    for family in (
        "gen_ai_client_token_usage",
        "gen_ai_client_operation_duration_seconds",
        "gen_ai_server_request_duration_seconds",
        "gen_ai_server_time_to_first_token_seconds",
        "gen_ai_server_time_per_output_token_seconds",
        "routeiq_deployment_time_to_first_token_seconds",
        "routeiq_request_duration_seconds",
        "routeiq_cache_lookup_seconds",
    ):
        assert t[family] == "histogram", family
    for family in (
        "routeiq_deployment_requests_total",
        "routeiq_deployment_errors_total",
        "routeiq_deployment_retries_total",
        "process_cpu_seconds_total",
        "python_gc_collections_total",
    ):
        assert t[family] == "counter", family
    assert t["process_resident_memory_bytes"] == "gauge" and t["process_open_fds"] == "gauge"
    # 1 plain + 1 stream + 3 tries of the failing one (2 retries), per deployment.
    dep = samples(text, "routeiq_deployment_requests_total")
    assert dep == {
        '{deployment="dep-a",model="gpt-test",status="200"}': 2,
        '{deployment="dep-a",model="gpt-test",status="502"}': 3,
    }
    assert samples(text, "routeiq_deployment_errors_total") == {
        '{deployment="dep-a",model="gpt-test",error_type="UpstreamError"}': 3
    }
    assert sum(samples(text, "routeiq_deployment_retries_total").values()) == 2
    # Streamed usage counted: input and output token histograms for both answers.
    usage = samples(text, "gen_ai_client_token_usage_count")
    assert usage == {
        '{gen_ai_operation_name="chat",gen_ai_provider_name="openai",'
        'gen_ai_request_model="gpt-test",gen_ai_token_type="input"}': 2,
        '{gen_ai_operation_name="chat",gen_ai_provider_name="openai",'
        'gen_ai_request_model="gpt-test",gen_ai_token_type="output"}': 2,
    }
    assert sum(samples(text, "gen_ai_server_time_to_first_token_seconds_count").values()) == 1
    errors = samples(text, "gen_ai_server_request_duration_seconds_count")
    assert (
        errors['{gen_ai_operation_name="chat",gen_ai_request_model="gpt-test",error_type="502"}']
        == 1
    )
    assert samples(text, "routeiq_tokens_total")['{model="gpt-test",kind="completion"}'] > 0
    if PROMTOOL:
        await promtool_check(text)


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) missing")
async def test_promtool_accepts_a_fresh_gateway() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url) as c:
        text = (await c.get("/metrics")).text
    await promtool_check(text)


async def promtool_check(text: str) -> None:
    """``promtool check metrics``: the exposition format and Prometheus naming lints."""
    assert PROMTOOL is not None
    with trio.fail_after(30):
        done = await trio.run_process(
            [PROMTOOL, "check", "metrics"],
            stdin=text.encode(),
            capture_stdout=True,
            capture_stderr=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_merge_labels_every_sample_and_keeps_one_header_per_family() -> None:
    w0 = (
        "# HELP a_total A.\n# TYPE a_total counter\n"
        'a_total{route="x"} 2\n'
        "# HELP h H.\n# TYPE h histogram\n"
        'h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n'
        "# HELP g G.\n# TYPE g gauge\ng 7\n"
    )
    w1 = (
        "# HELP a_total A.\n# TYPE a_total counter\n"
        'a_total{route="x"} 5\n'
        "# HELP h H.\n# TYPE h histogram\n"
        'h_bucket{le="1"} 0\nh_bucket{le="+Inf"} 1\nh_sum 9.0\nh_count 1\n'
    )
    merged = merge({"0": w0, "1": w1})
    assert merged.count("# TYPE a_total counter") == 1
    assert merged.count("# TYPE h histogram") == 1
    assert samples(merged, "a_total") == {
        '{worker="0",route="x"}': 2,
        '{worker="1",route="x"}': 5,
    }
    assert samples(merged, "h_count") == {'{worker="0"}': 2, '{worker="1"}': 1}
    assert samples(merged, "g") == {'{worker="0"}': 7}
    lines = merged.splitlines()
    # Every family's samples follow its own TYPE line (the exposition format's rule).
    assert lines.index("# TYPE h histogram") < lines.index('h_bucket{worker="1",le="1"} 0')
    assert lines.index('h_count{worker="1"} 1') < lines.index("# TYPE g gauge")
    if PROMTOOL:
        check = subprocess.run(
            [PROMTOOL, "check", "metrics"], input=merged.encode(), capture_output=True, timeout=30
        )
        assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


async def test_a_worker_publishes_its_file_and_scrapes_the_others(tmp_path: Path) -> None:
    own = "# HELP c_total C.\n# TYPE c_total counter\nc_total 3\n"
    mine = WorkerMetrics(str(tmp_path), "0", lambda: own, period=0.05)
    other = "# HELP c_total C.\n# TYPE c_total counter\nc_total 4\n"
    (tmp_path / "worker-1.prom").write_text(other)
    async with trio.open_nursery() as nursery:
        await nursery.start(mine.run)
        with trio.fail_after(5):
            while not (tmp_path / "worker-0.prom").exists():
                await trio.sleep(0.01)
        assert (tmp_path / "worker-0.prom").read_text() == own
        merged = await mine.scrape()
        nursery.cancel_scope.cancel()
    assert samples(merged, "c_total") == {'{worker="0"}': 3, '{worker="1"}': 4}
    assert not (tmp_path / "worker-0.prom").exists()  # removed when the worker stops
