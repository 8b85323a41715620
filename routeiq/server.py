"""Serving: sockets, Hypercorn's trio worker, signals and graceful drain.

We bind the listening socket ourselves (so port 0 works and the real port is
known before serving), hand it to Hypercorn, and run the drain on
SIGTERM/SIGINT: readiness turns 503 and new requests get 503 while in-flight
streams run on, up to ``drain_seconds``; then Hypercorn's shutdown cancels
whatever is left and the process exits 0. With ``--workers N`` a small
supervisor shares one socket among N worker processes.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import trio
from hypercorn.config import Config as HyperConfig
from hypercorn.config import Sockets
from hypercorn.trio.run import worker_serve
from hypercorn.utils import wrap_app

from routeiq import stopsignal
from routeiq.app import create_app
from routeiq.asgi.types import ASGIApp
from routeiq.config import Config, demo_config
from routeiq.heap import (
    adapt_young_generations,
    defer_full_collections,
    freeze_startup_heap,
    release_when_idle,
)
from routeiq.lifecycle import Lifecycle
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.netguard import install_accept_error_log, install_prompt_close
from routeiq.stopsignal import STOP_SIGNALS
from routeiq.telemetry.workers import shared_directory, worker_env

log = logging.getLogger("routeiq.server")
install_prompt_close()  # a peer's FIN closes our side at once (see netguard)
install_accept_error_log()  # EMFILE & co: counted, one line per interval


def bind_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


#: routeiq.server.keep_alive_seconds' default (config.py says why it is not 5).
KEEP_ALIVE_SECONDS = 10.0


def hyper_config(graceful: float = 1.0, keep_alive: float = KEEP_ALIVE_SECONDS) -> HyperConfig:
    hc = HyperConfig()
    hc.accesslog = None
    # Our logger (one handler, our format) instead of hypercorn's own stderr handler.
    hc.errorlog = logging.getLogger("hypercorn.error")
    # Short (an idle connection costs a descriptor; a peer's FIN closes it at once,
    # netguard.py), but longer than the clients' own expiry (config.py).
    hc.keep_alive_timeout = keep_alive
    hc.graceful_timeout = graceful
    hc.h11_max_incomplete_size = 32 * 1024  # bounds request line + headers
    hc.backlog = 1024
    return hc


async def serve_app(
    app: ASGIApp,
    sock: socket.socket,
    *,
    shutdown_trigger: Callable[[], Awaitable[None]] | None = None,
    graceful: float = 1.0,
    keep_alive: float = KEEP_ALIVE_SECONDS,
    task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``app`` on an already-bound socket until ``shutdown_trigger`` returns."""
    hc = hyper_config(graceful, keep_alive)
    sockets = Sockets(secure_sockets=[], insecure_sockets=[sock], quic_sockets=[])
    await worker_serve(
        wrap_app(app, hc.wsgi_max_body_size, "asgi"),  # type: ignore[arg-type]
        hc,
        sockets=sockets,
        shutdown_trigger=shutdown_trigger,
        task_status=task_status,
    )


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


async def start_mock(
    nursery: trio.Nursery, settings: MockSettings | None = None, host: str = "127.0.0.1"
) -> tuple[MockUpstream, str]:
    """Start the mock upstream in ``nursery``; return it and its OpenAI base URL."""
    mock = MockUpstream(settings)
    sock = bind_socket(host, 0)
    await nursery.start(serve_app, mock, sock)
    return mock, url_of(sock) + "/v1"


async def wait_for_signal() -> None:
    with trio.open_signal_receiver(*STOP_SIGNALS) as signals:
        if stopsignal.requested() is not None:  # arrived before the receiver existed
            return
        async for _ in signals:
            return


