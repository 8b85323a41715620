"""An output guardrail blocking a stream on each surface sends no part of the value.

Found by the outside-evaluator probe (see ``tests/plugins/test_stream_scan.py``): the
first half of an e-mail address split over two chunks went out on chat completions,
Messages and Responses streams before the block.
"""

from __future__ import annotations

import orjson

from routeiq.testing import MASTER_KEY, Reply, ScriptedUpstream, config_dict, in_process


def _chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text else {}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    event = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "gpt-test"}
    return b"data: " + orjson.dumps({**event, "choices": [choice]}) + b"\n\n"


EVENTS = (
    (0.0, _chunk("Sure, write to ")),
    (0.01, _chunk("john.doe@exa")),
    (0.01, _chunk("mple.com today.")),
    (0.01, _chunk(None, "stop")),
    (0.0, b"data: [DONE]\n\n"),
)
HI = [{"role": "user", "content": "hi"}]
CALLS = [
    ("/v1/chat/completions", {"model": "gpt-test", "stream": True, "messages": HI}),
    ("/v1/messages", {"model": "gpt-test", "max_tokens": 50, "stream": True, "messages": HI}),
    ("/v1/responses", {"model": "gpt-test", "stream": True, "input": "hi"}),
]


async def test_no_half_address_goes_out_before_the_block() -> None:
    guardrails = {"pii": {}, "output": {"guardrails": ["pii"], "actions": {"pii": "block"}}}
    document = config_dict("http://up.test/v1", guardrails=guardrails)
    upstream = ScriptedUpstream({"up.test": [Reply(events=EVENTS)]})
    auth = {"authorization": f"Bearer {MASTER_KEY}"}
    async with in_process(document, upstream) as g:
        for path, body in CALLS:
            answer = await g.call(path, body, headers=auth)
            text = answer.body.decode()
            assert "blocked by guardrail 'pii'" in text, path
            assert "Sure, write to" in text, path
            assert "john" not in text and "@exa" not in text, (path, text[-400:])
