"""Item 3: closed peers are closed at once; accept errors are counted, not a traceback each."""

from __future__ import annotations

import errno
import logging
import resource
import socket
from pathlib import Path

import httpx
import trio

from routeiq.netguard import ACCEPT_ERRORS, AcceptErrorLog
from routeiq.server import start_mock
from tests.asgi.test_backpressure_drain import _start_gateway
from tests.conftest import MASTER_KEY, running_stack

FD_LIMIT = 1024


def _limit_fds() -> None:  # runs in the child only (preexec_fn)
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


async def _close_wait(port: int) -> int:
    out = await trio.run_process(
        ["ss", "-tan", f"sport = :{port}"], capture_stdout=True, check=False
    )
    return out.stdout.count(b"CLOSE-WAIT")


async def test_bare_connect_close_leaves_no_close_wait() -> None:
    async with running_stack() as s:
        port = int(s.url.rsplit(":", 1)[1])
        for _ in range(50):
            socket.create_connection(("127.0.0.1", port)).close()
        with trio.fail_after(10):  # before the fix: 50 for keep_alive_timeout (75 s)
            while await _close_wait(port):
                await trio.sleep(0.05)


async def test_1100_connect_close_under_1024_fds_then_a_request_succeeds(tmp_path: Path) -> None:
    async with trio.open_nursery() as nursery:
        _, base = await start_mock(nursery)
        log = (tmp_path / "gw.log").open("wb")
        proc, url = await _start_gateway(
            tmp_path, base, drain=30.0, stderr=log, preexec_fn=_limit_fds
        )
        port = int(url.rsplit(":", 1)[1])
        try:
            for _ in range(1100):
                socket.create_connection(("127.0.0.1", port)).close()
            headers = {"authorization": f"Bearer {MASTER_KEY}"}
            async with httpx.AsyncClient(base_url=url, headers=headers) as c:
                t0 = trio.current_time()
                with trio.fail_after(10):  # before the fix: ~72 s of refusals
                    while True:
                        try:
                            r = await c.get("/v1/models", timeout=1.0)
                            break
                        except httpx.TransportError:
                            await trio.sleep(0.05)
                took = trio.current_time() - t0
                assert r.status_code == 200
                print(f"first request after 1,100 connect+close answered in {took:.3f} s")
                metrics = (await c.get("/metrics")).text
            print("\n".join(ln for ln in metrics.splitlines() if "accept" in ln))
        finally:
            proc.terminate()
            with trio.fail_after(30):
                await proc.wait()
            log.close()
            nursery.cancel_scope.cancel()
        text = (tmp_path / "gw.log").read_text()
        print(text[-2000:])
        assert text.count("Traceback") == 0, text[-3000:]
        assert text.count("accept failed") <= 3, text[-3000:]


def test_accept_error_log_counts_all_and_passes_one_per_interval() -> None:
    now = [100.0]
    f = AcceptErrorLog(interval=10.0, clock=lambda: now[0])
    passed = []
    for i in range(250):
        now[0] = 100.0 + i * 0.1
        exc = OSError(errno.EMFILE, "Too many open files")
        record = logging.LogRecord(
            "trio.serve_listeners",
            logging.ERROR,
            __file__,
            1,
            "accept returned %s",
            ("EMFILE",),
            (OSError, exc, None),
        )
        if f.filter(record):
            passed.append(record)
    assert f.counts == {"EMFILE": 250}
    assert [r.args[0] for r in passed] == [1, 100, 100]  # t=100, 110, 120 (0.1 s steps)
    assert all(r.exc_info is None for r in passed)
    assert "in the last 10 s" in passed[1].getMessage()


async def test_accept_errors_logged_by_trio_show_on_metrics() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url) as c:
        before = ACCEPT_ERRORS.counts["EMFILE"]
        exc = OSError(errno.EMFILE, "Too many open files")
        for _ in range(3):  # what trio's serve_listeners logs when accept() fails
            logging.getLogger("trio.serve_listeners").error(
                "accept returned %s", "EMFILE", exc_info=(OSError, exc, None)
            )
        text = (await c.get("/metrics")).text
        line = f'routeiq_accept_errors_total{{errno="EMFILE"}} {before + 3}'
        assert line in text, [ln for ln in text.splitlines() if "accept" in ln]
