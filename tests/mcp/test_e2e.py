"""End to end with the official mcp client, through the gateway, to two mcp-SDK servers."""

from __future__ import annotations

import pytest
import trio
from mcp.shared.exceptions import MCPError

from tests.mcp.conftest import mcp_stack
from tests.mcp.servers import CANCELLED, MANY

ALPHA_TOOLS = {"add", "echo", "slow", "sleepy", "fail", "refuse", "grow"} | {
    f"n{i:02d}" for i in range(MANY)
}


async def test_list_tools_paginated_and_namespaced() -> None:
    async with mcp_stack(page_size=10) as stack, stack.client() as client:
        assert client.server_info is not None
        assert client.server_info.name == "routeiq-mcp-gateway"
        names: list[str] = []
        sizes: list[int] = []
        cursor = None
        while True:
            page = await client.list_tools(cursor=cursor)
            sizes.append(len(page.tools))
            names += [t.name for t in page.tools]
            cursor = page.next_cursor
            if cursor is None:
                break
        expected = {f"alpha__{n}" for n in ALPHA_TOOLS} | {"beta__add"}
        assert sorted(names) == sorted(expected)
        assert sizes == [10, 10, 10, 8]


async def test_calls_are_routed_to_the_owning_server() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        await client.list_tools()
        a = await client.call_tool("alpha__add", {"a": 2, "b": 3})
        b = await client.call_tool("beta__add", {"a": 2, "b": 3})
        assert (a.is_error, a.structured_content) == (False, {"result": 5})
        assert (b.is_error, b.structured_content) == (False, {"result": 1005})
        assert [c.text for c in a.content] == ["5"]  # type: ignore[union-attr]


async def test_arguments_checked_against_schema_before_the_call() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        result = await client.call_tool("alpha__add", {"a": "two"})
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert text.startswith("Invalid arguments for tool alpha__add: ")
        assert "(arguments): 'b' is a required property" in text
        assert "a: 'two' is not of type 'integer'" in text


async def test_upstream_errors_are_tool_errors() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        result = await client.call_tool("alpha__fail", {"reason": "nope"})
        assert result.is_error
        assert result.content[0].text == "Error executing tool fail: boom: nope"  # type: ignore[union-attr]
        refused = await client.call_tool("alpha__refuse", {})
        assert refused.is_error
        assert refused.content[0].text == (  # type: ignore[union-attr]
            "MCP server 'alpha' returned an error: not today (code -32000)"
        )
        with pytest.raises(MCPError) as info:
            await client.call_tool("alpha__missing", {})
        assert info.value.code == -32602
        assert info.value.message == "Unknown tool: alpha__missing"


async def test_call_deadline() -> None:
    async with mcp_stack(alpha={"call_timeout": 0.3}) as stack, stack.client() as client:
        t0 = trio.current_time()
        result = await client.call_tool("alpha__slow", {"seconds": 5})
        assert trio.current_time() - t0 < 2.0
        assert result.is_error
        assert result.content[0].text == "MCP server 'alpha' did not answer within 0.3 s"  # type: ignore[union-attr]
        ok = await client.call_tool("alpha__slow", {"seconds": 0.01})
        assert ok.is_error is False


async def test_disabled_tools_and_servers() -> None:
    async with mcp_stack(alpha={"disabled_tools": {"echo"}}, beta={"enabled": False}) as stack:
        async with stack.client() as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert "alpha__echo" not in names
            assert "alpha__add" in names
            assert not any(n.startswith("beta__") for n in names)
            for tool in ("alpha__echo", "beta__add"):
                with pytest.raises(MCPError) as info:
                    await client.call_tool(tool, {"text": "x", "a": 1, "b": 2})
                assert info.value.message == f"Tool {tool} is disabled on this gateway"


async def test_prompts_and_resources() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        prompts = await client.list_prompts()
        assert [p.name for p in prompts.prompts] == ["beta__greet"]
        got = await client.get_prompt("beta__greet", {"name": "Ada"})
        assert got.messages[0].content.text == "Say hello to Ada."  # type: ignore[union-attr]
        resources = await client.list_resources()
        assert [str(r.uri) for r in resources.resources] == ["note://hello"]
        read = await client.read_resource("note://hello")
        assert read.contents[0].text == "hello from beta"  # type: ignore[union-attr]


async def test_resource_templates_listed_and_read_through_the_gateway() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        listed = await client.list_resource_templates()
        assert [t.uri_template for t in listed.resource_templates] == ["note://alpha/items/{item}"]
        read = await client.read_resource("note://alpha/items/42")
        assert read.contents[0].text == "item 42 of alpha"  # type: ignore[union-attr]
        with pytest.raises(MCPError) as info:
            await client.read_resource("note://alpha/other/42")
        assert info.value.message == "Unknown resource: note://alpha/other/42"


async def test_list_changed_rebuilds_catalog_and_stale_cursor_is_refused() -> None:
    async with mcp_stack(page_size=10) as stack, stack.client() as client:
        catalog = stack.gateway.registry.catalog
        first = await client.list_tools()
        assert first.next_cursor is not None
        version = catalog.version
        grown = await client.call_tool("alpha__grow", {"name": "fresh"})
        assert grown.is_error is False
        with trio.fail_after(5):
            while catalog.version == version:
                await trio.sleep(0.01)
        assert catalog.version == version + 1
        with pytest.raises(MCPError) as info:
            await client.list_tools(cursor=first.next_cursor, cache_mode="refresh")
        assert info.value.code == -32602
        assert info.value.data == {"reason": "stale_cursor", "catalogVersion": version + 1}
        assert "list again without a cursor" in info.value.message
        result = await client.call_tool("alpha__fresh", {})
        assert result.content[0].text == "I am fresh"  # type: ignore[union-attr]


async def test_catalog_version_stable_across_calls() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        version = stack.gateway.registry.catalog.version
        for _ in range(3):
            await client.call_tool("alpha__echo", {"text": "hi"})
            await client.list_tools(cache_mode="refresh")
        assert stack.gateway.registry.catalog.version == version


async def test_client_disconnect_cancels_the_upstream_tool() -> None:
    async with mcp_stack() as stack, stack.http() as http:
        init = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {}},
        }
        headers = {"accept": "application/json, text/event-stream"}
        r = await http.post("/mcp", json=init, headers=headers)
        headers["mcp-session-id"] = r.headers["mcp-session-id"]
        call = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "alpha__sleepy", "arguments": {"tag": "gone"}},
        }
        with trio.move_on_after(0.5):  # the client gives up and closes its connection
            await http.post("/mcp", json=call, headers=headers)
        t0 = trio.current_time()
        with trio.fail_after(5):
            while "gone" not in CANCELLED:
                await trio.sleep(0.01)
        assert trio.current_time() - t0 < 4.0  # cancelled, not run to its end
