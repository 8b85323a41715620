"""Digits weigh more than prose when phase 1 decides to scan in a worker thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import trio
from faker import Faker

from routeiq.errors import GuardrailBlocked
from routeiq.plugins.guardrails import PIISettings
from routeiq.plugins.scan_cost import DIGIT_WEIGHT, scan_cost, total_cost
from routeiq.plugins.settings import GuardrailsSection
from tests.plugins.helpers import chat, no_send, run_of, started

LIMIT = GuardrailsSection().inline_max_chars


def phone_list(chars: int) -> str:
    fake = Faker("en_GB")
    fake.seed_instance(14)
    text = "Please update these contacts: "
    while len(text) < chars:
        text += fake.phone_number() + ", "
    return text


def test_a_digit_costs_digit_weight_characters() -> None:
    assert scan_cost("hello") == 5
    assert scan_cost("a1") == 1 + DIGIT_WEIGHT
    assert scan_cost("call 020 7946 0958") == 7 + 11 * DIGIT_WEIGHT
    assert total_cost(["ab", "12"]) == 2 + 2 * DIGIT_WEIGHT


def test_a_phone_list_is_over_the_inline_budget_a_message_is_not() -> None:
    dense = phone_list(3000)
    assert len(dense) < LIMIT < scan_cost(dense)
    message = "Hi, call me on 020 7946 0958 or +44 7700 900123 after six. " * 3
    assert scan_cost(message) < LIMIT


@pytest.mark.parametrize(("text", "threaded"), [(phone_list(3000), True), ("word " * 600, False)])
async def test_phone_dense_text_is_scanned_off_the_loop(
    monkeypatch: pytest.MonkeyPatch, text: str, threaded: bool
) -> None:
    scanned_in: list[bool] = []
    real = trio.to_thread.run_sync

    async def recording(fn: Any, *args: Any, **kw: Any) -> Any:
        def wrapped(*a: Any) -> Any:
            scanned_in.append(threading.current_thread() is not threading.main_thread())
            return fn(*a)

        return await real(wrapped, *args, **kw)

    section = GuardrailsSection(pii=PIISettings(action="block"))
    async with started(section, []) as pipeline:
        monkeypatch.setattr(trio.to_thread, "run_sync", recording)
        if threaded:
            with pytest.raises(GuardrailBlocked, match="PHONE"):
                await run_of(pipeline, chat(text)).before(no_send)
        else:
            assert await run_of(pipeline, chat(text)).before(no_send) is False
    assert scanned_in == ([True] if threaded else [])
