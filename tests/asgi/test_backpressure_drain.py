from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import trio
import yaml

from routeiq.lifecycle import Lifecycle
from routeiq.server import start_mock
from tests.conftest import CHAT, CHAT_STREAM, MASTER_KEY, config_dict, running_stack

SLOW = {**CHAT_STREAM, "metadata": {"mock_chunks": 10, "mock_chunk_gap": 0.1}}


async def test_backpressure_rejects_at_once_and_streams_hold_slots() -> None:
    async with running_stack(server={"max_in_flight": 2, "retry_after_seconds": 3}) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            done: list[int] = []

            async def slow_stream() -> None:
                async with c.stream("POST", "/v1/chat/completions", json=SLOW) as r:
                    async for _ in r.aiter_lines():
                        pass
                done.append(r.status_code)

            async with trio.open_nursery() as n:
                n.start_soon(slow_stream)
                n.start_soon(slow_stream)
                while s.gw.lifecycle.in_flight < 2:
                    await trio.sleep(0.005)
                r = await c.post("/v1/chat/completions", json=CHAT)
                # Answered while both streams still hold their slots (asserted below):
                # not queued behind them. No wall-clock bound (a loaded CI machine).
                assert r.status_code == 503
                assert r.headers["retry-after"] == "3"
                assert r.json()["error"]["code"] == "overloaded"
                # Health endpoints are exempt from backpressure.
                assert (await c.get("/health/live")).status_code == 200
                assert s.gw.lifecycle.in_flight == 2  # the streams still hold their slots
            assert done == [200, 200]
            with trio.fail_after(2):  # the handlers finish just after the last byte
                while s.gw.lifecycle.in_flight:
                    await trio.sleep(0.005)
            assert (await c.post("/v1/chat/completions", json=CHAT)).status_code == 200


async def _hold(
    lc: Lifecycle, seconds: float, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
) -> None:
    assert lc.try_enter()
    task_status.started()
    try:
        await trio.sleep(seconds)
    finally:
        lc.leave()


async def test_drain_waits_for_in_flight_work(autojump_clock: trio.abc.Clock) -> None:
    lc = Lifecycle(10)
    async with trio.open_nursery() as n:
        await n.start(_hold, lc, 5.0)
        t0 = trio.current_time()
        assert await lc.drain(grace=30.0) is True
        assert trio.current_time() - t0 == 5.0
        assert lc.draining


async def test_drain_deadline_gives_up_exactly_on_time(autojump_clock: trio.abc.Clock) -> None:
    lc = Lifecycle(10)
    async with trio.open_nursery() as n:
        await n.start(_hold, lc, 100.0)
        t0 = trio.current_time()
        assert await lc.drain(grace=2.5) is False
        assert trio.current_time() - t0 == 2.5
        assert lc.in_flight == 1
        n.cancel_scope.cancel()


async def _start_gateway(
    tmp_path: Path, base: str, drain: float, **popen: Any
) -> tuple[trio.Process, str]:
    """``routeiq serve`` in a child process (``popen``: more Popen options); its URL."""
    cfg = config_dict(base, server={"drain_seconds": drain})
    path = tmp_path / "gw.yaml"
    path.write_text(yaml.safe_dump(cfg))
    proc = await trio.lowlevel.open_process(
        [
            sys.executable,
            "-m",
            "routeiq.cli",
            "serve",
            "--config",
            str(path),
            "--port",
            "0",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "ROUTEIQ_LOG_LEVEL": "WARNING"},
        **popen,
    )
    assert proc.stdout is not None
    buf = b""
    with trio.fail_after(30):
        while b"listening on" not in buf:
            chunk = await proc.stdout.receive_some()
            assert chunk, "gateway exited before listening"
            buf += chunk
    m = re.search(rb"listening on (http://\S+)", buf)
    assert m
    return proc, m.group(1).decode()


async def test_sigterm_drains_streams_then_exits_zero(tmp_path: Path) -> None:
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        proc, url = await _start_gateway(tmp_path, base, drain=10.0)
        headers = {"authorization": f"Bearer {MASTER_KEY}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=20) as c:
            chunks: list[bytes] = []
            async with c.stream("POST", "/v1/chat/completions", json=SLOW) as r:
                async for line in r.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    chunks.append(line.encode())
                    if len(chunks) == 1:
                        proc.send_signal(signal.SIGTERM)
                        await trio.sleep(0.1)
                        async with httpx.AsyncClient(base_url=url, headers=headers) as c2:
                            late = await c2.post("/v1/chat/completions", json=CHAT)
                            ready = await c2.get("/health/ready")
                        assert late.status_code == 503
                        assert late.json()["error"]["code"] == "draining"
                        assert ready.status_code == 503
            assert chunks[-1] == b"data: [DONE]"
            assert len(chunks) == 12  # 10 content chunks, finish chunk, [DONE]
        with trio.fail_after(15):
            code = await proc.wait()
        assert code == 0
        nursery.cancel_scope.cancel()


async def test_drain_deadline_cuts_long_streams_and_exits_zero(tmp_path: Path) -> None:
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        proc, url = await _start_gateway(tmp_path, base, drain=0.5)
        headers = {"authorization": f"Bearer {MASTER_KEY}"}
        long = {**CHAT_STREAM, "metadata": {"mock_chunks": 100, "mock_chunk_gap": 0.1}}
        got: list[str] = []
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=20) as c:
            async with c.stream("POST", "/v1/chat/completions", json=long) as r:
                async for line in r.aiter_lines():  # a cut read would raise here
                    if line.startswith("data: "):
                        got.append(line)
                        if len(got) == 1:
                            proc.send_signal(signal.SIGTERM)
        assert 2 <= len(got) < 50
        assert orjson.loads(got[0][6:])["object"] == "chat.completion.chunk"
        # The drain deadline ends the stream with a final error event and a clean end.
        assert orjson.loads(got[-1][6:])["error"]["type"] == "server_shutting_down", got[-1]
        with trio.fail_after(15):
            assert await proc.wait() == 0
        nursery.cancel_scope.cancel()
