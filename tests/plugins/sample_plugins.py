"""Plugins loaded by import path in the tests (``tests.plugins.sample_plugins:Name``)."""

from __future__ import annotations

from typing import Any

import trio
from pydantic import BaseModel

from routeiq.errors import RouteIQError
from routeiq.plugins.base import Answer, Blocked, CallResult, Chunk, Plugin, PluginRequest


class SleepGuard(Plugin):
    """A guardrail plugin that awaits ``sleep`` seconds, then passes or blocks."""

    guardrail = True

    class Settings(BaseModel):
        sleep: float = 0.1
        block: bool = False

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.started: float | None = None
        self.finished: float | None = None
        self.cancelled = False

    async def pre_call(self, call: PluginRequest) -> None:
        self.started = trio.current_time()
        try:
            await trio.sleep(self.settings.sleep)
        except trio.Cancelled:
            self.cancelled = True
            raise
        self.finished = trio.current_time()
        if self.settings.block:
            raise Blocked("the sleep guard says no")


class Broken(Plugin):
    """Every hook raises (or hangs, with ``hang: true``)."""

    guardrail = False

    class Settings(BaseModel):
        hang: bool = False
        guardrail: bool = False

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.guardrail = settings.guardrail  # type: ignore[misc]

    async def _fail(self) -> None:
        if self.settings.hang:
            await trio.sleep_forever()
        raise RuntimeError("plugin bug")

    async def pre_call(self, call: PluginRequest) -> None:
        await self._fail()

    async def on_chunk(self, call: PluginRequest, chunk: Chunk) -> None:
        await self._fail()


class SystemPrompt(Plugin):
    """Rewrites the request: prepends a system message (phase 2)."""

    class Settings(BaseModel):
        text: str = "Be brief."

    async def pre_call(self, call: PluginRequest) -> None:
        call.request["messages"].insert(0, {"role": "system", "content": self.settings.text})


class Canned(Plugin):
    """Answers directly when the user says exactly ``ping``."""

    async def on_request(self, call: PluginRequest) -> Answer | None:
        last = call.request["messages"][-1].get("content")
        if last != "ping":
            return None
        return Answer(
            {
                "id": "chatcmpl-canned",
                "object": "chat.completion",
                "created": 0,
                "model": call.ctx.model or "",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "pong"},
                        "finish_reason": "stop",
                    }
                ],
            },
            headers={"x-canned": "1"},
        )


class Recorder(Plugin):
    """Records the post-call hooks and the streamed chunks; post-call sleeps ``sleep``."""

    class Settings(BaseModel):
        sleep: float = 0.0
        block_on: str | None = None

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.chunks: list[str] = []
        self.successes: list[CallResult] = []
        self.failures: list[RouteIQError] = []
        self.done = trio.Event()

    async def on_chunk(self, call: PluginRequest, chunk: Chunk) -> None:
        self.chunks.append(chunk.text)
        if self.settings.block_on and self.settings.block_on in chunk.text:
            raise Blocked("recorder saw a forbidden word")

    async def post_call_success(self, call: PluginRequest, result: CallResult) -> None:
        await trio.sleep(self.settings.sleep)
        self.successes.append(result)
        self.done.set()

    async def post_call_failure(self, call: PluginRequest, error: RouteIQError) -> None:
        self.failures.append(error)
        self.done.set()


class NotAPlugin:
    """No hooks at all."""

    def run(self) -> None:
        pass


class ExplodingInit(Plugin):
    async def pre_call(self, call: PluginRequest) -> None:
        return None

    def __init__(self, settings: Any) -> None:
        raise RuntimeError("cannot start")


class DuckTyped:
    """Not a Plugin subclass: hooks found by name."""

    def __init__(self, settings: Any) -> None:
        self.calls = 0

    async def pre_call(self, call: PluginRequest) -> None:
        self.calls += 1
