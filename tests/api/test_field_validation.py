"""Item 8: every OpenAI field the gateway knows is type- and range-checked; unknown ones pass."""

from __future__ import annotations

import copy

import httpx
import pytest

from routeiq.api.validate import Limits, validate_chat, validate_embeddings
from routeiq.errors import BadRequest
from tests.conftest import CHAT, running_stack

LIM = Limits()
BIG = 9223372036854775807

BAD_CHAT = [
    ("tools", "x"),
    ("tools", [{"function": {}}]),
    ("tool_choice", 5),
    ("tool_choice", "sometimes"),
    ("user", 5),
    ("user", "u" * 257),
    ("seed", "x"),
    ("seed", 2**63),
    ("seed", 1.5),
    ("n", BIG),
    ("n", 0),
    ("max_tokens", BIG),
    ("max_completion_tokens", -1),
    ("logprobs", "yes"),
    ("top_logprobs", 21),
    ("parallel_tool_calls", 1),
    ("functions", ["f"]),
    ("function_call", 3),
    ("response_format", "json"),
    ("response_format", {}),
    ("logit_bias", {"50256": 101}),
    ("logit_bias", {"50256": "x"}),
    ("metadata", []),
    ("store", "no"),
    ("service_tier", 1),
    ("reasoning_effort", ["low"]),
    ("modalities", "text"),
    ("audio", "x"),
    ("prediction", 1),
    ("temperature", 2.5),
    ("top_p", -0.1),
    ("presence_penalty", True),
    ("stop", [1]),
    ("stream", 1),
]


def chat(**kw: object) -> dict[str, object]:
    return {**copy.deepcopy(CHAT), **kw}


@pytest.mark.parametrize(("name", "value"), BAD_CHAT)
def test_bad_chat_field_is_a_400_naming_it(name: str, value: object) -> None:
    with pytest.raises(BadRequest) as exc:
        validate_chat(chat(**{name: value}), LIM)
    assert exc.value.param == name
    assert exc.value.status == 400


@pytest.mark.parametrize(
    ("message", "param"),
    [
        ({"role": "assistant", "content": None, "tool_calls": "x"}, "messages[0].tool_calls"),
        ({"role": "tool", "content": "r", "tool_call_id": 7}, "messages[0].tool_call_id"),
        ({"role": "user", "content": "x", "name": ["n"]}, "messages[0].name"),
    ],
)
def test_bad_message_field_names_its_path(message: dict[str, object], param: str) -> None:
    with pytest.raises(BadRequest) as exc:
        validate_chat(chat(messages=[message]), LIM)
    assert exc.value.param == param


def test_good_and_unknown_fields_pass_unchanged() -> None:
    body = chat(
        tools=[{"type": "function", "function": {"name": "f"}}],
        tool_choice={"type": "function", "function": {"name": "f"}},
        user="u-1",
        seed=-(2**63),
        n=128,
        max_tokens=2**31 - 1,
        logit_bias={"50256": -100},
        response_format={"type": "json_object"},
        top_logprobs=0,
        stream_options=None,
        my_vendor_field={"anything": [1, "x", None]},
        another_unknown=BIG,
    )
    before = copy.deepcopy(body)
    assert validate_chat(body, LIM) == "gpt-test"
    assert body == before  # nothing rewritten, unknown fields kept


@pytest.mark.parametrize(
    ("name", "value"), [("encoding_format", "int8"), ("dimensions", 0), ("user", 5)]
)
def test_bad_embedding_field(name: str, value: object) -> None:
    with pytest.raises(BadRequest) as exc:
        validate_embeddings({"model": "e", "input": "x", name: value}, LIM)
    assert exc.value.param == name


async def test_bad_fields_never_reach_the_upstream() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        for name, value in [("tools", "x"), ("tool_choice", 5), ("user", 5), ("seed", "x")]:
            r = await c.post("/v1/chat/completions", json=chat(**{name: value}))
            assert r.status_code == 400, r.text
            assert r.json()["error"]["param"] == name
        # n beyond 64 bits: orjson reads it; the check refuses it before re-serialising
        raw = b'{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"n":%d}' % BIG
        r = await c.post(
            "/v1/chat/completions", content=raw, headers={"content-type": "application/json"}
        )
        assert r.status_code == 400 and r.json()["error"]["param"] == "n"
        assert s.mock.stats.requests == 0
        r = await c.post("/v1/chat/completions", json=chat(vendor_knob={"k": 1}, seed=7))
        assert r.status_code == 200
        assert s.mock.stats.requests == 1
