"""A gateway refuses to start on a key database written by a newer gateway."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from routeiq.db.schema import LATEST
from tests.conftest import config_dict


def test_newer_schema_stops_the_gateway_with_one_clear_line(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "routeiq.db")
    conn.execute("CREATE TABLE routeiq_schema (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO routeiq_schema VALUES (99)")
    conn.commit()
    conn.close()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        yaml.safe_dump(config_dict("http://127.0.0.1:9/v1", governance={"data_dir": str(tmp_path)}))
    )
    proc = subprocess.run(
        [sys.executable, "-m", "routeiq.cli", "serve", "--config", str(cfg), "--port", "0"],
        capture_output=True, timeout=60, env=os.environ.copy(),
    )  # fmt: skip
    assert proc.returncode == 2
    expected = f"schema version 99, newer than this gateway knows ({LATEST})"
    assert expected.encode() in proc.stderr
    assert b"Traceback" not in proc.stderr
