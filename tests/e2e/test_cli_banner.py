"""The start-up banner never prints a configured master key (stdout often goes to logs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

MASTER = "sk-banner-master-0123456789abcdef"


def test_banner_shows_a_placeholder_not_the_master_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        "model_list:\n"
        "  - model_name: m\n"
        "    litellm_params: {model: openai/m, api_base: 'http://127.0.0.1:9', api_key: k}\n"
        f"general_settings: {{master_key: {MASTER}}}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "ROUTEIQ_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", "serve", "--config", str(cfg), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout is not None
        out = b""
        deadline = time.monotonic() + 60
        while b"client = OpenAI" not in out and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out += line
        assert b"listening on" in out, out
        assert b"Bearer $MASTER_KEY" in out
        assert MASTER.encode() not in out
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
