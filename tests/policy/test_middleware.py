"""The policy middleware as plain ASGI: what it reads, what it answers."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest

from routeiq.asgi.policy import PolicyMiddleware
from routeiq.asgi.types import CTX_KEY, Message, RequestContext
from routeiq.policy import PolicySettings
from routeiq.policy.engine import PolicyEngine

BODY = orjson.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})


class Recorder:
    """The downstream app: records the body it received."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def scope(team: str | None = "interns", path: str = "/v1/chat/completions") -> dict[str, Any]:
    ctx = RequestContext("rid-1", 0.0)
    ctx.key_name, ctx.team, ctx.user = "k1", team, "u1"
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"content-type", b"application/json")],
        "client": ("10.2.3.4", 5555),
        CTX_KEY: ctx,
    }


async def call(
    settings: dict[str, Any], s: dict[str, Any], body: bytes = BODY
) -> tuple[Recorder, list[Message], int]:
    engine = PolicyEngine(PolicySettings.model_validate(settings))
    app = Recorder()
    mw = PolicyMiddleware(app, engine, frozenset({"/health/live"}), 1 << 20)
    reads = 0
    chunks = [body[:10], body[10:]]

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        if chunks:
            piece = chunks.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await mw(s, receive, send)
    return app, sent, reads


RULES = {
    "rules": [
        {"name": "interns-no-gpt4", "action": "deny", "teams": ["interns"], "models": ["gpt-4*"]},
        {"name": "office", "action": "deny", "client_cidrs": ["192.168.0.0/16"]},
    ]
}


async def test_rules_without_models_never_read_the_body() -> None:
    app, sent, reads = await call(RULES, scope(team="dev"))
    assert app.called and reads == 2  # both reads were the app's own
    assert app.body == BODY
    assert sent[0]["status"] == 200


async def test_a_model_rule_peeks_and_replays_the_body(caplog: pytest.LogCaptureFixture) -> None:
    allowed = {"rules": [{**RULES["rules"][0], "models": ["o1*"]}]}
    app, sent, _ = await call(allowed, scope())
    assert app.called and app.body == BODY  # replayed unchanged, in one piece
    with caplog.at_level(logging.WARNING, logger="routeiq.audit"):
        app, sent, _ = await call(RULES, scope())
    assert not app.called
    assert sent[0]["status"] == 403
    body = orjson.loads(sent[1]["body"])
    assert body == {
        "error": {
            "message": "Denied by the access policy",
            "type": "permission_error",
            "code": "policy_denied",
            "param": None,
        }
    }
    [record] = [r for r in caplog.records if r.name == "routeiq.audit"]
    assert record.getMessage() == (
        "policy deny rule=interns-no-gpt4 request_id=rid-1 key=k1 team=interns user=u1 "
        "method=POST path=/v1/chat/completions model=gpt-4o client=10.2.3.4"
    )


async def test_client_text_in_the_audit_line_is_escaped(caplog: pytest.LogCaptureFixture) -> None:
    """Item 1 of issue 9 (policy audit): the model and path come from the client; CR/LF
    in them must not forge a second audit line."""
    body = orjson.dumps({"model": "gpt-4o\r\nforged=1", "messages": []})
    with caplog.at_level(logging.WARNING, logger="routeiq.audit"):
        _, sent, _ = await call(RULES, scope(), body)
    assert sent[0]["status"] == 403
    [record] = [r for r in caplog.records if r.name == "routeiq.audit"]
    line = record.getMessage()
    assert "\r" not in line and "\n" not in line
    assert "model=gpt-4o%0D%0Aforged=1 " in line


async def test_the_rule_message_is_shown_and_exempt_paths_pass() -> None:
    settings = {"default_action": "deny", "rules": [{"action": "deny", "message": "Not here"}]}
    _, sent, _ = await call(settings, scope())
    assert orjson.loads(sent[1]["body"])["error"]["message"] == "Not here"
    app, sent, _ = await call(settings, scope(path="/health/live"))
    assert app.called


async def test_an_oversized_body_is_413_when_peeking() -> None:
    engine = PolicyEngine(PolicySettings.model_validate(RULES))
    app = Recorder()
    mw = PolicyMiddleware(app, engine, frozenset(), 16)
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await mw(scope(), receive, send)
    assert sent[0]["status"] == 413 and not app.called


@pytest.mark.parametrize(("mode", "status"), [("fail_closed", 503), ("fail_open", 200)])
async def test_an_unloaded_rules_file_fails_per_mode(mode: str, status: int) -> None:
    settings = {"rules_file": "/nonexistent/rules.yaml", "failure_mode": mode}
    app, sent, _ = await call(settings, scope())
    assert sent[0]["status"] == status
    assert app.called is (status == 200)
    if status == 503:
        assert orjson.loads(sent[1]["body"])["error"]["code"] == "policy_unavailable"
