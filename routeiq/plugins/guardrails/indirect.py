"""Indirect injection checks for text that did not come from the user.

The MCP gateway relays tool results, and agents pass retrieved documents back
to the model: both are *indirect* channels, where an attacker plants
instructions for the model to follow. ``check_tool_result`` judges such a text
with an injection guardrail as a ``tool`` message (the guardrail's
``indirect_threshold``), so callers outside the chat pipeline (e.g.
``routeiq/mcp/gateway.py`` on each ``tools/call`` result) share one rule.

Pure and I/O-free; a tool result longer than a few kilobytes costs more than
~0.5 ms, so call it from ``trio.to_thread.run_sync`` when the text is large.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from routeiq.plugins.guardrails.base import Verdict
from routeiq.plugins.guardrails.injection import InjectionGuardrail

_DEFAULT: list[InjectionGuardrail] = []


def default_guardrail() -> InjectionGuardrail:
    """One shared injection guardrail with default settings (built on first use)."""
    if not _DEFAULT:
        _DEFAULT.append(InjectionGuardrail())
    return _DEFAULT[0]


def check_tool_result(
    text: str, guardrail: InjectionGuardrail | None = None, role: str = "tool"
) -> Verdict:
    """The verdict on ``text`` as a message of ``role`` (default: a tool result)."""
    guardrail = guardrail or default_guardrail()
    kind = guardrail.role_kind(role)
    verdict = guardrail.check(text)
    return guardrail.for_kind(verdict, kind, text)


def tool_result_texts(content: Iterable[Any]) -> list[str]:
    """The text parts of an MCP ``CallToolResult.content`` list (dicts or models)."""
    texts: list[str] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else getattr(part, "type", None)
        text = part.get("text") if isinstance(part, dict) else getattr(part, "text", None)
        if kind == "text" and isinstance(text, str) and text:
            texts.append(text)
    return texts
