"""Agent card discovery the way both official SDKs do it.

- a2a-sdk (Python): ``create_client(<gateway root>)`` reads
  ``/.well-known/agent-card.json`` and needs an interface in it.
- ``@a2a-js/sdk``: ``createFromUrl("<gw>/a2a/echo")`` resolves the relative
  path ``.well-known/agent-card.json`` against the URL, i.e. it fetches
  ``/a2a/.well-known/agent-card.json`` (no trailing slash) or
  ``/a2a/echo/.well-known/agent-card.json`` (with one). Both must lead to the agent.

The JS test installs ``@a2a-js/sdk`` from npm into a temporary directory when
Node and npm are on the machine; the path test covers the same URLs without them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
import trio
from a2a.client import ClientConfig, create_client
from a2a.types.a2a_pb2 import GetTaskRequest, TaskState

from routeiq.a2a.settings import AgentSpec
from tests.a2a.conftest import AUTH, MASTER, a2a_stack
from tests.a2a.test_e2e import call, message, state_of

JS_SDK = "@a2a-js/sdk@1.3.0"


async def test_python_client_from_the_gateway_root(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, httpx.AsyncClient(headers=AUTH) as http:
        client = await create_client(stack.url, ClientConfig(httpx_client=http, streaming=True))
        states = [state_of(ev) async for ev in client.send_message(message("hello root"))]
        assert states[-1] == TaskState.TASK_STATE_COMPLETED
        # Task methods on the gateway's endpoint go to the task's agent.
        events = [ev async for ev in client.send_message(message("hello again"))]
        task_id = next(ev.task.id for ev in events if ev.HasField("task"))
        task = await client.get_task(GetTaskRequest(id=task_id))
        assert task.status.message.parts[0].text == "echo: hello again"


async def test_card_paths_both_sdks_request(agent_url: str) -> None:
    async with a2a_stack(agent_url) as stack, stack.http() as http:
        root = (await http.get("/.well-known/agent-card.json")).json()
        assert root["supportedInterfaces"][0]["url"] == f"{stack.url}/a2a"
        assert {i["protocolVersion"] for i in root["supportedInterfaces"]} == {"1.0", "0.3"}
        # Where @a2a-js/sdk looks for "<gw>/a2a/echo" (no trailing slash):
        r = await http.get("/a2a/.well-known/agent-card.json")
        assert r.status_code == 200 and r.json() == root
        # ... and for "<gw>/a2a/echo/":
        agent = (await http.get("/a2a/echo/.well-known/agent-card.json")).json()
        assert agent["supportedInterfaces"][0]["url"] == f"{stack.url}/a2a/echo"
        # The gateway's interface routes a message to the only agent.
        msg = {"messageId": "m1", "role": "ROLE_USER", "parts": [{"text": "hello router"}]}
        r = await http.post(
            "/a2a", json=call(1, "SendMessage", {"message": msg}), headers={"a2a-version": "1.0"}
        )
        task = r.json()["result"]["task"]
        assert task["status"]["message"]["parts"][0]["text"] == "echo: hello router"
        r = await http.post("/a2a/.well-known/agent-card.json", json={})
        assert r.status_code == 404


async def test_several_agents_need_a_name_or_a_default(agent_url: str) -> None:
    second = AgentSpec(name="other", url=agent_url + "/")
    async with a2a_stack(agent_url) as stack, stack.http() as http:
        await stack.gateway.admin_add(second)
        msg = {"messageId": "m2", "role": "ROLE_USER", "parts": [{"text": "hello who"}]}
        body = call(1, "SendMessage", {"message": msg})
        r = await http.post("/a2a", json=body, headers={"a2a-version": "1.0"})
        err = r.json()["error"]
        assert err["code"] == -32602
        assert "agents: echo, other" in err["message"]
        named = {**msg, "metadata": {"agent": "other"}}
        r = await http.post(
            "/a2a", json=call(2, "SendMessage", {"message": named}), headers={"a2a-version": "1.0"}
        )
        task_id = r.json()["result"]["task"]["id"]
        record = await stack.gateway.tasks.get(task_id)
        assert record is not None and record.agent == "other"


@pytest.fixture(scope="session")
def js_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node/npm not installed: test_card_paths_both_sdks_request covers the paths")
    where = tmp_path_factory.mktemp("a2a-js")
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", JS_SDK],
        cwd=where,
        check=True,
        timeout=300,
    )
    script = where / "discover.mjs"
    script.write_text((Path(__file__).parent / "js" / "discover.mjs").read_text())
    return script


@pytest.mark.parametrize("suffix", ["/a2a/echo", "/a2a/echo/", ""])
async def test_js_sdk_create_from_url(agent_url: str, js_sdk: Path, suffix: str) -> None:
    async with a2a_stack(agent_url) as stack:
        url = stack.url + suffix
        done = await trio.run_process(
            ["node", str(js_sdk), url, MASTER], capture_stdout=True, check=False
        )
        assert done.returncode == 0, done.stdout
        out = json.loads(done.stdout.decode().strip().splitlines()[-1])
        card_url = {
            "/a2a/echo": f"{stack.url}/a2a/.well-known/agent-card.json",
            "/a2a/echo/": f"{stack.url}/a2a/echo/.well-known/agent-card.json",
            "": f"{stack.url}/.well-known/agent-card.json",
        }[suffix]
        assert out["fetched"][0] == card_url
        assert "echo: hello from js" in json.dumps(out["result"])
