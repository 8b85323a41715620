"""Turn N scans only its new message (real scans counted by the verdict cache)."""

from __future__ import annotations

import orjson
import pytest

from routeiq.errors import GuardrailBlocked
from routeiq.plugins.guardrails import ContentSettings, InjectionSettings, PIISettings
from routeiq.plugins.settings import GuardrailsSection
from tests.plugins.helpers import background_done, chat, no_send, run_of, started


def answer_body(text: str) -> bytes:
    return orjson.dumps(
        {
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        }
    )


async def conversation(prewarm: bool) -> list[int]:
    """Scans done by phase 1 on each of 20 turns (3 guardrails)."""
    section = GuardrailsSection(
        pii=PIISettings(),
        injection=InjectionSettings(),
        content=ContentSettings(),
        prewarm_answers=prewarm,
    )
    scans: list[int] = []
    async with started(section) as pipeline:
        history: list[str] = []
        for turn in range(1, 21):
            history.append(f"Question {turn}: how do I sort a list of {turn} tuples in Python?")
            run = run_of(pipeline, chat(*history))
            before = pipeline.cache.scans
            await run.phase1()
            scans.append(pipeline.cache.scans - before)
            answer = f"Answer {turn}: use sorted(items, key=lambda t: t[{turn % 3}])."
            run.output_hook()
            run.record(answer_body(answer))
            run.after(None)
            await background_done(pipeline)
            history.append(answer)
    return scans


async def test_turn_20_scans_only_the_new_message() -> None:
    scans = await conversation(prewarm=True)
    # 3 guardrails x 1 new user message, every turn; the answers were judged
    # in the background right after each response.
    assert scans == [3] * 20


async def test_without_the_prewarm_the_previous_answer_is_scanned_too() -> None:
    scans = await conversation(prewarm=False)
    assert scans == [3] + [6] * 19


async def test_redaction_order_and_cached_redactions() -> None:
    section = GuardrailsSection(pii=PIISettings(action="redact"))
    async with started(section) as pipeline:
        request = chat("mail jane.doe@example.com or call +1 415 555 0100", "ok", "and again?")
        first = run_of(pipeline, request)
        assert await first.before(no_send) is False
        assert request["messages"][0]["content"] == "mail [PII:EMAIL] or call [PII:PHONE]"
        assert [v.guardrail for v in first.call.verdicts] == ["pii"]
        # The next turn sends the original text again: served from the cache.
        again = chat(
            "mail jane.doe@example.com or call +1 415 555 0100", "ok", "and again?", "more"
        )
        before = pipeline.cache.scans
        assert await run_of(pipeline, again).before(no_send) is False
        assert again["messages"][0]["content"] == "mail [PII:EMAIL] or call [PII:PHONE]"
        assert pipeline.cache.scans - before == 1  # only "more"


async def test_content_parts_are_scanned_and_rewritten() -> None:
    section = GuardrailsSection(pii=PIISettings(action="redact"))
    async with started(section) as pipeline:
        request = {
            "model": "gpt-test",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "card 4111 1111 1111 1111 please"},
                        {"type": "image_url", "image_url": {"url": "https://x/1.png"}},
                    ],
                }
            ],
        }
        await run_of(pipeline, request).before(no_send)
        parts = request["messages"][0]["content"]
        assert parts[0]["text"] == "card [PII:CREDIT_CARD] please"
        assert parts[1] == {"type": "image_url", "image_url": {"url": "https://x/1.png"}}


async def test_per_key_and_per_team_overrides() -> None:
    section = GuardrailsSection(
        pii=PIISettings(
            action="redact",
            team_overrides={"red": {"action": "block"}},
            key_overrides={"trusted": {"enabled": False}},
        )
    )
    identities = [("alice", "red"), ("trusted", "red"), ("bob", None)]
    async with started(section, identities=identities) as pipeline:
        text = "my email is jane.doe@example.com"
        bob = chat(text)
        await run_of(pipeline, bob, key="bob").before(no_send)
        assert bob["messages"][0]["content"] == "my email is [PII:EMAIL]"
        with pytest.raises(GuardrailBlocked):
            await run_of(pipeline, chat(text), key="alice", team="red").before(no_send)
        trusted = chat(text)
        await run_of(pipeline, trusted, key="trusted", team="red").before(no_send)
        assert trusted["messages"][0]["content"] == text  # key override: PII off
