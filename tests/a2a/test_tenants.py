"""Tenant isolation of A2A tasks and MCP sessions, through the whole app (create_app)
configured from YAML with keys in two teams (and one key without a team).

A task or session belongs to the team of the key that created it (else to that
key): another tenant gets "not found" (A2A -32001, MCP HTTP 404), never the
data, and ListTasks shows only the caller's own tasks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
import trio
import yaml
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import GetTaskRequest, ListTasksRequest, TaskState
from a2a.utils.errors import TaskNotFoundError
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from routeiq.config import load_config
from tests.a2a.test_app import serve_config
from tests.a2a.test_e2e import call, message
from tests.mcp.servers import make_beta, serve_mcp

CONFIG = """
model_list:
  - model_name: gpt-test
    litellm_params: {model: openai/gpt-test, api_base: "http://127.0.0.1:9/v1", api_key: k}
general_settings: {master_key: sk-tenants-master}
routeiq:
  auth:
    keys:
      - {key: sk-red-one-key, name: red-one, team: red}
      - {key: sk-red-two-key, name: red-two, team: red}
      - {key: sk-blue-key-1, name: blue-one, team: blue}
      - {key: sk-solo-key-1, name: solo}
  ssrf: {allow_networks: ["127.0.0.1/32"]}
  a2a:
    agents: [{name: echo, url: "AGENT/"}]
  mcp:
    servers: [{name: beta, url: "BETA"}]
"""
RED1, RED2, BLUE, SOLO = "sk-red-one-key", "sk-red-two-key", "sk-blue-key-1", "sk-solo-key-1"


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@asynccontextmanager
async def app_from_yaml(agent_url: str) -> AsyncIterator[str]:
    async with serve_mcp(make_beta()) as beta:
        text = CONFIG.replace("AGENT", agent_url).replace("BETA", beta.url)
        async with serve_config(load_config(yaml.safe_load(text))) as url:
            yield url


async def a2a_client(url: str, http: httpx.AsyncClient) -> Any:
    return await create_client(f"{url}/a2a/echo", ClientConfig(httpx_client=http, streaming=False))


async def test_a2a_tasks_belong_to_the_creating_team(agent_url: str) -> None:
    async with app_from_yaml(agent_url) as url:
        async with (
            httpx.AsyncClient(headers=bearer(RED1)) as red1,
            httpx.AsyncClient(headers=bearer(RED2)) as red2,
            httpx.AsyncClient(headers=bearer(BLUE)) as blue,
            httpx.AsyncClient(headers=bearer(SOLO)) as solo,
        ):
            c_red1, c_red2 = await a2a_client(url, red1), await a2a_client(url, red2)
            c_blue, c_solo = await a2a_client(url, blue), await a2a_client(url, solo)
            events = [ev async for ev in c_red1.send_message(message("hello red"))]
            task_id = events[0].task.id
            # Same team: visible.
            task = await c_red2.get_task(GetTaskRequest(id=task_id))
            assert task.status.state == TaskState.TASK_STATE_COMPLETED
            # Another team, or a key without a team: not found, never the data.
            for other in (c_blue, c_solo):
                with pytest.raises(TaskNotFoundError):
                    await other.get_task(GetTaskRequest(id=task_id))
            for method, params in [
                ("CancelTask", {"id": task_id}),
                ("SubscribeToTask", {"id": task_id}),
                (
                    "SendMessage",
                    {
                        "message": {
                            "messageId": "m-x",
                            "role": "ROLE_USER",
                            "taskId": task_id,
                            "parts": [{"text": "hello again"}],
                        }
                    },
                ),
            ]:
                r = await blue.post(
                    f"{url}/a2a/echo", json=call(1, method, params), headers={"a2a-version": "1.0"}
                )
                text = r.text
                assert '"code":-32001' in text.replace(" ", ""), (method, text)
                assert "hello red" not in text
            # ListTasks: each tenant sees its own tasks only.
            listed = await c_red2.list_tasks(ListTasksRequest())
            assert [t.id for t in listed.tasks] == [task_id]
            for other in (c_blue, c_solo):
                assert list((await other.list_tasks(ListTasksRequest())).tasks) == []
            blue_events = [ev async for ev in c_blue.send_message(message("hello blue"))]
            blue_listed = await c_blue.list_tasks(ListTasksRequest())
            assert [t.id for t in blue_listed.tasks] == [blue_events[0].task.id]


async def test_mcp_sessions_belong_to_the_creating_team(agent_url: str) -> None:
    async with app_from_yaml(agent_url) as url:
        init = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {}},
        }
        accept = {"accept": "application/json, text/event-stream"}
        async with httpx.AsyncClient(base_url=url, headers=accept, timeout=10) as http:
            r = await http.post("/mcp", json=init, headers=bearer(RED1))
            sid = r.headers["mcp-session-id"]
            ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
            for key, status in [(RED2, 200), (BLUE, 404), (SOLO, 404), (RED1, 200)]:
                headers = {**bearer(key), "mcp-session-id": sid}
                r = await http.post("/mcp", json=ping, headers=headers)
                assert r.status_code == status, key
            r = await http.delete("/mcp", headers={**bearer(BLUE), "mcp-session-id": sid})
            assert r.status_code == 404  # nor can another team end it
        # The official client with the blue key works in its own session.
        async with httpx2.AsyncClient(headers=bearer(BLUE), timeout=10) as h2:
            transport = streamable_http_client(url + "/mcp", http_client=h2)
            async with Client(transport) as client:
                with trio.fail_after(10):
                    while not (await client.list_tools(cache_mode="refresh")).tools:
                        await trio.sleep(0.05)  # beta connects in the background
                result = await client.call_tool("beta__add", {"a": 1, "b": 2})
                assert result.structured_content == {"result": 1003}
