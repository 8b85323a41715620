"""The rules file: load, reload on change, keep the last good rules."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import trio

from routeiq.policy import PolicySettings, Subject
from routeiq.policy.engine import PolicyEngine, PolicyLoadError, load_rules_file

CHAT = Subject("POST", "/v1/chat/completions", team="dev")


def write(path: Path, text: str, bump: int) -> None:
    """Write ``text`` and give the file a distinct mtime (coarse file systems)."""
    path.write_text(text)
    os.utime(path, ns=(1_700_000_000_000_000_000 + bump, 1_700_000_000_000_000_000 + bump))


def engine(path: Path, **kw: object) -> PolicyEngine:
    return PolicyEngine(PolicySettings.model_validate({"rules_file": str(path), **kw}))


async def test_load_change_and_unchanged(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    write(rules, "- {name: no-dev, action: deny, teams: [dev]}\n", 1)
    e = engine(rules)
    assert e.policy is None  # not loaded before start-up
    assert await e.reload() is True
    assert e.policy is not None and not e.policy.decide(CHAT).allow  # type: ignore[union-attr]
    assert await e.reload() is False  # unchanged: not even read
    write(rules, "default_action: deny\nrules:\n- {action: allow, teams: [dev]}\n", 2)
    assert await e.reload() is True
    assert e.policy.decide(CHAT).rule == "rules_file[0]"  # type: ignore[union-attr]
    assert e.policy.decide(Subject("GET", "/v1/models")).allow is False  # type: ignore[union-attr]
    assert (e.loads, e.load_errors) == (2, 0)


async def test_inline_rules_come_first(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    write(rules, "- {name: file-deny, action: deny}\n", 1)
    e = engine(rules, rules=[{"name": "inline-allow", "action": "allow", "teams": ["dev"]}])
    await e.reload()
    assert e.policy.decide(CHAT).rule == "inline-allow"  # type: ignore[union-attr]
    assert e.policy.decide(Subject("GET", "/x")).rule == "file-deny"  # type: ignore[union-attr]


async def test_a_broken_file_keeps_the_last_good_rules_and_counts_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules = tmp_path / "rules.yaml"
    write(rules, "- {name: no-dev, action: deny, teams: [dev]}\n", 1)
    e = engine(rules)
    await e.reload()
    good = e.policy
    write(rules, "- {name: oops, action: perhaps}\n", 2)
    with caplog.at_level(logging.ERROR, logger="routeiq.policy"):
        assert await e.reload() is False
        assert await e.reload() is False  # same broken version: not counted again
    assert e.policy is good
    assert e.load_errors == 1
    assert e.last_error is not None and "rules.0.action" in e.last_error
    assert "keeping the last good rules" in caplog.text
    write(rules, "{not yaml", 3)
    assert await e.reload() is False
    assert e.load_errors == 2 and "invalid YAML" in (e.last_error or "")
    rules.unlink()
    assert await e.reload() is False
    assert await e.reload() is False
    assert e.load_errors == 3 and "cannot stat" in (e.last_error or "")
    write(rules, "- {action: allow}\n", 4)
    assert await e.reload() is True
    assert e.policy is not good and e.last_error is None


async def test_a_missing_file_at_start_up_leaves_no_policy(tmp_path: Path) -> None:
    e = engine(tmp_path / "absent.yaml")
    async with trio.open_nursery() as nursery:
        await nursery.start(e.run)
        assert e.policy is None and e.load_errors == 1
        nursery.cancel_scope.cancel()


async def test_the_watcher_picks_up_changes(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    write(rules, "- {action: deny, teams: [dev]}\n", 1)
    e = engine(rules, reload_seconds=0.02)
    async with trio.open_nursery() as nursery:
        await nursery.start(e.run)
        assert e.loads == 1 and not e.policy.decide(CHAT).allow  # type: ignore[union-attr]
        write(rules, "- {action: allow, teams: [dev]}\n", 2)
        with trio.fail_after(2):
            while e.loads < 2:
                await trio.sleep(0.01)
        assert e.policy.decide(CHAT).allow  # type: ignore[union-attr]
        nursery.cancel_scope.cancel()


def test_file_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("#" * 2000)
    with pytest.raises(PolicyLoadError, match="larger than 1000 bytes"):
        load_rules_file(str(big), 1000)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_rules_file(str(empty), 1000).rules == []
