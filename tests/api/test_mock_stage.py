"""``mock_response`` on the real chat path: answered without calling a deployment."""

from __future__ import annotations

import orjson

from tests.compat.stack import litellm_stack

CONFIG = {
    "model_list": [
        {
            "model_name": "gpt-4o",
            "litellm_params": {"model": "openai/gpt-4o", "api_base": "{up0}", "api_key": "k"},
            "model_info": {"id": "dep-1"},
        }
    ]
}


async def test_mock_response_is_answered_without_the_upstream() -> None:
    async with litellm_stack(CONFIG) as s:
        r = await s.chat("gpt-4o", mock_response="Hi from mock", n=2)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [c["message"]["content"] for c in body["choices"]] == ["Hi from mock"] * 2
        assert body["usage"]["total_tokens"] == 30
        assert s.mocks[0].stats.requests == 0  # no deployment was called
        r = await s.chat("gpt-4o", mock_response="streamed", stream=True)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [ln[6:] for ln in r.text.split("\n") if ln.startswith("data: ")]
        assert events[-1] == "[DONE]"
        text = "".join(
            c["delta"].get("content") or "" for e in events[:-1] for c in orjson.loads(e)["choices"]
        )
        assert text == "streamed"
        r = await s.chat("gpt-4o", mock_response="litellm.RateLimitError")
        assert r.status_code == 429 and r.json()["error"]["type"] == "rate_limit_error"
        r = await s.chat("gpt-4o", mock_response=7)
        assert r.status_code == 400 and r.json()["error"]["param"] == "mock_response"
        assert s.mocks[0].stats.requests == 0
        # an unknown model is still a 404: the model is checked before any answer
        r = await s.chat("nope", mock_response="x")
        assert r.status_code == 404
        r = await s.chat("gpt-4o")  # without the field: the upstream answers
        assert r.status_code == 200 and s.mocks[0].stats.requests == 1
