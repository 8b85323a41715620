"""``--workers 2``: one socket shared by two worker processes; SIGTERM stops all with exit 0."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx


def test_two_workers_serve_and_exit_zero() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", "serve", "--workers", "2", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
    )
    try:
        assert proc.stdout is not None
        m = re.search(rb"2 workers on (http://\S+)", proc.stdout.readline())
        assert m, "supervisor did not print its URL"
        url = m.group(1).decode()
        headers = {"authorization": "Bearer sk-routeiq-demo"}
        body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
        deadline = time.monotonic() + 60
        ok = 0
        while ok < 6 and time.monotonic() < deadline:
            try:
                r = httpx.post(f"{url}/v1/chat/completions", json=body, headers=headers, timeout=10)
                assert r.status_code == 200
                ok += 1
            except httpx.ConnectError:
                time.sleep(0.2)  # workers still starting
        assert ok == 6
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert proc.stderr is not None
        assert b"per process" in proc.stderr.read()  # the memory-backend warning
    finally:
        if proc.poll() is None:
            proc.kill()
