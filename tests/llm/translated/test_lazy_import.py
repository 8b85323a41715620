"""litellm is imported only when a configured deployment needs translation.

Each case runs in a fresh interpreter: build the app from a config, start it,
serve one chat request through it, then report whether ``litellm`` is in
``sys.modules``. The second case (an ``anthropic/`` deployment in the config)
is the control that shows the check can fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import sys
import httpx
import trio

from routeiq.testing import serve_gateway
from routeiq.config import load_config
from routeiq.server import bind_socket, serve_app, start_mock, url_of
from tests.conftest import CHAT, MASTER_KEY, config_dict


async def main() -> None:
    assert "litellm" not in sys.modules
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        data = config_dict(base)
        if sys.argv[1] == "anthropic":
            data["model_list"].append({
                "model_name": "claude",
                "litellm_params": {"model": "anthropic/claude-sonnet-4-5", "api_key": "k"},
            })
        url, _ = await serve_gateway(nursery, load_config(data))
        async with httpx.AsyncClient() as c:
            r = await c.post(
                f"{url}/v1/chat/completions",
                headers={"authorization": f"Bearer {MASTER_KEY}"},
                json=CHAT,
            )
        print("status", r.status_code)
        print("litellm", "litellm" in sys.modules)
        nursery.cancel_scope.cancel()


trio.run(main)
"""


def run(case: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, case],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [line for line in out.stdout.splitlines() if line.startswith(("status", "litellm"))]


def test_openai_only_config_never_imports_litellm() -> None:
    assert run("openai") == ["status 200", "litellm False"]


def test_a_translated_deployment_imports_it() -> None:
    assert run("anthropic") == ["status 200", "litellm True"]
