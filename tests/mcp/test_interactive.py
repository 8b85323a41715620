"""What an upstream sends during a tools/call reaches the client that made it.

``gamma`` (an mcp-SDK server) reports progress and logs while a tool runs, asks
the client to sample and to elicit. Through the gateway, the official mcp client
gets: the progress notifications (with its own token) and log messages before
the result; the sampling/elicitation requests when it declared the capability
(its answers reach the tool), a clear error in the tool when it did not; a
``notifications/cancelled`` from the client reaches the upstream tool, and one
from the upstream withdraws its request at the client. Tool results pass the
gateway's ``tool_result_hook``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import mcp_types
import trio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import Context, MCPServer
from pydantic import BaseModel

from routeiq.mcp.gateway import MCPGateway
from tests.mcp.conftest import AUTH, mcp_document, served_mcp
from tests.mcp.servers import CANCELLED, STARTED, serve_mcp, sleep_recording


class Name(BaseModel):
    name: str


def make_gamma() -> MCPServer:
    srv = MCPServer("gamma")

    @srv.tool()
    async def work(steps: int, ctx: Context) -> str:
        """Report progress and log at every step."""
        for i in range(steps):
            await ctx.report_progress(i + 1, steps, f"step {i + 1}")
            await ctx.info(f"log {i + 1}")
            await trio.sleep(0.02)
        return "finished"

    @srv.tool()
    async def sample(prompt: str, ctx: Context) -> str:
        """Ask the client's model."""
        message = mcp_types.SamplingMessage(
            role="user", content=mcp_types.TextContent(type="text", text=prompt)
        )
        got = await ctx.session.create_message(
            [message], max_tokens=10, related_request_id=ctx.request_id
        )
        assert isinstance(got.content, mcp_types.TextContent)
        return f"sampled: {got.content.text}"

    @srv.tool()
    async def greet(ctx: Context) -> str:
        """Ask the user for a name (elicitation)."""
        got = await ctx.elicit("Your name?", schema=Name)
        return f"hello {got.data.name}" if got.action == "accept" else got.action

    @srv.tool()
    async def impatient(ctx: Context) -> str:
        """Ask the client's model, but give up after 0.3 s (withdrawing the request)."""
        message = mcp_types.SamplingMessage(
            role="user", content=mcp_types.TextContent(type="text", text="slow")
        )
        with trio.move_on_after(0.3):
            await ctx.session.create_message(
                [message], max_tokens=10, related_request_id=ctx.request_id
            )
            return "answered"
        return "gave up"

    @srv.tool()
    async def wait(tag: str) -> str:
        """Sleep for a minute; record the tag if cancelled first."""
        return await sleep_recording(tag)

    return srv


@asynccontextmanager
async def gateway_to_gamma() -> AsyncIterator[tuple[str, MCPGateway]]:
    async with serve_mcp(make_gamma()) as gamma:
        document = mcp_document([{"name": "gamma", "url": gamma.url}])
        async with served_mcp(document) as (url, gw):
            yield url + "/mcp", gw.mcp


@asynccontextmanager
async def client(url: str, **callbacks: Any) -> AsyncIterator[Client]:
    async with httpx2.AsyncClient(headers=AUTH, timeout=httpx2.Timeout(10, read=30)) as http:
        async with Client(streamable_http_client(url, http_client=http), **callbacks) as c:
            yield c


async def test_progress_and_logs_arrive_before_the_result() -> None:
    seen: list[str] = []

    async def on_log(params: mcp_types.LoggingMessageNotificationParams) -> None:
        seen.append(f"log:{params.data}")

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(f"progress:{progress:g}/{total:g}:{message}")

    async with gateway_to_gamma() as (url, gateway), client(url, logging_callback=on_log) as c:
        assert gateway.registry.servers["gamma"].link is not None  # the raw relay is used
        with trio.fail_after(10):
            result = await c.call_tool("gamma__work", {"steps": 3}, progress_callback=on_progress)
        seen.append(f"result:{result.content[0].text}")  # type: ignore[union-attr]
    assert seen == [
        "progress:1/3:step 1",
        "log:log 1",
        "progress:2/3:step 2",
        "log:log 2",
        "progress:3/3:step 3",
        "log:log 3",
        "result:finished",
    ]


async def test_sampling_request_reaches_a_client_that_declared_it() -> None:
    asked: list[str] = []

    async def sampling(ctx: Any, params: mcp_types.CreateMessageRequestParams) -> Any:
        text = params.messages[0].content.text  # type: ignore[union-attr]
        asked.append(text)
        return mcp_types.CreateMessageResult(
            role="assistant",
            content=mcp_types.TextContent(type="text", text=f"model says {text}"),
            model="client-model",
        )

    async with gateway_to_gamma() as (url, _), client(url, sampling_callback=sampling) as c:
        with trio.fail_after(10):
            result = await c.call_tool("gamma__sample", {"prompt": "hi"})
    assert asked == ["hi"]
    assert result.is_error is False
    assert result.content[0].text == "sampled: model says hi"  # type: ignore[union-attr]


