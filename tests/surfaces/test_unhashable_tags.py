"""A ``type`` or ``role`` that is not a string (a list is not even hashable) is a 400
naming the field, never a ``TypeError`` (found by the Responses fuzz test:
``{"input": [{"role": []}]}`` answered 500)."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.errors import BadRequest
from routeiq.surfaces import anthropic_request as aq
from routeiq.surfaces import responses_request as rq

ODD: list[Any] = [[], {}, ["user"], 5, True]


@pytest.mark.parametrize("odd", ODD)
def test_responses_role_and_types(odd: Any) -> None:
    cases = [
        [{"role": odd, "content": "hi"}],
        [{"type": odd, "role": "user", "content": "hi"}],
        [{"role": "user", "content": [{"type": odd, "text": "hi"}]}],
    ]
    for items in cases:
        with pytest.raises(BadRequest) as got:
            rq.to_chat({"model": "m", "input": items}, [])
        assert got.value.param is not None and got.value.param.startswith("input[0]")
    with pytest.raises(BadRequest):
        rq.to_chat({"model": "m", "input": "hi", "text": {"format": {"type": odd}}}, [])
    # the twin with proper strings still translates
    ok = rq.to_chat({"model": "m", "input": [{"role": "user", "content": "hi"}]}, [])
    assert ok["messages"] == [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("odd", ODD)
def test_anthropic_role_and_types(odd: Any) -> None:
    base: dict[str, Any] = {"model": "m", "max_tokens": 8}
    cases = [
        {**base, "messages": [{"role": odd, "content": "hi"}]},
        {**base, "messages": [{"role": "user", "content": [{"type": odd, "text": "hi"}]}]},
        {**base, "messages": [{"role": "assistant", "content": [{"type": odd}]}]},
        {
            **base,
            "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": odd}}]}],
        },
        {**base, "messages": [{"role": "user", "content": "hi"}], "tool_choice": {"type": odd}},
    ]
    for body in cases:
        with pytest.raises(BadRequest):
            aq.to_chat(body)
    ok = aq.to_chat({**base, "messages": [{"role": "user", "content": "hi"}]})
    assert ok["messages"][-1]["role"] == "user"
