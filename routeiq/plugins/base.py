"""The plugin API: a class with optional hooks that the pipeline calls.

A plugin is any class configured under ``routeiq.plugins`` (``path:
"package.module:Class"``); subclassing :class:`Plugin` is the easy way, but
any class with hooks of the right names works. The pipeline calls only the
hooks a plugin defines, so an absent hook costs nothing per request. Each
hook runs under the plugin's own ``deadline``; a hook that raises (anything
but :class:`Blocked`) or overruns is logged, counted and handled per the
plugin's ``failure_mode`` (``fail_open``: carry on as if the hook were not
there; ``fail_closed``: answer 503 ``plugin_unavailable``, never a 500).

Hooks, in request order (all ``async``)::

    on_request(call) -> Answer | None     phase 0, config order: may answer directly
    pre_call(call) -> None                 guardrail plugins: phase 1, concurrently,
                                           read-only; others: phase 2 after the
                                           built-in redactions, config order, may
                                           rewrite ``call.request`` in place
    on_chunk(call, chunk) -> None          each piece of streamed output text
    post_call_success(call, result)        in the background, after the response
    post_call_failure(call, error)         in the background, after the error

Any hook but the post-call ones may raise :class:`Blocked`: the client gets
400 ``guardrail_blocked`` naming the plugin (before the response started) or
an SSE error event that ends the stream (from ``on_chunk``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from routeiq.asgi.types import RequestContext
    from routeiq.errors import RouteIQError
    from routeiq.plugins.guardrails import Verdict

FailureMode = Literal["fail_open", "fail_closed"]

HOOKS = ("on_request", "pre_call", "on_chunk", "post_call_success", "post_call_failure")


class Blocked(Exception):
    """Raised by a hook to refuse the request or end the stream.

    ``message`` reaches the client: never put the offending text in it.
    """

    def __init__(self, message: str = "Blocked by a guardrail") -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Answer:
    """A direct answer from ``on_request``: the upstream is not called.

    ``body`` is sent as JSON with ``status``. When the client asked for a
    stream and ``body`` is a ``chat.completion``, it is sent as SSE chunks.
    """

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of streamed output: ``text`` of choice ``index``."""

    text: str
    index: int = 0


@dataclass(frozen=True, slots=True)
class CallResult:
    """What ``post_call_success`` sees about the response the client got.

    ``body`` is the whole response (non-streamed calls); ``text`` is the
    output text (streamed calls: assembled, up to ``output.max_text_chars``).
    """

    status: int
    deployment: str | None
    usage: dict[str, Any] | None
    stream: bool
    body: bytes | None = None
    text: str | None = None
    cost_usd: float | None = None  # priced by routeiq.pricing (None: no price known)


class PluginRequest:
    """One chat request as plugins see it.

    ``request`` is the parsed body; phase-2 hooks may rewrite it in place.
    ``verdicts`` lists the input guardrail verdicts that triggered (warn,
    log, redact). ``state`` is scratch space shared by the plugins of one
    request (e.g. a timestamp set in ``pre_call`` and read after the call).
    """

    __slots__ = ("ctx", "endpoint", "request", "state", "stream", "verdicts")

    def __init__(
        self, ctx: RequestContext, request: dict[str, Any], *, stream: bool, endpoint: str = "chat"
    ) -> None:
        self.ctx = ctx
        self.request = request
        self.stream = stream
        self.endpoint = endpoint
        self.verdicts: list[Verdict] = []
        self.state: dict[str, Any] = {}


class Plugin:
    """Convenience base class: every hook is a no-op the pipeline skips.

    ``Settings`` (a pydantic model) validates the YAML ``settings`` at config
    load, errors reported under the plugin's key path; the instance gets the
    validated model as ``self.settings`` (the raw dict without ``Settings``).
    ``guardrail = True`` makes ``pre_call`` a phase-1 guardrail.
    """

    Settings: ClassVar[type[BaseModel] | None] = None
    guardrail: ClassVar[bool] = False

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    async def on_request(self, call: PluginRequest) -> Answer | None:
        return None

    async def pre_call(self, call: PluginRequest) -> None:
        return None

    async def on_chunk(self, call: PluginRequest, chunk: Chunk) -> None:
        return None

    async def post_call_success(self, call: PluginRequest, result: CallResult) -> None:
        return None

    async def post_call_failure(self, call: PluginRequest, error: RouteIQError) -> None:
        return None


def implemented_hooks(cls: type) -> frozenset[str]:
    """The hooks ``cls`` really defines (a :class:`Plugin` subclass's no-op
    defaults do not count)."""
    found = set()
    for hook in HOOKS:
        fn = getattr(cls, hook, None)
        if fn is None or not callable(fn):
            continue
        if issubclass(cls, Plugin) and fn is getattr(Plugin, hook):
            continue
        found.add(hook)
    return frozenset(found)
