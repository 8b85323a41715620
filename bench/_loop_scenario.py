"""The longest event-loop step of the gateway through an A2A + MCP conformance scenario.

The gateway app (``create_app`` from a YAML config, served by Hypercorn's trio
worker) runs in this process with an instrument that records, per task step,
the wall time and the CPU time of the loop thread (``thread_time``: what the
step itself did, without the time the OS gave other processes on this shared
machine). The upstreams (the a2a-sdk sample agent, an mcp-SDK server) run in
their own processes. The client runs in this loop too, in tasks named
``bench_client...``, whose steps are not counted. Measured from the moment the
gateway serves: upstream connection and listing in the background, then MCP
initialize, tools/list, tools/call (first and repeated), resource templates and
a templated read; A2A SendMessage, a streamed task with a subscription, GetTask
and ListTasks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import trio
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _relay import McpRaw, mcp_upstream, sample_agent

from routeiq.app import create_app
from routeiq.config import load_config
from routeiq.server import bind_socket, serve_app, url_of

KEY = "sk-loop-scenario"


class StepCPU(trio.abc.Instrument):
    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.steps = 0
        self._c0 = 0.0
        self._w0 = 0.0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._c0 = time.thread_time()
        self._w0 = time.perf_counter()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        if not self._c0 or "bench_client" in task.name:
            return
        self.steps += 1
        c = time.thread_time() - self._c0
        w = time.perf_counter() - self._w0
        if c > self.cpu.get(task.name, 0.0):
            self.cpu[task.name] = c
        if w > self.wall.get(task.name, 0.0):
            self.wall[task.name] = w


def _config(agent: str, mcp: str) -> Any:
    return load_config(
        yaml.safe_load(
            f"""
model_list:
  - model_name: m
    litellm_params: {{model: openai/m, api_base: "http://127.0.0.1:9/v1", api_key: k}}
general_settings: {{master_key: {KEY}}}
routeiq:
  ssrf: {{allow_networks: ["127.0.0.1/32"]}}
  a2a: {{agents: [{{name: echo, url: "{agent}/"}}]}}
  mcp: {{servers: [{{name: alpha, url: "{mcp}"}}]}}
"""
        )
    )


def _send(text: str, method: str = "SendMessage") -> bytes:
    msg = {
        "messageId": f"m-{time.perf_counter_ns()}",
        "role": "ROLE_USER",
        "parts": [{"text": text}],
    }
    return orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": {"message": msg}})


async def bench_client(gw: str, repeats: int) -> None:
    auth = {"authorization": f"Bearer {KEY}"}
    v1 = {**auth, "a2a-version": "1.0", "content-type": "application/json"}
    async with httpx.AsyncClient(timeout=30) as http:
        with trio.fail_after(30):  # the MCP server connects in the background
            while True:
                r = await http.get(gw + "/routeiq/mcp/servers", headers=auth)
                if r.json()["servers"][0]["state"] == "up":
                    break
                await trio.sleep(0.05)
        mcp = McpRaw(http, gw + "/mcp", auth)
        await mcp.open()
        await mcp.rpc("tools/list")
        for _ in range(repeats):
            await mcp.rpc("tools/call", {"name": "alpha__echo", "arguments": {"text": "hi"}})
        await mcp.rpc("tools/call", {"name": "alpha__add", "arguments": {"a": 1, "b": 2}})
        await mcp.rpc("resources/templates/list")
        await mcp.rpc("resources/read", {"uri": "note://alpha/items/7"})
        task_id = ""
        for _ in range(repeats):
            r = await http.post(gw + "/a2a/echo", content=_send("fast"), headers=v1)
            task_id = r.json()["result"]["task"]["id"]
        h = {**v1, "accept": "text/event-stream"}
        body = _send("chunks 4", "SendStreamingMessage")
        async with http.stream("POST", gw + "/a2a/echo", content=body, headers=h) as r:
            async for line in r.aiter_lines():
                if line.startswith("data:") and '"task"' in line:
                    tid = orjson.loads(line[5:])["result"]["task"]["id"]
                    sub = {"jsonrpc": "2.0", "id": 2, "method": "SubscribeToTask",
                           "params": {"id": tid}}  # fmt: skip
                    async with http.stream(
                        "POST", gw + "/a2a/echo", content=orjson.dumps(sub), headers=h
                    ) as s2:
                        async for _ in s2.aiter_lines():
                            pass
                    break
        get = {"jsonrpc": "2.0", "id": 3, "method": "GetTask", "params": {"id": task_id}}
        await http.post(gw + "/a2a/echo", content=orjson.dumps(get), headers=v1)
        lst = {"jsonrpc": "2.0", "id": 4, "method": "ListTasks", "params": {}}
        await http.post(gw + "/a2a/echo", content=orjson.dumps(lst), headers=v1)


async def loop_scenario(repeats: int = 20) -> dict[str, Any]:
    """Run the scenario; the longest gateway steps (CPU and wall), by task."""
    with sample_agent() as agent, mcp_upstream() as mcp:
        app, _ = create_app(_config(agent, mcp))
        inst = StepCPU()
        async with trio.open_nursery() as nursery:
            sock = bind_socket("127.0.0.1", 0)
            await nursery.start(serve_app, app, sock)
            trio.lowlevel.add_instrument(inst)
            try:
                async with trio.open_nursery() as clients:  # a task of its own: not counted
                    clients.start_soon(bench_client, url_of(sock), repeats)
            finally:
                trio.lowlevel.remove_instrument(inst)
                nursery.cancel_scope.cancel()
    top = sorted(inst.cpu.items(), key=lambda kv: -kv[1])[:5]
    worst_cpu = top[0] if top else ("", 0.0)
    worst_wall = max(inst.wall.items(), key=lambda kv: kv[1], default=("", 0.0))
    return {
        "steps": inst.steps,
        "max_step_cpu_ms": worst_cpu[1] * 1e3,
        "max_step_cpu_task": worst_cpu[0],
        "max_step_wall_ms": worst_wall[1] * 1e3,
        "max_step_wall_task": worst_wall[0],
        "top_cpu_ms": {k: v * 1e3 for k, v in top},
    }


if __name__ == "__main__":
    out = trio.run(loop_scenario)
    print(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
