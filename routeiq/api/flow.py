"""One request's way through the pipeline stages, and the one interface they share.

A surface (chat completions today; Responses and Messages translate into it)
parses and validates its body, then hands a :class:`Flow` to :func:`run_stages`
with the stages that apply: guardrails, cache, route+call. Each stage may
answer the request itself (a plugin's answer, a cache hit) or wrap ``send``,
and after the response each entered stage ``leave``s in reverse order, given
the request's final error (``None`` when it was served): post-call plugins,
cache store, learned-route log. Nothing here does I/O of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from routeiq.asgi.types import Receive, RequestContext, Scope, Send
from routeiq.errors import RouteIQError
from routeiq.llm.attempt import AttemptResult

if TYPE_CHECKING:
    from routeiq.cache.request import CacheRequest
    from routeiq.plugins.pipeline import RequestRun


@dataclass(slots=True, eq=False)
class Flow:
    """What the stages share about one request."""

    scope: Scope
    receive: Receive
    send: Send  # wrapped by the stages (warning header, cache capture)
    ctx: RequestContext
    req: dict[str, Any]
    model: str  # the model group asked for (a learned route replaces it)
    endpoint: str  # "chat" or "embeddings": the upstream path
    stream: bool
    guard: RequestRun | None = None  # the plugins' and guardrails' run (routeiq.plugins)
    cached: CacheRequest | None = None  # the cache handle (also lends its prompt embedding)
    answered_by: Stage | None = None  # the stage that answered, when one did
    body: bytes | None = None  # the whole answer the client got (a cached or upstream body)
    result: AttemptResult | None = None  # the route stage's last attempt

    @property
    def error(self) -> RouteIQError | None:
        """The error the client was told mid-response (``None``: served)."""
        return None if self.result is None else self.result.error


class Stage(Protocol):
    async def enter(self, flow: Flow) -> bool:
        """Run before the upstream; True: this stage answered the request."""
        ...

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        """After the response (returns at once: background work is spawned)."""
        ...


async def run_stages(stages: Sequence[Stage], flow: Flow) -> None:
    """Enter ``stages`` in order until one answers; then leave the entered ones,
    innermost first. A gateway error raised by a stage's ``enter`` is passed to
    the stages entered before it, then re-raised for the error boundary; a stage
    whose own ``enter`` raised is not left (a blocked prompt has no after)."""
    entered: list[Stage] = []
    try:
        for stage in stages:
            answered = await stage.enter(flow)
            entered.append(stage)
            if answered:
                flow.answered_by = stage
                break
    except RouteIQError as err:
        for stage in reversed(entered):
            stage.leave(flow, err)
        raise
    error = flow.error
    for stage in reversed(entered):
        stage.leave(flow, error)
