"""Console sessions across ``routeiq serve --workers 2`` on the embedded default (memory
state store, SQLite): signed in on one worker, every worker knows the session.

Each request opens a new connection (``Connection: close``), so the kernel hands them
to both workers; the group's ``/metrics`` shows that both served console pages. Before
sessions moved to the database, about half of these requests were sent back to the
sign-in page (the other worker had never heard of the session).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import MASTER_KEY, config_dict
from tests.console.helpers import TOKEN

BATCHES = 5
REQUESTS = 60


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[str]:
    cfg = config_dict("http://127.0.0.1:9/v1", governance={"data_dir": str(tmp_path / "data")})
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(cfg))
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "routeiq.cli", "serve", "--config", str(path)),
            *("--workers", "2", "--port", "0", "--quiet"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
    )
    try:
        assert proc.stdout is not None
        m = re.search(rb"2 workers on (http://\S+)", proc.stdout.readline())
        assert m, "the supervisor did not print its URL"
        yield m.group(1).decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answered_by_worker(url: str) -> dict[str, float]:
    """Requests outside the API routes (the console's pages are among them) answered
    200, per worker, as one scrape of the group shows them."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    out: dict[str, float] = {}
    for m in re.finditer(
        r'^routeiq_requests_total\{worker="(\d+)",route="other",[^}]*status="200"\} (\S+)$',
        text,
        re.M,
    ):
        out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(2))
    return out


def _settled(url: str) -> dict[str, float]:
    """The counts once both workers' published files have caught up (each publishes
    every second; the scrape itself adds one to the worker that answers it)."""
    time.sleep(2.5)
    return _answered_by_worker(url)


def test_a_session_made_on_one_worker_holds_on_every_worker(two_workers: str) -> None:
    url = two_workers
    fresh = {"connection": "close"}  # a new connection, so either worker may answer
    with httpx.Client(base_url=url, headers=fresh, timeout=30) as c:
        deadline = time.monotonic() + 90
        ready = 0
        while ready < 10:  # both workers listening and ready
            assert time.monotonic() < deadline, "the workers did not become ready"
            try:
                ready = ready + 1 if c.get("/health/ready").status_code == 200 else 0
            except httpx.TransportError:
                ready = 0
                time.sleep(0.2)
        form = c.get("/ui/signin")
        token = TOKEN.search(form.text)
        assert token is not None
        signed = c.post("/ui/signin", data={"csrf": token.group(1), "key": MASTER_KEY})
        assert signed.status_code == 303 and signed.headers["location"] == "/ui/"
        assert "riq_console" in c.cookies
        before = _settled(url)
        # Which worker accepts a new connection is the kernel's choice: on a loaded
        # machine one may take nearly all of a batch. Batches until both have answered
        # console pages (every page must be 200: the session holds wherever it lands).
        scrapes, grew = 0, {"0": 0.0, "1": 0.0}
        for _ in range(BATCHES):
            statuses = [c.get("/ui/keys").status_code for _ in range(REQUESTS)]
            assert statuses == [200] * REQUESTS
            after = _settled(url)
            scrapes += 1
            grew = {w: after.get(w, 0.0) - before.get(w, 0.0) for w in ("0", "1")}
            if all(n >= 5 + scrapes for n in grew.values()):
                break
        # a change on whichever worker, and its flash on whichever worker next
        page = c.get("/ui/cache")
        token = TOKEN.search(page.text)
        assert token is not None
        done = c.post("/ui/cache/flush", data={"csrf": token.group(1), "namespace": ""})
        assert done.status_code == 303
        assert "Cache flushed" in c.get("/ui/cache").text

    # Both workers answered console pages: each one's count grew by more than the
    # scrapes could add (each scrape adds one to the worker that answers it).
    assert sum(grew.values()) >= REQUESTS, grew
    assert all(n >= 5 + scrapes for n in grew.values()), (grew, scrapes)
