"""The chat path's deadline and retries, end to end on a fake upstream network.

The whole gateway (middleware, stages, router, exchange) runs in-process with
``routeiq.testing.ScriptedUpstream`` as its network, on trio's virtual clock:
each time below is exact. Two deployments of one group, ``cost-based`` routing
so the cheaper ``a`` is always tried first; ``a`` has its own 3 s timeout, ``b``
10 s, so the request's one deadline is 10 s (the group's longest).
"""

from __future__ import annotations

from typing import Any

import orjson
import trio
import trio.testing

from routeiq.testing import CHAT, HANG, Reply, ScriptedUpstream, completion, in_process


def document() -> dict[str, Any]:
    def dep(name: str, cost: float, timeout: float) -> dict[str, Any]:
        return {
            "model_name": "gpt-test",
            "litellm_params": {
                "model": "openai/gpt-test",
                "api_base": f"http://{name}.upstream.test/v1",
                "api_key": "k",
                "timeout": timeout,
                "input_cost_per_token": cost,
                "output_cost_per_token": cost,
            },
            "model_info": {"id": f"dep-{name}"},
        }

    return {
        "model_list": [dep("a", 1e-6, 3.0), dep("b", 2e-6, 10.0)],
        "router_settings": {"routing_strategy": "cost-based-routing", "num_retries": 2},
    }


A, B = "a.upstream.test", "b.upstream.test"


async def test_a_hung_attempt_times_out_at_its_own_timeout_then_the_next_answers(
    autojump_clock: trio.testing.MockClock,
) -> None:
    up = ScriptedUpstream({A: [HANG], B: [Reply(0.25, body=completion("from b"))]})
    async with in_process(document(), up) as gw:
        t0 = trio.current_time()
        answer = await gw.call("/v1/chat/completions", CHAT)
    assert answer.status == 200
    assert answer.json()["choices"][0]["message"]["content"] == "from b"
    assert [(t - t0, host) for t, host in up.calls] == [(0.0, A), (3.0, B)]
    assert [(t - t0, host) for t, host in up.cancelled] == [(3.0, A)]  # closed at once
    assert answer.ended_at - t0 == 3.25
    assert answer.headers[b"x-routeiq-attempts"] == b"2"
    assert answer.headers[b"x-routeiq-deployment"] == b"dep-b"


async def test_the_request_deadline_bounds_every_attempt_and_is_a_504(
    autojump_clock: trio.testing.MockClock,
) -> None:
    up = ScriptedUpstream({A: [HANG], B: [HANG]})
    async with in_process(document(), up) as gw:
        t0 = trio.current_time()
        answer = await gw.call("/v1/chat/completions", CHAT)
    assert answer.status == 504
    # a: its own 3 s; b: what is left of the request's 10 s, not its own 10 s.
    assert [(t - t0, host) for t, host in up.calls] == [(0.0, A), (3.0, B)]
    assert answer.ended_at - t0 == 10.0
    err = answer.json()["error"]
    assert "10 s" in err["message"] and "2 attempts" in err["message"]


async def test_a_retryable_status_is_retried_on_the_other_deployment_at_once(
    autojump_clock: trio.testing.MockClock,
) -> None:
    busy = Reply(0.5, status=503, body={"error": {"message": "overloaded"}})
    up = ScriptedUpstream({A: [busy], B: [Reply(1.0)]})
    async with in_process(document(), up) as gw:
        t0 = trio.current_time()
        answer = await gw.call("/v1/chat/completions", CHAT)
    assert answer.status == 200
    assert [(t - t0, host) for t, host in up.calls] == [(0.0, A), (0.5, B)]
    assert answer.ended_at - t0 == 1.5


def chunk(text: str) -> bytes:
    event = {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return b"data: " + orjson.dumps(event) + b"\n\n"


async def test_a_stream_that_broke_after_its_first_bytes_is_never_retried(
    autojump_clock: trio.testing.MockClock,
) -> None:
    broken = Reply(0.1, events=((0.2, chunk("Hel")), (0.5, chunk("lo"))), then_break=True)
    up = ScriptedUpstream({A: [broken], B: [Reply(0.1)]})
    async with in_process(document(), up) as gw:
        t0 = trio.current_time()
        answer = await gw.call("/v1/chat/completions", {**CHAT, "stream": True})
    assert answer.status == 200  # the headers went out with the first event
    assert [(t - t0, host) for t, host in up.calls] == [(0.0, A)]  # b was never called
    assert answer.started_at - t0 == 0.1
    assert answer.ended_at - t0 == 0.8  # 0.1 + 0.2 + 0.5, then the drop
    events = [e for e in answer.body.split(b"\n\n") if e]
    assert events[:2] == [chunk("Hel").strip(), chunk("lo").strip()]
    error = orjson.loads(events[-1].removeprefix(b"data: "))["error"]
    assert error["message"] == "The upstream closed the connection unexpectedly"
    # The breaker counted it against a (a 502 after the start), not as a retry.
    assert gw.gw.router.breakers.breakers["dep-a"].window_counts(trio.current_time()) == (0, 1)
