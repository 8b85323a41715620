"""``routeiq keys create|info|list|delete`` against a running gateway."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trio

from routeiq.cli import main
from tests.conftest import MASTER_KEY, running_stack


async def test_keys_cli_creates_lists_and_deletes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running_stack(governance={"data_dir": str(tmp_path)}) as s:
        base = ["keys", "--url", s.url, "--master-key", MASTER_KEY]
        argv = [*base, "create", "--alias", "cli", "--models", "gpt-test, embed-test", "--rpm", "7"]
        assert await trio.to_thread.run_sync(main, argv) == 0
        created = json.loads(capsys.readouterr().out)
        assert created["key"].startswith("sk-") and created["rpm_limit"] == 7
        assert created["models"] == ["gpt-test", "embed-test"]
        assert await trio.to_thread.run_sync(main, [*base, "list"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [k["key_alias"] for k in listed["keys"]] == ["cli"]
        assert await trio.to_thread.run_sync(main, [*base, "delete", created["key"]]) == 0
        capsys.readouterr()
        assert await trio.to_thread.run_sync(main, [*base, "info", created["key"]]) == 1
        assert "key_not_found" in capsys.readouterr().out
