"""``--workers 2``: one socket shared by two worker processes; SIGTERM stops all with exit 0."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest


def _start(workers: int, level: str = "WARNING") -> subprocess.Popen[bytes]:
    args = ["serve", "--workers", str(workers), "--port", "0", "--quiet"]
    return subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": level},
    )


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (Linux: SigCgt in /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def _exit_code(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    code = proc.wait(timeout=30)
    assert proc.stderr is not None
    return code, proc.stderr.read().decode(errors="replace")


def test_two_workers_serve_and_exit_zero() -> None:
    proc = _start(2)
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
        code, err = _exit_code(proc)
        assert code == 0, err
        assert "per process" in err  # the memory-backend warning
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize(
    ("workers", "delay"),
    [(2, 0.0), (2, 0.5), (2, 1.5), (1, 0.3)],  # (1, 0.3): before "listening on"
)
def test_sigterm_while_starting_still_exits_zero(workers: int, delay: float) -> None:
    """A stop that lands while workers import or start is a clean stop, not exit 1."""
    proc = _start(workers, level="INFO")
    try:
        assert proc.stdout is not None
        if workers > 1:
            assert b"2 workers on" in proc.stdout.readline()
        # A signal before the interpreter reaches main() gets the default action (no
        # program can catch it earlier); on a loaded machine that window can exceed any
        # fixed delay, so the delay counts from the moment the stop is caught.
        deadline = time.monotonic() + 30
        while not _catches_sigterm(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        code, err = _exit_code(proc)
        assert code == 0, err
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
