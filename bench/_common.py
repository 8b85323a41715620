"""Shared bench helpers: processes on 127.0.0.1, wrk runs, result files.

Every bench compares against a baseline measured in the same run, because
absolute times on a shared 2-core machine drift from run to run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-bench-key"
PIDS: dict[str, int] = {}  # url -> pid of the process serving it


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("this bench needs wrk: sudo apt-get install wrk")


@contextmanager
def process(
    args: list[str],
    pattern: str = r"listening on (http://\S+)",
    *,
    root: Path = ROOT,
    level: str = "WARNING",
    quiet: bool = False,
) -> Iterator[str]:
    """Start ``python args...`` (``routeiq`` imported from ``root``); yield the URL it
    prints; stop it afterwards. ``quiet``: its stderr (logs) goes to /dev/null."""
    env = {**os.environ, "ROUTEIQ_LOG_LEVEL": level, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        env=env,
        # `python -m` puts the working directory first on sys.path, ahead of
        # PYTHONPATH: run in `root`, or a --before gateway imports this checkout.
        cwd=root,
    )
    assert proc.stdout is not None
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline().decode()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        raise RuntimeError(f"{args} did not start")
    PIDS[url] = proc.pid
    try:
        yield url
    finally:
        PIDS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def mock(latency: float = 0.0, **kw: Any) -> Any:
    args = ["-m", "routeiq.cli", "mock-upstream", "--port", "0", "--latency", str(latency)]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    return process(args, r"listening on (http://\S+)")


def gateway_config(
    base: str, *, extra_models: list[dict[str, Any]] | None = None, **routeiq: Any
) -> Path:
    import yaml

    cfg = {
        "model_list": [
            {
                "model_name": "bench-model",
                "litellm_params": {"model": "openai/bench-model", "api_base": base, "api_key": "x"},
                "model_info": {"id": "bench-dep"},
            },
            *(extra_models or []),
        ],
        "general_settings": {"master_key": KEY},
        "routeiq": routeiq,
    }
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix="routeiq-bench-")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(cfg, f)
    return Path(name)


def gateway(
    base: str,
    *,
    root: Path = ROOT,
    level: str = "WARNING",
    quiet: bool = False,
    extra_models: list[dict[str, Any]] | None = None,
    **routeiq: Any,
) -> Any:
    path = gateway_config(base, extra_models=extra_models, **routeiq)
    args = ["-m", "routeiq.cli", "serve", "--config", str(path), "--port", "0", "--quiet"]
    return process(args, root=root, level=level, quiet=quiet)


def bare_proxy(base: str) -> Any:
    return process([str(Path(__file__).resolve().parent / "bare_proxy.py"), base])


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(
    url: str, body: dict[str, Any], *, connections: int, seconds: int, key: str = KEY
) -> dict[str, float]:
    """POST ``body`` to ``url`` with wrk; return p50/p99 ms, rps and error count."""
    exe = ensure_wrk()
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    payload = json.dumps(body).replace("\\", "\\\\").replace('"', '\\"')
    script.write(
        'wrk.method = "POST"\n'
        f'wrk.body = "{payload}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )
    script.close()
    threads = min(2, connections)
    out = subprocess.run(
        [
            exe,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    pct = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if "50" not in pct or "99" not in pct:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"p50_ms": _ms(pct["50"]), "p99_ms": _ms(pct["99"]), "rps": rps, "errors": errors}


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    widths = [max(len(c), *(len(fmt(r.get(c, ""))) for r in rows)) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append(
            "  ".join(fmt(r.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True))
        )
    return "\n".join(lines)


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "bench": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpus": os.cpu_count(),
        **data,
    }
    path.write_text(json.dumps(data, indent=2))
    return path


def plot_path(name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS / f"{name}.png"


def gc_and_loop(url: str) -> dict[str, float]:
    """The gateway's own account: longest GC pause per generation, longest task step."""
    text = httpx.get(url + "/metrics", headers={"authorization": f"Bearer {KEY}"}).text
    out: dict[str, float] = {}
    for m in re.finditer(r'^routeiq_gc_pause_seconds_max\{generation="(\d)"\} (\S+)$', text, re.M):
        out[f"gc_gen{m.group(1)}_max_ms"] = float(m.group(2)) * 1000
    for name in ("routeiq_gc_pause_seconds_count", "routeiq_gc_collected_objects_total"):
        for m in re.finditer(name + r'\{generation="(\d)"\} (\S+)$', text, re.M):
            short = "collections" if name.endswith("count") else "collected"
            out[f"gc_gen{m.group(1)}_{short}"] = float(m.group(2))
    for m in re.finditer(
        r'^routeiq_gc_pause_seconds_cpu_max\{generation="(\d)"\} (\S+)$', text, re.M
    ):
        out[f"gc_gen{m.group(1)}_max_cpu_ms"] = float(m.group(2)) * 1000
    for m in re.finditer(
        r'^routeiq_gc_pause_cpu_seconds_total\{generation="(\d)"\} (\S+)$', text, re.M
    ):
        out[f"gc_gen{m.group(1)}_total_cpu_ms"] = float(m.group(2)) * 1000
    m = re.search(r"^routeiq_loop_task_step_max_seconds (\S+)$", text, re.M)
    if m:
        out["loop_step_max_ms"] = float(m.group(1)) * 1000
    # With ROUTEIQ_LOOP_PROFILE=1 in the gateway's environment (routeiq/telemetry/stepprofile.py).
    m = re.search(r"^routeiq_loop_task_step_cpu_max_seconds (\S+)$", text, re.M)
    if m:
        out["loop_step_max_cpu_ms"] = float(m.group(1)) * 1000
    return out


def longest_steps(url: str) -> list[dict[str, Any]]:
    """The gateway's longest loop steps (wall, CPU and GC ms, task), longest first;
    empty unless the gateway runs with ROUTEIQ_LOOP_PROFILE=1."""
    text = httpx.get(url + "/metrics", headers={"authorization": f"Bearer {KEY}"}).text
    steps: dict[int, dict[str, Any]] = {}
    pattern = r'^routeiq_loop_longest_step_seconds\{rank="(\d+)",kind="(\w+)",task="(.*)"\} (\S+)$'
    for m in re.finditer(pattern, text, re.M):
        step = steps.setdefault(int(m.group(1)), {"task": m.group(3)})
        step[f"{m.group(2)}_ms"] = round(float(m.group(4)) * 1000, 2)
    return [steps[k] for k in sorted(steps)]


def costliest_steps(url: str) -> list[dict[str, Any]]:
    """The gateway's steps that used the most CPU (CPU, wall and GC ms, task, where the
    task stopped), costliest first; empty unless it runs with ROUTEIQ_LOOP_PROFILE=1."""
    text = httpx.get(url + "/metrics", headers={"authorization": f"Bearer {KEY}"}).text
    steps: dict[int, dict[str, Any]] = {}
    pattern = (
        r'^routeiq_loop_costliest_step_seconds\{rank="(\d+)",task="(.*)",at="(.*)",'
        r'kind="(\w+)"\} (\S+)$'
    )
    for m in re.finditer(pattern, text, re.M):
        step = steps.setdefault(int(m.group(1)), {"task": m.group(2), "at": m.group(3)})
        step[f"{m.group(4)}_ms"] = round(float(m.group(5)) * 1000, 2)
    return [steps[k] for k in sorted(steps)]
