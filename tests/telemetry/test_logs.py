"""Logs: every line of a request carries its request id and trace id; one access
line per request; each upstream failure logged once; keys masked; JSON or text."""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
import trio

from routeiq.logs import AccessLog, JsonFormatter, RequestFilter, TextFormatter, mask_secrets
from tests.conftest import CHAT, MASTER_KEY, running_stack

TID = "4bf92f3577b34da6a3ce929d0e0e4736"


@contextmanager
def captured(formatter: logging.Formatter) -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.addFilter(RequestFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in text.splitlines() if line.startswith("{")]


async def wait_for(out: io.StringIO, pattern: str) -> None:
    with trio.fail_after(5):
        while not re.search(pattern, out.getvalue()):
            await trio.sleep(0.01)


async def test_failure_and_access_lines_carry_the_request() -> None:
    with captured(JsonFormatter()) as out:
        async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            failing = {**CHAT, "metadata": {"mock_mode": "error", "mock_status": 500}}
            headers = {"x-request-id": "req-fail-1", "traceparent": f"00-{TID}-00f067aa0ba902b7-01"}
            r = await c.post("/v1/chat/completions", json=failing, headers=headers)
            assert r.status_code == 502
            r = await c.post("/v1/chat/completions", json=CHAT, headers={"x-request-id": "ok-1"})
            assert r.status_code == 200
            await wait_for(out, '"request_id":"ok-1"')
    lines = json_lines(out.getvalue())
    failures = [ln for ln in lines if ln["logger"] == "routeiq.upstream"]
    # Three tries (two retries), each failure logged exactly once, with its attempt.
    assert [f["attempt"] for f in failures] == [1, 2, 3]
    for f in failures:
        assert f["request_id"] == "req-fail-1" and f["trace_id"] == TID
        assert f["deployment"] == "dep-a" and f["error_type"] == "UpstreamError"
        assert f["status"] == 502 and f["level"] == "warning"
    access = {ln["request_id"]: ln for ln in lines if ln["logger"] == "routeiq.access"}
    assert set(access) == {"req-fail-1", "ok-1"}
    bad, ok = access["req-fail-1"], access["ok-1"]
    assert (bad["status"], bad["trace_id"], bad["attempts"]) == (502, TID, 3)
    assert ok["method"] == "POST" and ok["path"] == "/v1/chat/completions"
    assert ok["status"] == 200 and ok["model"] == "gpt-test" and ok["deployment"] == "dep-a"
    assert ok["key_alias"] == "master"
    usage = r.json()["usage"]
    assert ok["input_tokens"] == usage["prompt_tokens"]
    assert ok["output_tokens"] == usage["completion_tokens"]
    assert ok["duration_ms"] > 0 and len(ok["trace_id"]) == 32
    assert MASTER_KEY not in out.getvalue()


async def test_access_log_off_and_sampled() -> None:
    with captured(TextFormatter()) as out:
        async with (
            running_stack(telemetry={"access_log": "off"}) as s,
            httpx.AsyncClient(base_url=s.url, headers=s.headers) as c,
        ):
            for _ in range(3):
                assert (await c.post("/v1/chat/completions", json=CHAT)).status_code == 200
    assert "routeiq.access" not in out.getvalue()
    sampled = AccessLog("sampled", 0.25, seed=7)
    kept = sum(sampled.wanted(200) for _ in range(4000))
    assert 800 < kept < 1200  # a quarter, give or take
    assert all(sampled.wanted(502) for _ in range(100))  # failures always
    assert not AccessLog("off").wanted(500) and AccessLog("on").wanted(200)


def test_secrets_are_masked() -> None:
    assert mask_secrets("Authorization: Bearer sk-abcdef123456") == "Authorization: Bearer sk-a****"
    assert mask_secrets('{"api_key":"AKIA1234567890"}') == '{"api_key":"AKIA****"}'
    assert mask_secrets("key sk-proj-abcdefghijk used") == "key sk-proj**** used"
    assert mask_secrets("nothing secret here") == "nothing secret here"
    record = logging.LogRecord("x", logging.INFO, "", 0, "key=%s", ("sk-live-123456789",), None)
    assert "123456789" not in JsonFormatter().format(record)
    assert "123456789" not in TextFormatter().format(record)


def test_cli_json_logs_carry_request_ids() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "routeiq.cli",
            "serve",
            "--port",
            "0",
            "--quiet",
            "--log-format",
            "json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "INFO"},
    )
    try:
        assert proc.stdout is not None
        m = re.search(rb"listening on (http://\S+)", proc.stdout.readline())
        assert m, "no listening line"
        url = m.group(1).decode()
        headers = {"authorization": "Bearer sk-routeiq-demo", "x-request-id": "cli-1"}
        body = {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}],
            "metadata": {"mock_mode": "error", "mock_status": 500},
        }
        r = httpx.post(f"{url}/v1/chat/completions", json=body, headers=headers, timeout=10)
        assert r.status_code == 502
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = err.decode()
    lines = [orjson.loads(ln) for ln in text.splitlines() if ln.strip()]  # every line is JSON
    mine = [ln for ln in lines if ln.get("request_id") == "cli-1"]
    assert {ln["logger"] for ln in mine} == {"routeiq.upstream", "routeiq.access"}
    assert "sk-routeiq-demo" not in text
