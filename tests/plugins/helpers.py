"""Shared helpers for the pipeline tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import trio

from routeiq.asgi.types import RequestContext
from routeiq.plugins.pipeline import Pipeline, RequestRun
from routeiq.plugins.settings import GuardrailsSection, PluginSpec

SAMPLE = "tests.plugins.sample_plugins"


def spec(cls: str, **kw: Any) -> PluginSpec:
    return PluginSpec(path=f"{SAMPLE}:{cls}", **kw)


def ctx(key: str | None = None, team: str | None = None) -> RequestContext:
    c = RequestContext("req-1", 0.0)
    c.key_name, c.team, c.model = key, team, "gpt-test"
    return c


def chat(*texts: str, stream: bool = False) -> dict[str, Any]:
    roles = ["user", "assistant"]
    return {
        "model": "gpt-test",
        "stream": stream,
        "messages": [{"role": roles[i % 2], "content": t} for i, t in enumerate(texts)],
    }


@asynccontextmanager
async def started(
    section: GuardrailsSection | None = None,
    specs: list[PluginSpec] | None = None,
    identities: list[tuple[str | None, str | None]] | None = None,
) -> AsyncIterator[Pipeline]:
    """A pipeline started in a nursery (background work runs there)."""
    pipeline = Pipeline(section or GuardrailsSection(), specs or [], identities or [])
    async with trio.open_nursery() as nursery:
        await nursery.start(pipeline.run)
        yield pipeline
        nursery.cancel_scope.cancel()


def run_of(pipeline: Pipeline, request: dict[str, Any], **kw: Any) -> RequestRun:
    run = pipeline.begin(ctx(**kw), request, stream=bool(request.get("stream")))
    assert run is not None
    return run


async def no_send(message: Any) -> None:
    raise AssertionError(f"nothing should be sent: {message}")


async def background_done(pipeline: Pipeline) -> None:
    with trio.fail_after(5):
        while pipeline.work.pending:
            await trio.sleep(0.001)
