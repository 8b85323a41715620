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
from routeiq.plugins.guardrails.transformer import resolve_enabled
from routeiq.plugins.tool_results_tf import TransformerToolJudge
from routeiq.plugins.transformer_pass import TransformerRuntime, shared_runtime

log = logging.getLogger("routeiq.guardrails")

#: Total characters of a result judged on the loop; longer results go to a thread.
INLINE_CHARS = 2048

ToolResultHook = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


#: Bounds on the walk of a result's ``structuredContent`` (a hostile server's JSON).
MAX_DEPTH = 32
MAX_STRINGS = 4096


def result_texts(result: dict[str, Any]) -> list[str]:
    """Every text of a ``CallToolResult`` the model may read: the text parts, the text
    of embedded resources (``{"type": "resource", "resource": {"text": ...}}``) and
    of resource links (name, title, description), and the strings of
    ``structuredContent`` (a client may give the model that object instead of the
    text parts, so a planted instruction can hide there alone)."""
    content = result.get("content")
    parts = content if isinstance(content, list) else []
    texts = tool_result_texts(parts)
    for part in parts:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "resource":
            res = part.get("resource")
            text = res.get("text") if isinstance(res, dict) else None
            if isinstance(text, str) and text:
                texts.append(text)
        elif kind == "resource_link":
            words = [part.get(k) for k in ("name", "title", "description")]
            line = " ".join(w for w in words if isinstance(w, str) and w)
            if line:
                texts.append(line)
    structured = result.get("structuredContent")
    if structured is not None:
        strings: list[str] = []
        _strings(structured, strings, 0)
        if strings:
            texts.append("\n".join(strings))
    return texts


def _strings(value: Any, out: list[str], depth: int) -> None:
    """The string leaves of a JSON value, and its keys that are prose (an identifier
    has no space: ``system_prompt`` as a key is not read as an instruction), bounded."""
    if depth > MAX_DEPTH or len(out) >= MAX_STRINGS:
        return
    if isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and " " in k:
                out.append(k)
            _strings(v, out, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out, depth + 1)


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


def tool_result_scanner(
    settings: InjectionSettings, runtime: TransformerRuntime | None = None
) -> ToolResultHook:
    """The MCP gateway's ``tool_result_hook`` for these injection settings.

    With ``transformer`` on, the results go through the transformer pass
    (``tool_results_tf.py``; ``runtime``: the process's shared one unless given);
    off, the n-gram verdicts and their indirect threshold."""
    if resolve_enabled(settings.transformer):
        return _transformer_scanner(settings, runtime or shared_runtime())
    guard = InjectionGuardrail(settings.model_copy(update={"transformer": False}))

    async def scan(tool: str, result: dict[str, Any]) -> dict[str, Any]:
        texts = result_texts(result)
        if not texts:
            return result
        if sum(map(len, texts)) <= INLINE_CHARS:
            verdict = worst_verdict(guard, texts)
        else:
            verdict = await trio.to_thread.run_sync(worst_verdict, guard, texts)
        return acted_on(tool, result, verdict)

    return scan


def acted_on(
    tool: str, result: dict[str, Any], verdict: Verdict | None, by: str = ""
) -> dict[str, Any]:
    """``result``, or what replaces it when ``verdict`` blocks (a triggered verdict is
    logged: tool name, score and action only)."""
    if verdict is None:
        return result
    log.warning(
        "indirect injection in the result of %s: score %.2f, action %s%s",
        tool,
        verdict.score,
        verdict.action,
        by,
    )
    if verdict.action == "block":
        return withheld(tool, verdict)
    return result


def _transformer_scanner(
    settings: InjectionSettings, runtime: TransformerRuntime
) -> ToolResultHook:
    """``tool_result_scanner`` with the transformer: every result's texts judged in
    the runtime's worker thread (never on the loop), verdicts cached."""
    judge = TransformerToolJudge(InjectionGuardrail(settings), runtime)

    async def scan(tool: str, result: dict[str, Any]) -> dict[str, Any]:
        texts = result_texts(result)
        if not texts:
            return result
        return acted_on(tool, result, await judge.worst(texts), " (transformer)")

    return scan
