"""End-to-end: the real CLI in subprocesses (mock upstream + gateway), real clients."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import MASTER_KEY, config_dict


def _spawn(args: list[str], pattern: bytes) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", *args],
        stdout=subprocess.PIPE,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1).decode()
    proc.kill()
    raise RuntimeError(f"{args[0]} did not start")


@contextmanager
def gateway_processes(
    tmp_path: Path, config_of: Callable[[str], dict[str, Any]], n: int = 2
) -> Iterator[list[str]]:
    """A mock-upstream process and ``n`` gateway processes on one config (built
    from the mock's base URL); yields the gateways' URLs, stops them all after."""
    mock, base = _spawn(["mock-upstream", "--port", "0"], rb"listening on (http://\S+)")
    procs = [mock]
    try:
        path = tmp_path / "gateway.yaml"
        path.write_text(yaml.safe_dump(config_of(base)))
        urls = []
        for _ in range(n):
            proc, url = _spawn(
                ["serve", "--config", str(path), "--port", "0", "--quiet"],
                rb"listening on (http://\S+)",
            )
            procs.append(proc)
            urls.append(url)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.fixture(scope="session")
def e2e_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gateway process in front of a mock-upstream process; yields the gateway URL."""
    mock, base = _spawn(["mock-upstream", "--port", "0"], rb"listening on (http://\S+)")
    cfg_path: Path = tmp_path_factory.mktemp("e2e") / "gateway.yaml"
    cfg_path.write_text(yaml.safe_dump(config_dict(base)))
    gw, url = _spawn(
        ["serve", "--config", str(cfg_path), "--port", "0", "--quiet"],
        rb"listening on (http://\S+)",
    )
    try:
        yield url
    finally:
        for p in (gw, mock):
            p.terminate()
        assert gw.wait(timeout=30) == 0
        mock.wait(timeout=30)


@pytest.fixture
def api_key() -> str:
    return MASTER_KEY
