"""The output side of one upstream attempt: the relay's ``on_chunk`` hook.

``OutputGuard`` implements ``routeiq.llm.proxy.ChunkHook``:

- ``chunk(block)``: each complete SSE block of a stream, before it is
  forwarded. The content deltas are fed to a ``StreamScanner`` per choice
  and to the plugins' ``on_chunk`` hooks. A block verdict (or ``Blocked``)
  raises ``GuardrailBlocked``: the relay ends the stream with an SSE error
  event and the offending block is never forwarded. A block is forwarded
  unchanged (no re-serialisation) unless the scanner holds text back (a
  value still arriving, or the opt-in holdback): then each content event
  carries only the released (redacted) text, and the held text is judged
  and flushed before the next non-content event (finish, usage, [DONE]).
- ``end()``: whatever is still held when the stream ends (judged first).
- ``whole(body)``: a non-streamed response, before it is sent.

Only output guardrails that block or redact (``enforce``) are run live, on
streams and whole bodies alike; when every output guardrail only warns or
logs, the output text is judged once after the response, in the background.

It also keeps the output text (bounded by ``max_text_chars``) for the
post-call hooks and the next-turn verdict pre-warm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from routeiq.errors import GuardrailBlocked
from routeiq.plugins.base import Chunk, PluginRequest
from routeiq.plugins.guardrails import Verdict, VerdictCache, scan_messages
from routeiq.plugins.runner import LoadedPlugin, call_hook
from routeiq.plugins.settings import OutputGuardSettings
from routeiq.plugins.stream_scan import StreamScanner

if TYPE_CHECKING:
    from routeiq.plugins.guards import Guards

_MAX_CHOICES = 16  # scanners kept per stream (n > 16 choices share none: forwarded unscanned)


def blocked_error(verdict: Verdict, where: str) -> GuardrailBlocked:
    """400 naming the guardrail and the finding types, never the text."""
    kinds = ", ".join(sorted(verdict.types))
    detail = f" ({kinds})" if kinds else ""
    return GuardrailBlocked(f"{where} blocked by guardrail '{verdict.guardrail}'{detail}")


class OutputGuard:
    """Per-attempt output hook (see the module docstring)."""

    def __init__(
        self,
        call: PluginRequest,
        guards: Guards,
        settings: OutputGuardSettings,
        plugins: tuple[LoadedPlugin, ...],
        cache: VerdictCache,
    ) -> None:
        self.call = call
        self.guards = guards
        self.guardrails = guards.output
        self.enforce = guards.enforce_output
        self.settings = settings
        self.plugins = plugins
        self.cache = cache
        self.redactors = guards.redact_output
        self.holdback = settings.holdback_chars if self.redactors else 0
        self.blocked = False
        self.block_verdict: Verdict | None = None
        self.truncated = False
        self.triggered: list[Verdict] = []
        self.unapplied_redactions = 0
        self._scanners: dict[int, StreamScanner] = {}
        self._choices: set[int] = set()
        self._text: list[str] = []
        self._text_len = 0
        self._envelope: dict[str, Any] | None = None  # last content event, for flush events

    @property
    def text(self) -> str:
        """The output text seen (choice order interleaved; capped)."""
        return "".join(self._text)

    def _keep(self, text: str) -> None:
        """Keep what the client receives, up to ``max_text_chars``."""
        room = self.settings.max_text_chars - self._text_len
        if len(text) > room:
            self.truncated = True
        if room > 0 and text:
            piece = text[:room]
            self._text.append(piece)
            self._text_len += len(piece)

    def _scanner(self, index: int) -> StreamScanner | None:
        found = self._scanners.get(index)
        # Only output guardrails that block or redact need to see the stream
        # live; warn/log ones judge the whole text after the response.
        if found is None and self.enforce and len(self._scanners) < _MAX_CHOICES:
            found = self._scanners[index] = StreamScanner(
                self.guardrails,
                overlap=self.settings.overlap_chars,
                holdback=self.holdback,
                redactors=self.redactors if self.holdback else (),
                relabel=self.guards.on_output if self.guards.output_actions else None,
            )
        return found

    @property
    def choices(self) -> int:
        """How many choices streamed text (the kept text interleaves them if > 1)."""
        return len(self._choices)

    async def _feed(self, index: int, text: str) -> None:
        if len(self._choices) < _MAX_CHOICES:
            self._choices.add(index)
        scanner = self._scanner(index)
        if scanner is not None:
            verdict = scanner.feed(text)
            if verdict is not None:
                self.blocked = True
                self.block_verdict = verdict
                raise blocked_error(verdict, "Response")
        for lp in self.plugins:
            try:
                await call_hook(lp, "on_chunk", self.call, Chunk(text, index))
            except GuardrailBlocked:
                self.blocked = True
                raise

    # -- streaming -----------------------------------------------------------------

    async def chunk(self, block: bytes) -> bytes:
        """See the module docstring; may raise GuardrailBlocked.

        The block goes out unchanged (no re-serialisation) unless some text
        must be held back; then the content events carry the released text
        only, and held text is flushed before the next non-content event.
        """
        if b'"content"' not in block and not self._holding():
            return block
        if not self.enforce and not self.plugins and self.settings.max_text_chars <= self._text_len:
            return block  # nothing watches the text any more
        out: list[bytes] = []
        changed = False
        for event in block.replace(b"\r\n", b"\n").split(b"\n\n"):
            if not event.strip():
                continue
            data = b"\n".join(
                ln[5:].lstrip(b" ") for ln in event.split(b"\n") if ln.startswith(b"data:")
            )
            obj = _load(data) if b'"content"' in data else None
            deltas = _content_deltas(obj)
            if not deltas:
                flush = self._flush_event()
                if flush:
                    out.append(flush)
                    changed = True
                out.append(event + b"\n\n")
                continue
            rewritten = False
            for index, delta in deltas:
                text = delta["content"]
                await self._feed(index, text)
                scanner = self._scanners.get(index)
                released = scanner.release() if scanner is not None else text
                self._keep(released)
                if released != text:
                    delta["content"] = released
                    rewritten = True
            if rewritten:
                self._envelope = obj
                out.append(b"data: " + orjson.dumps(obj) + b"\n\n")
                changed = True
            else:
                out.append(event + b"\n\n")
        return b"".join(out) if changed else block

    def _holding(self) -> bool:
        return any(scanner.held for scanner in self._scanners.values())

    def _flush_event(self) -> bytes:
        """One event carrying every choice's held text (b"" if none); the open
        findings are judged first (GuardrailBlocked if one blocks)."""
        choices = []
        for index, scanner in self._scanners.items():
            if not scanner.held:
                continue
            verdict = scanner.close()
            if verdict is not None:
                self.blocked = True
                self.block_verdict = verdict
                raise blocked_error(verdict, "Response")
            text = scanner.release(final=True)
            self._keep(text)
            choices.append({"index": index, "delta": {"content": text}, "finish_reason": None})
        if not choices:
            return b""
        envelope = dict(self._envelope or {"object": "chat.completion.chunk"})
        envelope["choices"] = choices
        envelope.pop("usage", None)
        return b"data: " + orjson.dumps(envelope) + b"\n\n"

    async def end(self) -> bytes:
        """Text still held when the upstream stream ended (judged first)."""
        return self._flush_event()

    def finish(self) -> None:
        """Collect the non-block verdicts of the stream (after it ended)."""
        for scanner in self._scanners.values():
            for verdict in scanner.triggered.values():
                self.triggered.append(verdict)
                if verdict.action == "redact" and not self.holdback:
                    self.unapplied_redactions += 1

    # -- whole responses ---------------------------------------------------------------

    async def whole(self, body: bytes) -> bytes:
        """Scan (and maybe rewrite) a non-streamed chat completion before it is sent.

        Only when an output guardrail blocks or redacts; otherwise the body goes
        out untouched and is scanned after the response.
        """
        if not self.enforce:
            return body
        obj = _load(body)
        choices = obj.get("choices") if isinstance(obj, dict) else None
        if not isinstance(choices, list):
            return body
        changed = False
        for choice in choices:
            message = choice.get("message") if isinstance(choice, dict) else None
            content = message.get("content") if isinstance(message, dict) else None
            if not isinstance(content, str) or not content:
                continue
            text = content
            for guardrail in self.guardrails:
                verdict = self.guards.on_output(scan_messages(guardrail, [text], self.cache)[0])
                if verdict.action == "block":
                    self.blocked = True
                    self.block_verdict = verdict
                    raise blocked_error(verdict, "Response")
                if verdict.action is not None:
                    self.triggered.append(verdict)
                if verdict.action == "redact" and verdict.redacted is not None:
                    text = verdict.redacted
            if text != content:
                assert isinstance(message, dict)
                message["content"] = text
                changed = True
            self._keep(text)
        return orjson.dumps(obj) if changed else body


def _load(data: bytes) -> Any:
    if not data or data == b"[DONE]":
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _content_deltas(obj: Any) -> list[tuple[int, dict[str, Any]]]:
    """(choice index, delta) for each choice whose delta carries text."""
    if not isinstance(obj, dict):
        return []
    choices = obj.get("choices")
    if not isinstance(choices, list):
        return []
    out = []
    for position, choice in enumerate(choices):
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta")
        if isinstance(delta, dict) and isinstance(delta.get("content"), str) and delta["content"]:
            index = choice.get("index")
            out.append((index if isinstance(index, int) else position, delta))
    return out
