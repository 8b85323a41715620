"""A real ``redis-server`` for the test session (pytest plugin).

Load with ``pytest_plugins = ["tests.redis_fixture"]``. ``redis_server`` starts
one server on a free 127.0.0.1 port (no persistence) and can be stopped and
restarted on the same port for fault tests; ``redis_url`` flushes it before
each test.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# A reply wait for tests that are not about Redis being slow: the production bound
# (SharedCounters.op_timeout, 0.25 s) is tested on the autojump clock, and a loaded
# 2-core CI machine can stall a real-clock reply past it (stop 23's CI: a first
# admission fell back to per-process counting).
PATIENT = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _encode(*args: str) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class RedisServer:
    """One ``redis-server`` process bound to 127.0.0.1:``port``."""

    def __init__(self, executable: str, port: int, workdir: Path) -> None:
        self.executable = executable
        self.port = port
        self.workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self, *args: str, timeout: float = 2.0) -> bytes:
        """Send one command over a blocking socket; return the raw reply (first
        line; for a bulk string, its header and payload)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(_encode(*args))
            reply = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
                if reply.startswith(b"$") and not reply.startswith(b"$-1"):
                    header, _, rest = reply.partition(b"\r\n")
                    if len(rest) >= int(header[1:]) + 2:
                        break
                elif reply.endswith(b"\r\n"):
                    break
            return reply

    def start(self, timeout: float = 10.0) -> None:
        """Start the server (on the same port as before) and wait for PING."""
        if self.running:
            return
        self._proc = subprocess.Popen(
            [
                self.executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._proc.returncode}")
            try:
                if self.command("PING", timeout=0.5).startswith(b"+PONG"):
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not answer PING within {timeout} s")

    def pause(self) -> None:
        """SIGSTOP the server: connections stay open but nothing answers."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT a paused server."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Kill the server and wait until it is gone (its connections are reset)."""
        if self._proc is None:
            return
        self._proc.send_signal(signal.SIGCONT)  # a paused process must still die
        self._proc.kill()
        self._proc.wait(timeout=10)
        self._proc = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server for the whole session, killed at the end."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail(
            "redis-server not found on PATH: apt-get install -y redis-server", pytrace=False
        )
    server = RedisServer(executable, _free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """URL of the session's Redis, running and empty."""
    redis_server.start()  # a fault test may have left it stopped
    assert redis_server.command("FLUSHALL") == b"+OK\r\n"
    return redis_server.url
