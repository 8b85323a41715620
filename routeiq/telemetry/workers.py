"""One scrape, every worker: ``--workers N`` processes publish their metrics to a
shared directory and any worker's ``/metrics`` answers for the whole group.

The supervisor makes a private directory and hands it to each worker with its
index (``ROUTEIQ_METRICS_DIR``, ``ROUTEIQ_WORKER``). Each worker renders its
own Prometheus text once a ``period`` (1 s) and writes it there atomically
(write + rename, in a worker thread). A scrape of any worker merges its live
text with the other workers' latest files: one HELP/TYPE per family, every
sample labelled ``worker="i"``, so ``sum by (...)`` in PromQL adds the workers'
counters and histogram buckets up exactly (another worker's samples are at
most ``period`` old). ``merge`` is I/O-free and tested with plain calls.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import trio

ENV_DIR = "ROUTEIQ_METRICS_DIR"
ENV_WORKER = "ROUTEIQ_WORKER"
_SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")


def _family(sample_name: str, families: dict[str, list[str]]) -> str | None:
    if sample_name in families:
        return sample_name
    for suffix in _SUFFIXES:
        if sample_name.endswith(suffix) and sample_name[: -len(suffix)] in families:
            return sample_name[: -len(suffix)]
    return None


def _labelled(line: str, worker: str) -> str:
    brace = line.find("{")
    space = line.find(" ")
    if brace != -1 and (space == -1 or brace < space):
        rest = line[brace + 1 :]
        sep = "" if rest.startswith("}") else ","
        return f'{line[:brace]}{{worker="{worker}"{sep}{rest}'
    return f'{line[:space]}{{worker="{worker}"}}{line[space:]}'


def merge(texts: dict[str, str]) -> str:
    """Prometheus texts by worker -> one text with a ``worker`` label on every sample."""
    heads: dict[str, list[str]] = {}  # family -> its HELP/TYPE lines (first seen)
    samples: dict[str, list[str]] = {}
    for worker, text in texts.items():
        current: str | None = None
        for line in text.splitlines():
            if not line:
                continue
            if line.startswith("#"):
                parts = line.split(" ", 3)
                if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                    current = parts[2]
                    head = heads.setdefault(current, [])
                    samples.setdefault(current, [])
                    if not any(h.startswith(f"# {parts[1]} ") for h in head):
                        head.append(line)
                continue
            name = line.split("{", 1)[0].split(" ", 1)[0]
            family = current if current is not None and name.startswith(current) else None
            if family is None:
                family = _family(name, samples) or name
                heads.setdefault(family, [])
                samples.setdefault(family, [])
            samples[family].append(_labelled(line, worker))
    out: list[str] = []
    for family, head in heads.items():
        out.extend(sorted(head, key=lambda h: h.startswith("# TYPE")))  # HELP, then TYPE
        out.extend(samples[family])
    return "\n".join(out) + "\n"


class WorkerMetrics:
    """Publishes this worker's metrics and answers scrapes for all of them."""

    def __init__(
        self, directory: str, worker: str, render: Callable[[], str], period: float = 1.0
    ) -> None:
        self.directory = Path(directory)
        self.worker = worker
        self.render = render
        self.period = period
        self.path = self.directory / f"worker-{worker}.prom"

    @classmethod
    def from_env(cls, render: Callable[[], str]) -> WorkerMetrics | None:
        directory, worker = os.environ.get(ENV_DIR), os.environ.get(ENV_WORKER)
        if not directory or worker is None:
            return None
        return cls(directory, worker, render)

    def _write(self, text: str) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(self.path)

    async def run(self, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        try:
            while True:
                await trio.to_thread.run_sync(self._write, self.render())
                await trio.sleep(self.period)
        finally:
            self.path.unlink(missing_ok=True)

    def _others(self) -> dict[str, str]:
        texts: dict[str, str] = {}
        try:
            entries = sorted(self.directory.glob("worker-*.prom"))
        except OSError:
            return texts
        for entry in entries:
            worker = entry.stem.removeprefix("worker-")
            if worker == self.worker:
                continue
            try:
                texts[worker] = entry.read_text()
            except OSError:
                continue  # a worker that just exited
        return texts

    async def scrape(self) -> str:
        texts = {self.worker: self.render()}
        texts.update(await trio.to_thread.run_sync(self._others))
        return merge(dict(sorted(texts.items())))


@contextmanager
def shared_directory() -> Iterator[str]:
    """The supervisor's private directory for its workers' metrics, removed at exit."""
    path = tempfile.mkdtemp(prefix="routeiq-metrics-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def worker_env(directory: str, index: int) -> dict[str, str]:
    return {**os.environ, ENV_DIR: directory, ENV_WORKER: str(index)}
