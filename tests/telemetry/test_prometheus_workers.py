"""A real Prometheus (Debian's ``prometheus`` package) scrapes a 2-worker gateway:
through its HTTP API, the request counts of both workers add up to what was sent."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

PROMETHEUS = shutil.which("prometheus")
HEADERS = {"authorization": "Bearer sk-routeiq-demo"}
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
ROUTE = '{route="/v1/chat/completions",status="200"}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def per_worker(url: str) -> dict[str, float]:
    """Chat requests counted per worker, as one scrape of the gateway shows them."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    out: dict[str, float] = {}
    for m in re.finditer(
        r'^routeiq_requests_total\{worker="(\d+)",route="/v1/chat/completions",'
        r'model="[^"]*",status="200"\} (\S+)$',
        text,
        re.M,
    ):
        out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(2))
    return out


def query(prom: str, promql: str) -> list[dict[str, object]]:
    r = httpx.get(f"{prom}/api/v1/query", params={"query": promql}, timeout=10)
    r.raise_for_status()
    result: list[dict[str, object]] = r.json()["data"]["result"]
    return result


def send(url: str, n: int) -> int:
    """``n`` requests, each on its own connection (so the kernel spreads them)."""

    def one(_: int) -> int:
        with httpx.Client(timeout=10) as c:
            r = c.post(f"{url}/v1/chat/completions", json=BODY, headers=HEADERS)
            return 1 if r.status_code == 200 else 0

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(one, range(n)))


@pytest.mark.skipif(PROMETHEUS is None, reason="needs prometheus (make test installs it)")
def test_prometheus_sums_both_workers() -> None:
    gw = subprocess.Popen(
        [sys.executable, "-m", "routeiq.cli", "serve", "--workers", "2", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
    )
    prom: subprocess.Popen[bytes] | None = None
    work = Path(tempfile.mkdtemp(prefix="routeiq-prom-"))
    try:
        assert gw.stdout is not None
        m = re.search(rb"2 workers on (http://\S+)", gw.stdout.readline())
        assert m, "supervisor did not print its URL"
        url = m.group(1).decode()
        deadline = time.monotonic() + 60
        while True:  # both workers up: each publishes its metrics file once started
            try:
                if httpx.get(f"{url}/health/ready", timeout=5).status_code == 200:
                    text = httpx.get(f"{url}/metrics", timeout=5).text
                    if 'worker="0"' in text and 'worker="1"' in text:
                        break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.2)
        sent = 0
        while len(per_worker(url)) < 2:  # until both workers have served some
            sent += send(url, 20)
            assert sent < 400, "every request went to one worker"
            time.sleep(1.2)  # a worker's file is at most 1 s old
        host_port = url.removeprefix("http://")
        (work / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n"
            "scrape_configs:\n"
            "  - job_name: routeiq\n"
            f"    static_configs:\n      - targets: ['{host_port}']\n"
        )
        port = free_port()
        prom = subprocess.Popen(
            [
                str(PROMETHEUS),
                f"--config.file={work / 'prometheus.yml'}",
                f"--storage.tsdb.path={work / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        api = f"http://127.0.0.1:{port}"
        total: float | None = None
        workers: list[dict[str, object]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                result = query(api, f"sum(routeiq_requests_total{ROUTE})")
                workers = query(api, f"sum by (worker) (routeiq_requests_total{ROUTE})")
            except httpx.HTTPError:  # not up yet (refused, or 503 while it starts)
                result = []
            if result:
                value = result[0]["value"]
                assert isinstance(value, list)
                total = float(value[1])
                if total == sent and len(workers) == 2:
                    break
            time.sleep(0.5)
        assert total == sent, (total, sent)
        counts = {}
        for w in workers:
            labels, value = w["metric"], w["value"]
            assert isinstance(labels, dict) and isinstance(value, list)
            counts[labels["worker"]] = float(value[1])
        assert set(counts) == {"0", "1"} and all(v > 0 for v in counts.values())
        assert sum(counts.values()) == sent
    finally:
        if prom is not None:
            prom.terminate()
            prom.wait(timeout=30)
        gw.send_signal(signal.SIGTERM)
        try:
            gw.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gw.kill()
        shutil.rmtree(work, ignore_errors=True)
