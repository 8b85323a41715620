"""Runtime model edits and reloads reach every gateway process on one real Redis."""

from __future__ import annotations

from typing import Any

import trio

from tests.compat.stack import AUTH, litellm_stack


def config(redis_url: str) -> dict[str, Any]:
    return {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/chat", "api_base": "{up0}", "api_key": "k"},
            }
        ],
        "routeiq": {"state": {"backend": "redis", "redis_url": redis_url, "key_prefix": "cm:"}},
    }


async def until(fn: Any) -> None:
    with trio.fail_after(10):
        while not fn():
            await trio.sleep(0.01)


async def test_edits_on_one_process_reach_the_others(redis_url: str) -> None:
    async with litellm_stack(config(redis_url)) as a, litellm_stack(config(redis_url)) as b:
        new = {
            "model_name": "added",
            "litellm_params": {"model": "openai/x", "api_base": a.bases[0], "api_key": "k"},
            "model_info": {"id": "rt-1"},
        }
        r = await a.client.post(f"{a.url}/model/new", headers=AUTH, json=new)
        assert r.status_code == 200, r.text
        await until(lambda: b.gw.shared_models.applied >= 1)
        assert (await b.chat("added")).status_code == 200
        # a process started later takes the stored edits at start-up
        async with litellm_stack(config(redis_url)) as c:
            assert (await c.chat("added")).status_code == 200
            # an edit on B is seen by A and C; B first took in A's edit
            r = await b.client.post(f"{b.url}/model/delete", headers=AUTH, json={"id": "rt-1"})
            assert r.status_code == 200, r.text
            await until(lambda: a.gw.shared_models.applied >= 1)
            await until(lambda: c.gw.shared_models.applied >= 1)
            for s in (a, b, c):
                assert (await s.chat("added")).status_code == 404
                assert (await s.chat("chat")).status_code == 200
