"""LiteLLM's ``mock_response`` answer, built with plain calls."""

from __future__ import annotations

import pytest

from routeiq.compat.mock_response import mock_completion
from routeiq.errors import BadRequest, RateLimited, RouteIQError, ServerError


def test_text_becomes_n_assistant_choices_with_litellm_usage() -> None:
    body = mock_completion({"mock_response": "hi", "n": 2}, "gpt-4o", "rid", 1700)
    assert body["object"] == "chat.completion"
    assert body["model"] == "gpt-4o" and body["created"] == 1700
    assert [c["message"] for c in body["choices"]] == [{"role": "assistant", "content": "hi"}] * 2
    assert [c["index"] for c in body["choices"]] == [0, 1]
    assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
    assert mock_completion({"mock_response": ""}, "m", "r", 0)["choices"][0]["message"] == {
        "role": "assistant",
        "content": "",
    }


@pytest.mark.parametrize(
    ("text", "error", "status"),
    [
        ("litellm.RateLimitError", RateLimited, 429),
        ("litellm.ContextWindowExceededError", BadRequest, 400),
        ("litellm.InternalServerError", ServerError, 500),
    ],
)
def test_litellm_error_strings_raise_their_error(
    text: str, error: type[RouteIQError], status: int
) -> None:
    with pytest.raises(error) as info:
        mock_completion({"mock_response": text}, "m", "r", 0)
    assert info.value.status == status


@pytest.mark.parametrize("value", [None, 3, {"a": 1}, ["x"]])
def test_a_value_that_is_no_string_is_a_400_naming_the_field(value: object) -> None:
    with pytest.raises(BadRequest) as info:
        mock_completion({"mock_response": value}, "m", "r", 0)
    assert info.value.param == "mock_response"


def test_too_many_choices_is_a_400() -> None:
    with pytest.raises(BadRequest) as info:
        mock_completion({"mock_response": "x", "n": 129}, "m", "r", 0)
    assert info.value.param == "n"
