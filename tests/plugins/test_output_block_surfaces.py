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


async def test_a_mid_stream_block_reads_as_the_same_block_on_each_surface() -> None:
    """A guardrail block after the headers went out is a 400 ``guardrail_blocked`` in
    each surface's own shape, as the same block before the first byte: chat's in-band
    error object, Messages' error event of type ``invalid_request_error`` (it was
    ``api_error``), a Responses ``response.failed`` with ``code: guardrail_blocked``
    (it was ``server_error``)."""
    guardrails = {"pii": {}, "output": {"guardrails": ["pii"], "actions": {"pii": "block"}}}
    document = config_dict("http://up.test/v1", guardrails=guardrails)
    upstream = ScriptedUpstream({"up.test": [Reply(events=EVENTS)]})
    auth = {"authorization": f"Bearer {MASTER_KEY}"}
    found = {}
    async with in_process(document, upstream) as g:
        for path, body in CALLS:
            answer = await g.call(path, body, headers=auth)
            datas = [
                orjson.loads(line[6:])
                for line in answer.body.decode().splitlines()
                if line.startswith("data: {")
            ]
            found[path] = datas[-1]
    chat = found["/v1/chat/completions"]["error"]
    assert (chat["type"], chat["code"]) == ("invalid_request_error", "guardrail_blocked")
    messages = found["/v1/messages"]
    assert messages["type"] == "error"
    assert messages["error"]["type"] == "invalid_request_error"
    assert "blocked by guardrail 'pii'" in messages["error"]["message"]
    failed = found["/v1/responses"]
    assert failed["type"] == "response.failed"
    assert failed["response"]["error"]["code"] == "guardrail_blocked"
    assert "blocked by guardrail 'pii'" in failed["response"]["error"]["message"]
