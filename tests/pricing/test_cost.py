"""Pricing one usage object, finding it in a body, formatting the header."""

from __future__ import annotations

import orjson
import pytest

from routeiq.pricing import ModelPrices, Pricer, Tier, cost_of, format_usd, usage_in_body

PRICES = ModelPrices(3e-6, 1.5e-5, 3e-7, 3.75e-6)
TIERED = ModelPrices(
    1e-6,
    2e-6,
    1e-7,
    1e-6,
    (Tier(128_000, 1.5e-6, 3e-6, 2e-7, 1.5e-6), Tier(200_000, 2e-6, 4e-6, 3e-7, 2e-6)),
)


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"prompt_tokens": 1000, "completion_tokens": 100}, 1000 * 3e-6 + 100 * 1.5e-5),
        ({"prompt_tokens": 1000}, 1000 * 3e-6),
        ({"completion_tokens": 10}, 10 * 1.5e-5),
        # OpenAI: cached tokens are part of prompt_tokens
        (
            {
                "prompt_tokens": 1000,
                "completion_tokens": 0,
                "prompt_tokens_details": {"cached_tokens": 600},
            },
            400 * 3e-6 + 600 * 3e-7,
        ),
        # Anthropic through litellm: cache reads and writes both inside prompt_tokens
        (
            {
                "prompt_tokens": 1000,
                "completion_tokens": 10,
                "cache_read_input_tokens": 500,
                "cache_creation_input_tokens": 200,
            },
            300 * 3e-6 + 500 * 3e-7 + 200 * 3.75e-6 + 10 * 1.5e-5,
        ),
        # a provider that counts cached tokens outside prompt_tokens: never negative
        ({"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 50}}, 50 * 3e-7),
        ({"prompt_tokens": True, "completion_tokens": -3}, 0.0),
    ],
)
def test_cost_of(usage: dict[str, object], expected: float) -> None:
    assert cost_of(usage, PRICES) == pytest.approx(expected, rel=1e-12, abs=0)


def test_nothing_to_price() -> None:
    assert cost_of(None, PRICES) is None
    assert cost_of({"prompt_tokens": 3}, None) is None
    assert cost_of({"total_tokens": 3}, PRICES) is None


@pytest.mark.parametrize(
    ("prompt", "rates"),
    [(128_000, (1e-6, 2e-6)), (128_001, (1.5e-6, 3e-6)), (200_001, (2e-6, 4e-6))],
)
def test_the_highest_tier_crossed_applies(prompt: int, rates: tuple[float, float]) -> None:
    usage = {"prompt_tokens": prompt, "completion_tokens": 10}
    assert cost_of(usage, TIERED) == pytest.approx(prompt * rates[0] + 10 * rates[1], rel=1e-12)


def chat_body(usage: object, tail: str = "") -> bytes:
    obj = {
        "id": "x",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": 'say "usage": {no}'}}],
        "usage": usage,
    }
    return orjson.dumps(obj)[:-1] + tail.encode() + b"}"


def test_usage_found_from_the_end() -> None:
    usage = {
        "prompt_tokens": 5,
        "completion_tokens": 2,
        "total_tokens": 7,
        "prompt_tokens_details": {"cached_tokens": 1, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }
    assert usage_in_body(chat_body(usage)) == usage
    assert usage_in_body(chat_body(usage, ',"system_fingerprint":"fp"')) == usage
    assert usage_in_body(chat_body({})) == {}
    spaced = b'{"usage" :\n { "prompt_tokens" : 1 } }'
    assert usage_in_body(spaced) == {"prompt_tokens": 1}


def test_usage_absent_or_null() -> None:
    assert usage_in_body(b'{"id":"x","choices":[]}') is None
    assert usage_in_body(chat_body(None)) is None
    assert usage_in_body(chat_body(None, ',"extra":{"a":1}')) is None
    assert usage_in_body(b"not json at all") is None
    # The word in a text value is never taken for the key.
    assert usage_in_body(b'{"content":"the \\"usage\\": {\\"prompt_tokens\\": 9}"}') is None


def test_unexpected_shapes_fall_back_to_a_full_parse() -> None:
    # "usage" last as a value, not a key: the full parse finds the real one.
    body = b'{"usage":{"prompt_tokens":3},"note":"usage"}'
    assert usage_in_body(body) == {"prompt_tokens": 3}
    assert usage_in_body(b'{"usage":{"prompt_tokens":3') is None  # truncated


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (0.000111, b"0.000111"),
        (1.02e-05, b"0.0000102"),
        (0.0, b"0"),
        (12.5, b"12.5"),
        (3e-13, b"0"),
    ],
)
def test_format_usd(usd: float, text: bytes) -> None:
    assert format_usd(usd) == text


def test_pricer_header() -> None:
    pricer = Pricer(PRICES)
    assert pricer.header({"prompt_tokens": 12, "completion_tokens": 5}) == (
        pytest.approx(1.11e-4, rel=1e-12),
        b"0.000111",
    )
    assert pricer.header(None) == (None, None)
