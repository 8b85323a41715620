"""Cacheability rules: temperature ceiling, n, pending tool results, bypass headers."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.cache.keys import CacheDecision, Reason, cacheable

OK = CacheDecision(True, True, Reason.OK)


def request(**fields: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": "hi"}], "temperature": 0, **fields}


def test_deterministic_request_is_cached_both_ways() -> None:
    assert cacheable(request()) == OK
    assert cacheable(request(temperature=0.1)) == OK  # at the ceiling
    assert cacheable(request(n=1)) == OK
    assert cacheable(request(stream=True)) == OK


def test_decision_unpacks_as_a_tuple() -> None:
    lookup, store, reason = cacheable(request(temperature=0.5))
    assert (lookup, store, reason) == (False, False, "temperature")


@pytest.mark.parametrize("temperature", [0.1000001, 0.7, 2, True, "0", [0]])
def test_temperature_above_ceiling_or_not_a_number_is_not_cached(temperature: Any) -> None:
    assert cacheable(request(temperature=temperature)) == (False, False, Reason.TEMPERATURE)


def test_missing_temperature_is_the_provider_default_one() -> None:
    no_temp = {"messages": [{"role": "user", "content": "hi"}]}
    assert cacheable(no_temp) == (False, False, Reason.TEMPERATURE)
    assert cacheable({**no_temp, "temperature": None}) == (False, False, Reason.TEMPERATURE)
    assert cacheable(no_temp, temperature_ceiling=1.0) == OK


def test_configured_ceiling() -> None:
    assert cacheable(request(temperature=0.3), temperature_ceiling=0.3) == OK
    assert (
        cacheable(request(temperature=0.05), temperature_ceiling=0.0).reason == Reason.TEMPERATURE
    )


@pytest.mark.parametrize("n", [0, 2, 5])
def test_n_other_than_one_is_not_cached(n: int) -> None:
    assert cacheable(request(n=n)) == (False, False, Reason.N)


@pytest.mark.parametrize("role", ["tool", "function"])
def test_pending_tool_result_is_not_cached(role: str) -> None:
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1"}]},
        {"role": role, "tool_call_id": "c1", "content": "sunny"},
    ]
    assert cacheable(request(messages=messages)) == (False, False, Reason.TOOL_RESULT_PENDING)
    # Once the assistant has answered and the user asks again, it is cacheable.
    messages += [{"role": "assistant", "content": "Sunny."}, {"role": "user", "content": "ok"}]
    assert cacheable(request(messages=messages)) == OK


@pytest.mark.parametrize("messages", [None, [], "hi"])
def test_no_messages_is_not_cached(messages: Any) -> None:
    assert cacheable(request(messages=messages)) == (False, False, Reason.NO_MESSAGES)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "no-cache"}, (False, True, Reason.NO_CACHE)),
        ({"cache-control": "No-Store"}, (True, False, Reason.NO_STORE)),
        (
            {"Cache-Control": "max-age=0, no-cache, no-store"},
            (False, False, Reason.NO_CACHE_NO_STORE),
        ),
        ({"Cache-Control": "max-age=60"}, OK),
        ({"x-routeiq-cache": "off"}, (False, False, Reason.BYPASS)),
        ({"X-RouteIQ-Cache": " OFF "}, (False, False, Reason.BYPASS)),
        ({"x-routeiq-cache": "on"}, OK),
    ],
)
def test_headers_as_mapping(headers: dict[str, str], expected: tuple[bool, bool, Reason]) -> None:
    assert cacheable(request(), headers) == expected


def test_headers_as_asgi_pairs_and_repeated() -> None:
    pairs = [(b"cache-control", b"max-age=5"), (b"cache-control", b"no-store")]
    assert cacheable(request(), pairs) == (True, False, Reason.NO_STORE)
    assert cacheable(request(), [(b"x-routeiq-cache", b"off")]) == (False, False, Reason.BYPASS)


def test_bypass_header_wins_over_everything() -> None:
    assert cacheable(request(temperature=0.9), {"x-routeiq-cache": "off"}).reason == Reason.BYPASS


def test_uncacheable_body_wins_over_headers() -> None:
    assert cacheable(request(n=3), {"cache-control": "no-store"}) == (False, False, Reason.N)


@pytest.mark.parametrize(
    ("controls", "expected"),
    [
        ({"no-cache": True}, (False, True, Reason.NO_CACHE)),
        ({"no-store": True}, (True, False, Reason.NO_STORE)),
        ({"no-cache": True, "no-store": True}, (False, False, Reason.NO_CACHE_NO_STORE)),
        ({"no-cache": False, "ttl": 60}, OK),
        ("no-cache", OK),  # not LiteLLM's shape: ignored
    ],
)
def test_litellm_cache_controls_in_the_body(
    controls: Any, expected: tuple[bool, bool, Reason]
) -> None:
    assert cacheable(request(cache=controls)) == expected