async def run_gateway(
    config: Config | None,
    sock: socket.socket,
    *,
    demo: bool = False,
    master_key: str | None = None,
    on_ready: Callable[[str, Config], None] | None = None,
    stop: Callable[[], Awaitable[None]] = wait_for_signal,
) -> None:
    """Run one gateway process: serve until ``stop`` returns, drain, then exit."""
    async with trio.open_nursery() as nursery:
        if demo or config is None:
            _, base = await start_mock(nursery)
            config = demo_config(base, master_key=master_key)
        lifecycle = Lifecycle(config.routeiq.server.max_in_flight)
        app, gateway = create_app(config, lifecycle)
        grace = config.routeiq.server.drain_seconds

        async def shutdown_trigger() -> None:
            await stop()
            log.info("draining: up to %.1f s for %d in-flight requests", grace, lifecycle.in_flight)
            clean = await lifecycle.drain(grace)
            if not clean:
                log.warning("drain deadline passed: %d requests cut", lifecycle.cut_requests)

        async with trio.open_nursery() as server_nursery:
            # graceful=0: the drain above is the whole deadline (drain_seconds, no
            # extra); what is left after it are idle keep-alive connections.
            await server_nursery.start(
                partial(
                    serve_app,
                    app,
                    sock,
                    shutdown_trigger=shutdown_trigger,
                    graceful=0.0,
                    keep_alive=config.routeiq.server.keep_alive_seconds,
                )
            )
            frozen = freeze_startup_heap()  # full collections skip the start-up heap
            log.info("start-up heap frozen: %d objects out of the collector's reach", frozen)
            server = config.routeiq.server
            defer_full_collections(server.gc_full_threshold)
            # Small young generations only while busy (routeiq/heap.py has the numbers).
            busy = (server.gc_gen0_threshold, server.gc_gen1_threshold)
            # start_soon, not start: no checkpoint between serving and on_ready (a stop
            # that lands meanwhile would close the socket first; tests/e2e/test_workers.py).
            nursery.start_soon(
                partial(
                    adapt_young_generations,
                    lambda: lifecycle.in_flight,
                    server.gc_busy_in_flight,
                    busy,
                    defer_full_for=server.gc_defer_full_seconds,
                )
            )
            gateway.telemetry.serving_started()  # maxima count from here, not start-up
            period = config.routeiq.server.idle_release_seconds
            if period > 0:
                nursery.start_soon(
                    release_when_idle,
                    lambda: lifecycle.entered,
                    lambda: lifecycle.in_flight,
                    period,
                )
            if on_ready is not None:
                on_ready(url_of(sock), config)
        # Served and drained: stop the mock upstream and anything else still running.
        nursery.cancel_scope.cancel()


def supervise(argv: list[str], sock: socket.socket, workers: int) -> int:
    """Run ``workers`` copies of this command on one socket; forward signals; 0 if all exit 0."""
    fd = sock.fileno()
    os.set_inheritable(fd, True)
    procs: list[subprocess.Popen[bytes]] = []
    forwarded: set[int] = set()

    def forward(signum: int, _: Any) -> None:
        forwarded.add(signum)
        for p in procs:
            if p.poll() is None:
                p.send_signal(signum)

    # Our handler replaces the early one; a stop noted before it means no workers.
    for sig in STOP_SIGNALS:
        signal.signal(sig, forward)

    def reload_all(signum: int, _: Any) -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signum)

    # SIGHUP (reload the config) goes to every worker; the supervisor stays.
    signal.signal(signal.SIGHUP, reload_all)
    if stopsignal.requested() is not None:
        return 0
    with shared_directory() as metrics_dir:  # one /metrics for the group (telemetry/workers.py)
        for i in range(workers):
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "routeiq.cli", *argv, "--fd", str(fd)],
                    pass_fds=(fd,),
                    env=worker_env(metrics_dir, i),
                )
            )
            if forwarded:  # a stop arrived while this one was being spawned
                procs[-1].send_signal(next(iter(forwarded)))
        codes = [p.wait() for p in procs]
    # A worker ended by a signal we forwarded was killed before it could install
    # its own handler, i.e. while still importing: it had served nothing.
    return 0 if all(c == 0 or -c in forwarded for c in codes) else 1
