"""The stage loop (``api/flow.py``): enter in order until one answers, leave in reverse."""

from __future__ import annotations

import time
from typing import Any

import pytest

from routeiq.api.flow import Flow, run_stages
from routeiq.asgi.types import RequestContext
from routeiq.errors import GuardrailBlocked, RouteIQError, UpstreamError
from routeiq.llm.attempt import AttemptResult


class Recorder:
    def __init__(self, name: str, log: list[str], *, answers: bool = False, raises: Any = None):
        self.name, self.log, self.answers, self.raises = name, log, answers, raises

    async def enter(self, flow: Flow) -> bool:
        self.log.append(f"enter {self.name}")
        if self.raises is not None:
            raise self.raises
        return self.answers

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        answered = " (answered)" if flow.answered_by is self else ""
        self.log.append(f"leave {self.name} {type(error).__name__}{answered}")


def flow() -> Flow:
    async def nothing(*_: Any) -> Any:
        return None

    ctx = RequestContext("r", time.perf_counter())
    return Flow({}, nothing, nothing, ctx, {}, "m", "chat", False)


async def test_an_answering_stage_stops_the_loop_and_all_entered_leave_in_reverse() -> None:
    log: list[str] = []
    stages = [Recorder("guard", log), Recorder("cache", log, answers=True), Recorder("route", log)]
    await run_stages(stages, flow())
    assert log == [
        "enter guard",
        "enter cache",
        "leave cache NoneType (answered)",
        "leave guard NoneType",
    ]


async def test_the_last_attempts_error_reaches_every_leave() -> None:
    log: list[str] = []
    f = flow()
    broken = UpstreamError("broke mid-stream")

    class Route(Recorder):
        async def enter(self, flow: Flow) -> bool:
            flow.result = AttemptResult(error=broken, started=True)
            return await super().enter(flow)

    await run_stages([Recorder("guard", log), Route("route", log, answers=True)], f)
    assert log[-2:] == ["leave route UpstreamError (answered)", "leave guard UpstreamError"]


async def test_a_raising_stage_is_not_left_but_the_ones_before_it_are() -> None:
    log: list[str] = []
    blocked = GuardrailBlocked("no")
    with pytest.raises(GuardrailBlocked):
        await run_stages(
            [Recorder("first", log), Recorder("guard", log, raises=blocked), Recorder("x", log)],
            flow(),
        )
    assert log == ["enter first", "enter guard", "leave first GuardrailBlocked"]
