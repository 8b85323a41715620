"""The image's Python environment, built the way the Dockerfile builds it, serves an
Anthropic-format deployment.

These machines have no container engine, so the test replays the Dockerfile's
build stage: it copies what the Dockerfile copies (pyproject.toml and
deploy/image/ first, then README.md and routeiq/) into a scratch directory and
runs the same ``deploy/image/install.sh deps`` and ``install.sh app`` in a fresh
virtual environment, with the Dockerfile's default build arguments (providers
on, semantic off). Then it starts that environment's ``routeiq serve`` (not this
checkout's: no PYTHONPATH) with an ``anthropic/`` deployment pointed at the mock
Anthropic upstream, and asks it a question with the official ``openai`` client.

It installs from PyPI (pip's wheel cache makes a second run much faster), so it
takes minutes: marked ``slow`` (``pytest -m "not slow"`` leaves it out while
developing; ``make test`` runs it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import trio
import yaml
from openai import OpenAI

from tests.llm.translated.mock_anthropic import MockAnthropic
from tests.llm.translated.stack import anthropic_entry, serve

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-image-test"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def docker_copy(dest: Path) -> None:
    """The Dockerfile's COPY steps (the .dockerignore keeps only these)."""
    dest.mkdir()
    shutil.copy(ROOT / "pyproject.toml", dest)
    shutil.copytree(ROOT / "deploy" / "image", dest / "deploy" / "image")
    shutil.copy(ROOT / "README.md", dest)
    shutil.copytree(
        ROOT / "routeiq", dest / "routeiq", ignore=shutil.ignore_patterns("__pycache__")
    )


def dockerfile_steps() -> list[str]:
    """The RUN lines of the build stage, to check the test replays the same commands."""
    return re.findall(
        r"^RUN (sh deploy/image/install\.sh \w+)$", (ROOT / "Dockerfile").read_text(), re.M
    )


@pytest.mark.slow
async def test_image_env_serves_an_anthropic_deployment(tmp_path: Path) -> None:
    assert dockerfile_steps() == [
        "sh deploy/image/install.sh deps",
        "sh deploy/image/install.sh app",
    ]
    src, venv = tmp_path / "src", tmp_path / "venv"
    docker_copy(src)
    env = clean_env(VENV=str(venv), SRC=str(src), PROVIDERS="1", SEMANTIC="0")
    for step in ("deps", "app"):
        with trio.fail_after(1500):
            done = await trio.run_process(
                ["sh", "deploy/image/install.sh", step],
                cwd=src,
                env=env,
                capture_stdout=True,
                capture_stderr=True,
                check=False,
            )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
    where = await trio.run_process(
        [str(venv / "bin" / "python"), "-c", "import routeiq, litellm; print(routeiq.__file__)"],
        capture_stdout=True,
        env=clean_env(),
        cwd=tmp_path,
    )
    assert where.stdout.decode().startswith(str(venv))  # the image's copy, not this checkout
    mock = MockAnthropic()
    async with trio.open_nursery() as nursery:
        base = await serve(nursery, mock)
        config = tmp_path / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {"model_list": [anthropic_entry(base)], "general_settings": {"master_key": KEY}}
            )
        )
        proc = await trio.lowlevel.open_process(
            [
                *(str(venv / "bin" / "routeiq"), "serve", "--config", str(config)),
                *("--port", "0", "--quiet", "--log-format", "json"),
            ],
            stdout=subprocess.PIPE,
            env=clean_env(LITELLM_LOCAL_MODEL_COST_MAP="True"),
            cwd=tmp_path,
        )
        try:
            assert proc.stdout is not None
            line = b""
            with trio.fail_after(120):
                while not line.endswith(b"\n"):
                    chunk = await proc.stdout.receive_some(4096)
                    assert chunk, "the gateway exited before listening"
                    line += chunk
            m = re.search(rb"listening on (http://\S+)", line)
            assert m, line
            url = m.group(1).decode()

            def ask() -> str:
                client = OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0, timeout=60)
                answer = client.chat.completions.create(
                    model="claude", messages=[{"role": "user", "content": "hi"}]
                )
                return answer.choices[0].message.content or ""

            with trio.fail_after(120):
                content = await trio.to_thread.run_sync(ask)
            assert content == "Hello from Claude!"
            assert mock.requests[-1].path == "/v1/messages"  # translated to Anthropic's API
        finally:
            proc.send_signal(signal.SIGTERM)
            with trio.move_on_after(40):
                await proc.wait()
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode == 0
        nursery.cancel_scope.cancel()
