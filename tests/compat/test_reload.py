"""Change without restart: POST /config/reload, SIGHUP, runtime model edits; under load."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import httpx
import trio
import yaml

from routeiq.mock_upstream import MockSettings
from tests.compat.stack import AUTH, KEY, Stack, litellm_stack

USER_KEY = "sk-compat-user-key"


def group(name: str, up: int = 0, **info: Any) -> dict[str, Any]:
    return {
        "model_name": name,
        "litellm_params": {"model": f"openai/{name}", "api_base": f"{{up{up}}}", "api_key": "k"},
        "model_info": info,
    }


def write(s: Stack, path: Path, data: dict[str, Any]) -> None:
    doc = s.fill(data)
    doc.setdefault("general_settings", {})["master_key"] = KEY
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")


async def reload(s: Stack) -> httpx.Response:
    return await s.client.post(f"{s.url}/config/reload", headers=AUTH)


async def test_reload_applies_a_new_file_and_rejects_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    base = {
        "model_list": [group("chat")],
        "routeiq": {"auth": {"keys": [{"key": USER_KEY}]}},
    }
    async with litellm_stack(base, path=path) as s:
        assert (await s.chat("new")).status_code == 404
        write(s, path, {**base, "model_list": [group("chat"), group("new")]})
        r = await s.client.post(
            f"{s.url}/config/reload", headers={"authorization": f"Bearer {USER_KEY}"}
        )
        assert r.status_code == 403
        r = await reload(s)
        assert r.status_code == 200, r.text
        assert r.json()["generation"] == 1 and r.json()["models"] == 2
        assert (await s.chat("new")).status_code == 200
        assert s.mocks[0].stats.last().body["model"] == "new"
        metrics = (await s.client.get(f"{s.url}/metrics", headers=AUTH)).text
        # the request metrics label the new model by its name, not "unknown"
        assert (
            'routeiq_requests_total{route="/v1/chat/completions",model="new",status="200"} 1'
            in metrics
        )
        # An invalid file: rejected with its errors, the old config stays.
        write(s, path, {**base, "model_list": [group("chat")], "router_settings": {"num_retry": 1}})
        r = await reload(s)
        assert r.status_code == 400
        msg = r.json()["error"]["message"]
        assert "router_settings.num_retry" in msg and "'num_retries'" in msg
        assert (await s.chat("new")).status_code == 200
        assert s.gw.reloader.generation == 1


async def test_sighup_reloads(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    async with litellm_stack({"model_list": [group("chat")]}, path=path) as s:
        write(s, path, {"model_list": [group("chat"), group("other")]})
        os.kill(os.getpid(), signal.SIGHUP)
        with trio.fail_after(10):
            while s.gw.reloader.generation == 0:
                await trio.sleep(0.01)
        assert (await s.chat("other")).status_code == 200


async def test_runtime_model_new_update_delete_info(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    async with litellm_stack({"model_list": [group("chat", id="file-dep")]}, 2, path=path) as s:
        url = s.url
        r = await s.client.post(
            f"{url}/model/new",
            headers=AUTH,
            json=s.fill(
                {
                    "model_name": "added",
                    "litellm_params": {"model": "openai/x", "api_base": "{up1}", "api_key": "k2"},
                    "model_info": {"id": "rt-1"},
                }
            ),
        )
        assert r.status_code == 200, r.text
        assert "api_key" not in r.json()["litellm_params"]
        assert (await s.chat("added")).status_code == 200
        assert s.mocks[1].stats.last().body["model"] == "x"
        # update: the model sent upstream changes
        r = await s.client.post(
            f"{url}/model/update",
            headers=AUTH,
            json={"model_info": {"id": "rt-1"}, "litellm_params": {"model": "openai/y"}},
        )
        assert r.status_code == 200, r.text
        assert (await s.chat("added")).status_code == 200
        assert s.mocks[1].stats.last().body["model"] == "y"
        info = (await s.client.get(f"{url}/model/info", headers=AUTH)).json()["data"]
        assert sorted(e["model_info"]["id"] for e in info) == ["file-dep", "rt-1"]
        assert all("api_key" not in e["litellm_params"] for e in info)
        # a reload of the file keeps the runtime model
        assert (await reload(s)).status_code == 200
        assert (await s.chat("added")).status_code == 200
        # delete a file deployment and the runtime one
        for dep_id in ("file-dep", "rt-1"):
            r = await s.client.post(f"{url}/model/delete", headers=AUTH, json={"id": dep_id})
            assert r.status_code == 200, r.text
        assert (await s.chat("chat")).status_code == 404
        assert (await s.chat("added")).status_code == 404
        r = await s.client.post(f"{url}/model/delete", headers=AUTH, json={"id": "nope"})
        assert r.status_code == 404
        r = await s.client.post(f"{url}/model/new", headers=AUTH, json={"model_name": "z"})
        assert r.status_code == 400
        r = await s.client.post(
            f"{url}/model/new",
            headers=AUTH,
            json={"model_name": "z", "litellm_params": {"model": "openai/z", "api_bse": "x"}},
        )
        assert r.status_code == 400 and "'api_base'" in r.json()["error"]["message"]


async def _read_stream(s: Stack, model: str) -> tuple[int, bool]:
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    async with s.client.stream(
        "POST", f"{s.url}/v1/chat/completions", json=body, headers=AUTH
    ) as r:
        text = b"".join([piece async for piece in r.aiter_raw()])
    return r.status_code, text.rstrip().endswith(b"data: [DONE]")


async def run_load(
    s: Stack, seconds: float, reloads: int, path: Path, data: dict[str, Any]
) -> dict[str, int]:
    """c=16 (half streaming) for ``seconds`` while the file is reloaded ``reloads`` times."""
    counts = {"ok": 0, "non_2xx": 0, "cut": 0, "reload_failed": 0}
    done = trio.Event()

    async def worker(i: int) -> None:
        while not done.is_set():
            if i % 2:
                status, complete = await _read_stream(s, "chat")
                counts[
                    "ok" if status == 200 and complete else "cut" if status == 200 else "non_2xx"
                ] += 1
            else:
                r = await s.chat("chat")
                counts["ok" if r.status_code == 200 else "non_2xx"] += 1

    async with trio.open_nursery() as nursery:
        for i in range(16):
            nursery.start_soon(worker, i)
        for k in range(reloads):
            await trio.sleep(seconds / reloads)
            retries = 1 + k % 3  # something changes each time
            write(s, path, {**data, "router_settings": {"num_retries": retries}})
            if (await reload(s)).status_code != 200:
                counts["reload_failed"] += 1
        done.set()
    return counts


async def test_reloads_under_load_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    data = {"model_list": [group("chat", 0), group("chat", 1)]}
    mock = [MockSettings(chunks=6, chunk_gap=0.01)] * 2
    async with litellm_stack(data, 2, mock=mock, path=path) as s:
        counts = await run_load(s, 3.0, 10, path, data)
        assert s.gw.reloader.generation == 10
    assert counts["non_2xx"] == 0 and counts["cut"] == 0 and counts["reload_failed"] == 0
    assert counts["ok"] > 16


async def test_a_removed_model_404s_while_its_streams_finish(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    data = {"model_list": [group("chat", 0), group("gone", 0)]}
    mock = [MockSettings(chunks=20, chunk_gap=0.05)]  # each stream takes ~1 s
    async with litellm_stack(data, mock=mock, path=path) as s:
        results: list[tuple[int, bool]] = []

        async def stream() -> None:
            results.append(await _read_stream(s, "gone"))

        async with trio.open_nursery() as nursery:
            for _ in range(4):
                nursery.start_soon(stream)
            with trio.fail_after(10):
                while s.mocks[0].stats.active < 4:
                    await trio.sleep(0.01)
            write(s, path, {"model_list": [group("chat", 0)]})
            assert (await reload(s)).status_code == 200
            r = await s.chat("gone")
            assert r.status_code == 404  # new requests: gone at once
            assert s.mocks[0].stats.active == 4  # while the old streams still run
        assert results == [(200, True)] * 4


async def test_runtime_models_survive_a_restart_in_the_key_database(tmp_path: Path) -> None:
    # The memory state backend forgets everything at a restart; the key database
    # (SQLite here, PostgreSQL with database_url) keeps the runtime edits.
    data = {
        "model_list": [group("chat", id="file-dep")],
        "routeiq": {"governance": {"data_dir": str(tmp_path / "data")}},
    }
    async with litellm_stack(data) as s:
        r = await s.client.post(
            f"{s.url}/model/new",
            headers=AUTH,
            json=s.fill(
                {
                    "model_name": "added",
                    "litellm_params": {"model": "openai/x", "api_base": "{up0}", "api_key": "k"},
                    "model_info": {"id": "rt-1"},
                }
            ),
        )
        assert r.status_code == 200, r.text
        r = await s.client.post(f"{s.url}/model/delete", headers=AUTH, json={"id": "file-dep"})
        assert r.status_code == 200, r.text
        first_upstream = s.bases[0]
    async with litellm_stack(data) as s:  # a new gateway on the same database
        info = (await s.client.get(f"{s.url}/model/info", headers=AUTH)).json()["data"]
        assert [e["model_info"]["id"] for e in info] == ["rt-1"]
        assert info[0]["litellm_params"]["api_base"] == first_upstream
        assert (await s.chat("chat")).status_code == 404  # the deletion is kept too
        # routed (its upstream was the first run's mock, gone now), not unknown
        r = await s.chat("added")
        assert r.status_code == 502, r.text
    async with litellm_stack({"model_list": [group("chat", id="file-dep")]}) as s:
        assert (await s.chat("added")).status_code == 404  # another database: not there