async def test_sampling_refused_for_a_client_without_the_capability() -> None:
    async with gateway_to_gamma() as (url, _), client(url) as c:
        with trio.fail_after(10):
            result = await c.call_tool("gamma__sample", {"prompt": "hi"})
    assert result.is_error is True
    text = result.content[0].text  # type: ignore[union-attr]
    assert "The client did not declare the sampling capability" in text


async def test_client_cancellation_reaches_the_upstream_tool() -> None:
    async with gateway_to_gamma() as (url, _), client(url) as c:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(c.call_tool, "gamma__wait", {"tag": "cancelled-by-client"})
            with trio.fail_after(10):  # the call reached the upstream tool
                while "cancelled-by-client" not in STARTED:
                    await trio.sleep(0.01)
            nursery.cancel_scope.cancel()  # the SDK sends notifications/cancelled
        with trio.fail_after(10):
            while "cancelled-by-client" not in CANCELLED:
                await trio.sleep(0.01)


async def _withdrawn_call(accept: str, tag: str) -> httpx2.Response:
    """tools/call a slow tool over raw HTTP, withdraw it with notifications/cancelled,
    and return the call's own response."""
    init = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t"},
        },
    }
    headers = {**AUTH, "accept": "application/json, text/event-stream"}
    got: list[httpx2.Response] = []
    async with gateway_to_gamma() as (url, gateway), httpx2.AsyncClient(timeout=30) as http:
        r = await http.post(url, json=init, headers=headers)
        headers["mcp-session-id"] = r.headers["mcp-session-id"]
        call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call"}
        call["params"] = {"name": "gamma__wait", "arguments": {"tag": tag}}

        async def make_call() -> None:
            got.append(await http.post(url, json=call, headers={**headers, "accept": accept}))

        async with trio.open_nursery() as nursery:
            nursery.start_soon(make_call)
            with trio.fail_after(10):  # the call reached the upstream tool
                while tag not in STARTED:
                    await trio.sleep(0.01)
            note = {"jsonrpc": "2.0", "method": "notifications/cancelled"}
            note["params"] = {"requestId": 7, "reason": "changed my mind"}
            r = await http.post(url, json=note, headers=headers)
            assert r.status_code == 202
        with trio.fail_after(10):
            while tag not in CANCELLED:  # the upstream tool was cancelled too
                await trio.sleep(0.01)
        assert gateway.withdrawn == set()  # nothing is kept for a withdrawn request
    return got[0]


async def test_a_withdrawn_request_gets_no_response_on_an_event_stream() -> None:
    # MCP: the receiver of notifications/cancelled SHOULD NOT answer the request; an
    # event stream may end without a response (the SDK client then resolves it itself).
    r = await _withdrawn_call("application/json, text/event-stream", "withdrawn-sse")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert "data:" not in r.text


async def test_a_withdrawn_request_of_a_json_only_client_gets_an_error() -> None:
    r = await _withdrawn_call("application/json", "withdrawn-json")
    assert r.status_code == 200
    assert r.json() == {
        "jsonrpc": "2.0",
        "id": 7,
        "error": {"code": -32603, "message": "Request cancelled"},
    }


async def test_upstream_withdrawing_its_request_cancels_it_at_the_client() -> None:
    events: list[str] = []

    async def sampling(ctx: Any, params: mcp_types.CreateMessageRequestParams) -> Any:
        events.append("asked")
        try:
            await trio.sleep(30)
        finally:
            events.append("withdrawn")
        raise AssertionError("not reached")

    async with gateway_to_gamma() as (url, _), client(url, sampling_callback=sampling) as c:
        with trio.fail_after(10):
            result = await c.call_tool("gamma__impatient", {})
            assert result.content[0].text == "gave up"  # type: ignore[union-attr]
            while events != ["asked", "withdrawn"]:
                await trio.sleep(0.01)


async def test_elicitation_reaches_the_client_and_results_pass_the_hook() -> None:
    async def elicit(ctx: Any, params: Any) -> Any:
        assert params.message == "Your name?"
        return mcp_types.ElicitResult(action="accept", content={"name": "Ada"})

    seen: list[tuple[str, Any]] = []

    async def hook(tool: str, result: dict[str, Any]) -> dict[str, Any]:
        seen.append((tool, result["content"][0]["text"]))
        return {**result, "content": [{"type": "text", "text": "[checked] hello Ada"}]}

    async with gateway_to_gamma() as (url, gateway), client(url, elicitation_callback=elicit) as c:
        gateway.tool_result_hook = hook
        with trio.fail_after(10):
            result = await c.call_tool("gamma__greet", {})
    assert seen == [("gamma__greet", "hello Ada")]
    assert result.content[0].text == "[checked] hello Ada"  # type: ignore[union-attr]
