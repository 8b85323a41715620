"""Pricing a relayed answer as its bytes pass (plain function calls)."""

from __future__ import annotations

import orjson
import pytest

from routeiq.pricing.cost import Pricer
from routeiq.pricing.table import ModelPrices
from routeiq.pricing.units import parse_units
from routeiq.surfaces.metering import KEEP_BYTES, Meter
from routeiq.surfaces.responses_exchange import chat_usage

PRICER = Pricer(ModelPrices(0.001, 0.002, 0.0005, 0.00125))


def feed_in_pieces(meter: Meter, body: bytes, size: int) -> None:
    for i in range(0, len(body), size):
        meter.feed(body[i : i + size])


@pytest.mark.parametrize("size", [1, 3, 7, 1000])
def test_images_are_counted_whatever_the_piece_boundaries(size: int) -> None:
    body = orjson.dumps({"data": [{"b64_json": "QUJD" * 10}, {"b64_json": "x"}, {"url": "u"}]})
    meter = Meter("images", {}, {"output_cost_per_image": 0.04}, None)
    feed_in_pieces(meter, body, size)
    assert meter.result() == (None, pytest.approx(3 * 0.04))


def test_huge_image_answers_are_counted_without_being_kept() -> None:
    image = b'{"b64_json":"' + b"A" * (KEEP_BYTES // 2) + b'"}'
    body = b'{"data":[' + image + b"," + image + b"," + image + b"]}"
    meter = Meter("images", {}, {"output_cost_per_image": 0.01}, None)
    feed_in_pieces(meter, body, 65536)
    assert meter._kept is None  # over the limit: nothing held
    assert meter.result()[1] == pytest.approx(0.03)


def test_token_usage_wins_for_images_and_transcriptions() -> None:
    usage = {"input_tokens": 10, "output_tokens": 20, "total_tokens": 30}
    meter = Meter("images", {}, {"output_cost_per_image": 1.0}, PRICER)
    meter.feed(orjson.dumps({"data": [{"url": "u"}], "usage": usage}))
    assert meter.result()[1] == pytest.approx(10 * 0.001 + 20 * 0.002)
    seconds = Meter("transcriptions", None, {"input_cost_per_second": 0.01}, PRICER)
    seconds.feed(orjson.dumps({"text": "x", "usage": {"type": "duration", "seconds": 12.5}}))
    assert seconds.result()[1] == pytest.approx(0.125)
    verbose = Meter("transcriptions", None, {"input_cost_per_second": 0.01}, None)
    verbose.feed(orjson.dumps({"text": "x", "duration": 3}))
    assert verbose.result()[1] == pytest.approx(0.03)


def test_speech_rerank_and_unpriced() -> None:
    speech = Meter("speech", {"input": "abcd"}, {"input_cost_per_character": 0.5}, None)
    assert speech.upfront() == 2.0 and speech.result() == (None, 2.0)
    rerank = Meter("rerank", {}, {"input_cost_per_query": 0.002}, None)
    rerank.feed(orjson.dumps({"results": [], "meta": {"billed_units": {"search_units": 3}}}))
    assert rerank.result()[1] == pytest.approx(0.006)
    one = Meter("rerank", {}, {"input_cost_per_query": 0.002}, None)
    one.feed(b'{"results": []}')
    assert one.result()[1] == pytest.approx(0.002)
    free = Meter("moderations", {}, {}, None)
    free.feed(b'{"results": []}')
    assert free.result() == (None, None)


def test_anthropic_cache_tokens_are_priced_apart() -> None:
    usage = chat_usage(
        {
            "input_tokens": 10,
            "output_tokens": 5,
            "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 20,
        }
    )
    assert usage is not None and usage["prompt_tokens"] == 130
    cost = PRICER(usage)
    assert cost == pytest.approx(10 * 0.001 + 100 * 0.0005 + 20 * 0.00125 + 5 * 0.002)


def test_unit_prices_from_the_map() -> None:
    doc = {
        "tts-1": {"input_cost_per_character": 1.5e-05, "mode": "audio_speech"},
        "gpt-4o": {"input_cost_per_token": 1e-6},
        "whisper-1": {"input_cost_per_second": 0.0001, "output_cost_per_second": 0.0001},
    }
    assert parse_units(orjson.dumps(doc)) == {
        "tts-1": {"input_cost_per_character": 1.5e-05},
        "whisper-1": {"input_cost_per_second": 0.0001},
    }
