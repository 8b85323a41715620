"""Indirect prompt-injection scanning of MCP tool results (the MCP gateway's result hook).

A tool result is text the model will read but the user did not write: a planted
instruction in a web page, a file or a ticket is *indirect* injection. When the
injection guardrail is configured, every ``tools/call`` result relayed by the MCP
gateway is judged as a ``tool`` message (the guardrail's ``indirect_threshold``,
see ``routeiq.plugins.guardrails.indirect``). A ``block`` verdict withholds the
result: the client gets a tool error naming the reason, never the text; ``warn``
and ``log`` pass the result on and log the verdict (tool name and score only).

Short results are judged on the loop (the learned scorer costs ~0.1-0.15 ms per
short text); past ``INLINE_CHARS`` the check runs in a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from routeiq.plugins.guardrails.base import Verdict
from routeiq.plugins.guardrails.indirect import check_tool_result, tool_result_texts
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.settings import InjectionSettings

log = logging.getLogger("routeiq.guardrails")

#: Total characters of a result judged on the loop; longer results go to a thread.
INLINE_CHARS = 2048

ToolResultHook = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def worst_verdict(guard: InjectionGuardrail, texts: list[str]) -> Verdict | None:
    """The highest-scoring triggered verdict over a result's texts, or None."""
    worst: Verdict | None = None
    for text in texts:
        verdict = check_tool_result(text, guard)
        if verdict.triggered and (worst is None or verdict.score > worst.score):
            worst = verdict
    return worst


def withheld(tool: str, verdict: Verdict) -> dict[str, Any]:
    """The ``CallToolResult`` sent instead of a blocked one."""
    text = (
        f"The gateway withheld the result of {tool}: it looks like an indirect prompt "
        f"injection (score {verdict.score:.2f})"
    )
    return {"content": [{"type": "text", "text": text}], "isError": True}


def tool_result_scanner(settings: InjectionSettings) -> ToolResultHook:
    """The MCP gateway's ``tool_result_hook`` for these injection settings."""
    guard = InjectionGuardrail(settings)

    async def scan(tool: str, result: dict[str, Any]) -> dict[str, Any]:
        texts = tool_result_texts(result.get("content") or ())
        if not texts:
            return result
        if sum(map(len, texts)) <= INLINE_CHARS:
            verdict = worst_verdict(guard, texts)
        else:
            verdict = await trio.to_thread.run_sync(worst_verdict, guard, texts)
        if verdict is None:
            return result
        log.warning(
            "indirect injection in the result of %s: score %.2f, action %s",
            tool,
            verdict.score,
            verdict.action,
        )
        if verdict.action == "block":
            return withheld(tool, verdict)
        return result

    return scan
