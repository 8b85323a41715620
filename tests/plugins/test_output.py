"""The relay's output hook on real SSE blocks and whole bodies."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from routeiq.errors import GuardrailBlocked
from routeiq.plugins.guardrails import PIISettings
from routeiq.plugins.guards import GuardTable
from routeiq.plugins.output import OutputGuard
from routeiq.plugins.settings import GuardrailsSection, OutputGuardSettings
from tests.plugins.helpers import chat, ctx

CARD = "4111 1111 1111 1111"


def guard(pii: PIISettings, **output: Any) -> OutputGuard:
    from routeiq.plugins.base import PluginRequest
    from routeiq.plugins.guardrails import VerdictCache

    section = GuardrailsSection(pii=pii, output=OutputGuardSettings(**output))
    table = GuardTable(section, [])
    table.build()
    return OutputGuard(
        PluginRequest(ctx(), chat("hi"), stream=True),
        table.get(None, None),
        section.output,
        (),
        VerdictCache(),
    )


def event(obj: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def content_event(text: str, index: int = 0) -> bytes:
    delta = {"content": text}
    return event(
        {
            "id": "c1",
            "object": "chat.completion.chunk",
            "choices": [{"index": index, "delta": delta, "finish_reason": None}],
        }
    )


FINISH = event(
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
)
DONE = b"data: [DONE]\n\n"


def texts_of(blocks: list[bytes]) -> str:
    out = []
    for block in blocks:
        for raw in block.split(b"\n\n"):
            if raw.startswith(b"data: {"):
                obj = orjson.loads(raw[6:])
                for choice in obj["choices"]:
                    out.append(choice["delta"].get("content", ""))
    return "".join(out)


async def relay(g: OutputGuard, blocks: list[bytes]) -> tuple[list[bytes], GuardrailBlocked | None]:
    sent: list[bytes] = []
    try:
        for block in blocks:
            out = await g.chunk(block)
            if out:
                sent.append(out)
        tail = await g.end()
        if tail:
            sent.append(tail)
    except GuardrailBlocked as exc:
        return sent, exc
    return sent, None


async def test_plain_blocks_go_out_untouched() -> None:
    g = guard(PIISettings(action="block"))
    block = content_event("Hello") + content_event(" world")
    assert await g.chunk(block) is block
    assert await g.chunk(FINISH) is FINISH
    assert g.text == "Hello world"


async def test_a_card_split_over_word_chunks_ends_the_stream_without_its_digits() -> None:
    g = guard(PIISettings(action="log"), actions={"pii": "block"})
    words = f"Your card is {CARD} and it is valid".split(" ")
    blocks = [content_event(w + " ") for w in words] + [FINISH, DONE]
    sent, error = await relay(g, blocks)
    assert error is not None
    assert error.message == "Response blocked by guardrail 'pii' (CREDIT_CARD)"
    assert texts_of(sent) == "Your card is "
    assert b"1111" not in b"".join(sent)
    assert g.blocked and g.block_verdict is not None


async def test_held_digits_are_released_before_the_finish_event() -> None:
    g = guard(PIISettings(action="block"))
    blocks = [content_event("Call me in "), content_event("2024"), FINISH, DONE]
    sent, error = await relay(g, blocks)
    assert error is None
    assert texts_of(sent) == "Call me in 2024"
    joined = b"".join(sent)
    assert joined.index(b"2024") < joined.index(b'"finish_reason":"stop"') < joined.index(b"[DONE]")


async def test_holdback_redacts_output_on_streams() -> None:
    g = guard(PIISettings(action="redact"), holdback_chars=32)
    words = f"Sure: mail jane.doe@example.com or use {CARD} today, thanks a lot".split(" ")
    blocks = [content_event(w + " ") for w in words] + [FINISH, DONE]
    sent, error = await relay(g, blocks)
    assert error is None
    expected = "Sure: mail [PII:EMAIL] or use [PII:CREDIT_CARD] today, thanks a lot "
    assert texts_of(sent) == expected
    assert b"jane" not in b"".join(sent)
    assert g.text == expected


async def test_without_holdback_a_redact_verdict_is_counted_unapplied() -> None:
    g = guard(PIISettings(action="redact"))
    sent, error = await relay(g, [content_event("mail jane.doe@example.com now"), FINISH])
    assert error is None
    assert texts_of(sent) == "mail jane.doe@example.com now"
    g.finish()
    assert [v.action for v in g.triggered] == ["redact"]
    assert g.unapplied_redactions == 1


def completion(text: str) -> bytes:
    return orjson.dumps(
        {
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        }
    )


async def test_whole_bodies_blocked_redacted_or_left_alone() -> None:
    with pytest.raises(GuardrailBlocked):
        await guard(PIISettings(action="block")).whole(completion(f"card {CARD}"))
    redacted = await guard(PIISettings(action="redact")).whole(completion(f"card {CARD}"))
    assert orjson.loads(redacted)["choices"][0]["message"]["content"] == "card [PII:CREDIT_CARD]"
    body = completion(f"card {CARD}")
    assert await guard(PIISettings(action="log")).whole(body) is body  # scanned later
