"""Through the whole gateway app (create_app: request id, auth, backpressure, Quart for
the rest): the official a2a-sdk and mcp clients against the sample agent and servers."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import trio
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import GetTaskRequest, TaskState
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from routeiq.a2a import A2ASettings, AgentSpec
from routeiq.config import Config, load_config
from routeiq.mcp import MCPServerSpec, MCPSettings
from routeiq.testing import serve_gateway
from tests.a2a.conftest import LOCAL
from tests.a2a.test_e2e import message, state_of
from tests.conftest import MASTER_KEY, config_dict
from tests.mcp.servers import make_alpha, make_beta, serve_mcp

AUTH = {"authorization": f"Bearer {MASTER_KEY}"}


def with_protocols(config: Config, **sections: Any) -> Config:
    # Until routeiq.a2a / routeiq.mcp / routeiq.ssrf are config sections, attach the
    # settings objects the way a loaded config will carry them.
    return dataclasses.replace(config, routeiq=config.routeiq.model_copy(update=sections))


@asynccontextmanager
async def gateway_app(**sections: Any) -> AsyncIterator[str]:
    config = with_protocols(load_config(config_dict("http://127.0.0.1:9/v1")), **sections)
    async with serve_config(config) as url:
        yield url


@asynccontextmanager
async def serve_config(config: Config) -> AsyncIterator[str]:
    """The whole app built from ``config``, served on 127.0.0.1 port 0."""
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, config)
        try:
            yield url
        finally:
            nursery.cancel_scope.cancel()


async def test_a2a_and_mcp_through_the_whole_app(agent_url: str) -> None:
    async with serve_mcp(make_alpha()) as alpha, serve_mcp(make_beta()) as beta:
        servers = [
            MCPServerSpec(name="alpha", url=alpha.url),
            MCPServerSpec(name="beta", url=beta.url),
        ]
        a2a = A2ASettings(agents=[AgentSpec(name="echo", url=agent_url + "/")])
        async with gateway_app(ssrf=LOCAL, a2a=a2a, mcp=MCPSettings(servers=servers)) as url:
            async with httpx.AsyncClient(headers=AUTH) as http:
                # Auth applies to the protocol routes like to every other route.
                r = await http.get(
                    url + "/.well-known/agent-card.json", headers={"authorization": ""}
                )
                assert r.status_code == 401
                client = await create_client(
                    f"{url}/a2a/echo", ClientConfig(httpx_client=http, streaming=True)
                )
                states = [state_of(ev) async for ev in client.send_message(message("hello app"))]
                assert states[-1] == TaskState.TASK_STATE_COMPLETED
                r = await http.get(url + "/routeiq/info")  # Quart still serves the rest
                assert r.status_code == 200

            async with httpx2.AsyncClient(headers=AUTH) as h2:
                transport = streamable_http_client(url + "/mcp", http_client=h2)
                async with Client(transport) as mcp_client:
                    with trio.fail_after(10):
                        while True:
                            tools = await mcp_client.list_tools(cache_mode="refresh")
                            if len(tools.tools) == 38:  # alpha 37 + beta 1
                                break
                            await trio.sleep(0.05)  # servers connect in the background
                    result = await mcp_client.call_tool("beta__add", {"a": 1, "b": 1})
                    assert result.structured_content == {"result": 1002}


async def test_task_get_through_create_app_v03_and_current(agent_url: str) -> None:
    a2a = A2ASettings(agents=[AgentSpec(name="echo", url=agent_url + "/")])
    async with gateway_app(ssrf=LOCAL, a2a=a2a) as url, httpx.AsyncClient(headers=AUTH) as http:
        client = await create_client(
            f"{url}/a2a/echo", ClientConfig(httpx_client=http, streaming=False)
        )
        events = [ev async for ev in client.send_message(message("hello again"))]
        task = await client.get_task(GetTaskRequest(id=events[0].task.id))
        assert task.status.state == TaskState.TASK_STATE_COMPLETED
