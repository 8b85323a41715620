"""A real PostgreSQL server for the test session (pytest plugin).

Load with ``pytest_plugins = ["tests.pg_fixture"]``. ``pg_server`` runs
``initdb`` into a temporary directory and starts ``postgres`` on a free
127.0.0.1 port (as the unprivileged user ``nobody`` when the session is root:
PostgreSQL refuses to run as root); ``pg_url`` creates a fresh database per test;
``db_url``/``db`` give a test the gateway's key database once per engine (SQLite
and PostgreSQL).
The binaries come from the Debian ``postgresql`` package (/usr/lib/postgresql/*/bin).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from itertools import count
from pathlib import Path

import pytest

from routeiq.db import Database, open_database

_ids = count()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    exe = shutil.which("initdb")
    return os.path.dirname(exe) if exe else None


class PgServer:
    def __init__(self, bindir: str, port: int, workdir: str) -> None:
        self.bindir = bindir
        self.port = port
        self.workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None
        self._prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "nobody")
        subprocess.run(
            [*self._prefix, f"{self.bindir}/initdb", "-D", f"{self.workdir}/data", "-U",
             "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def start(self, timeout: float = 30.0) -> None:
        import psycopg

        self._proc = subprocess.Popen(
            [*self._prefix, f"{self.bindir}/postgres", "-D", f"{self.workdir}/data",
             "-p", str(self.port), "-h", "127.0.0.1", "-k", self.workdir,
             "-c", "fsync=off", "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self._proc.returncode}")
            try:
                psycopg.connect(self.url, connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("postgres did not accept connections in time")

    def stop(self) -> None:
        if self._proc is not None:
            # Fast shutdown ends open sessions too (SIGTERM would be a "smart" one that
            # waits for clients, and a killed postmaster can leave backends serving).
            subprocess.run(
                [*self._prefix, f"{self.bindir}/pg_ctl", "-D", f"{self.workdir}/data",
                 "-m", "fast", "-w", "-t", "30", "stop"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_ids)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = _bindir()
    if bindir is None:
        pytest.fail("PostgreSQL not found: apt-get install -y postgresql", pytrace=False)
    workdir = tempfile.mkdtemp(prefix="routeiq-pg-")
    os.chmod(workdir, 0o755)
    server = PgServer(bindir, _free_port(), workdir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """URL of a fresh, empty database on the session's PostgreSQL."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The key database's URL, once per engine: a SQLite file, a fresh PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'routeiq.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
async def db(db_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    """That database, opened (and migrated) for the test."""
    d = open_database(db_url, tmp_path)
    await d.open()
    try:
        yield d
    finally:
        await d.close()
