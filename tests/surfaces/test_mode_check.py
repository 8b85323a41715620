"""``model_info.mode`` on the hot endpoints, over real sockets: chat to an
embedding-only group and embeddings to a chat-only group are 400s naming the
group and mode (OpenAI's shape on /v1, Anthropic's on /v1/messages), and never
reach the upstream; undeclared groups serve both."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import running_stack


def declare(data: dict[str, Any]) -> None:
    models = data["model_list"]
    models[0]["model_info"]["mode"] = "chat"  # gpt-test
    models[1]["model_info"]["mode"] = "embedding"  # embed-test
    models.append(
        {
            "model_name": "plain",
            "litellm_params": {**models[0]["litellm_params"]},
            "model_info": {"id": "dep-plain"},
        }
    )


async def test_chat_and_embeddings_refused_by_mode() -> None:
    async with running_stack(edit=declare) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            msg = [{"role": "user", "content": "hi"}]
            r = await c.post("/v1/chat/completions", json={"model": "embed-test", "messages": msg})
            assert r.status_code == 400, r.text
            err = r.json()["error"]
            assert err["code"] == "unsupported_mode" and err["param"] == "model"
            assert "'embed-test'" in err["message"] and "mode 'chat'" in err["message"]
            r = await c.post("/v1/embeddings", json={"model": "gpt-test", "input": "x"})
            assert r.status_code == 400
            assert "'gpt-test' does not serve mode 'embedding'" in r.json()["error"]["message"]
            r = await c.post(
                "/v1/messages",
                json={"model": "embed-test", "max_tokens": 5, "messages": msg},
            )
            assert r.status_code == 400
            assert r.json()["type"] == "error"  # Anthropic's shape on its surface
            assert "mode 'chat'" in r.json()["error"]["message"]
            assert s.mock.stats.requests == 0
            # the declared modes and the undeclared group are served
            ok = [
                await c.post("/v1/chat/completions", json={"model": "gpt-test", "messages": msg}),
                await c.post("/v1/embeddings", json={"model": "embed-test", "input": "x"}),
                await c.post("/v1/chat/completions", json={"model": "plain", "messages": msg}),
                await c.post("/v1/embeddings", json={"model": "plain", "input": "x"}),
            ]
            assert [r.status_code for r in ok] == [200] * 4
