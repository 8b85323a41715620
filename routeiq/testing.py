"""The test harness: a gateway with a mock upstream, over sockets or in-process.

Two ways to run a gateway in a test, both built by ``create_app`` as production is:

- :func:`running_stack`: the project's mock upstream (``routeiq.mock_upstream``)
  and the gateway served by hypercorn on ``127.0.0.1`` port 0, for the official
  clients (``openai``, ``anthropic``...) over real sockets;
- :func:`in_process`: the gateway started in the current nursery with a
  :class:`ScriptedUpstream` (or any fake ``httpx`` transport: an A2A agent, say)
  as its network (no sockets), driven by :func:`asgi_call`, so every deadline,
  retry and backoff runs on trio's virtual clock
  (``trio.testing.MockClock(autojump_threshold=0)``) and is asserted to the exact
  virtual second.

Tests do not assemble gateways of their own (from ``mount()`` calls or component
constructors): a surface (A2A, MCP, the cache...) is tested through the whole app,
turned on by its config section (:func:`config_dict`), so the route table, the
middleware and the start-up steps under test are production's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
import orjson
import trio

from routeiq.app import create_app
from routeiq.asgi.types import ASGIApp, Message, http_scope
from routeiq.config import Config, load_config
from routeiq.gateway import Gateway
from routeiq.lifecycle import Lifecycle
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import bind_socket, serve_app, start_mock, url_of
from routeiq.ssrf import Resolver

MASTER_KEY = "sk-test-master-key"
#: The headers of a request made with the master key.
AUTH = {"authorization": f"Bearer {MASTER_KEY}"}
T = TypeVar("T", bound=httpx.AsyncBaseTransport)
CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello gateway"}]}


def config_dict(base: str, **routeiq: Any) -> dict[str, Any]:
    """A chat group ``gpt-test`` and an embeddings group ``embed-test`` on ``base``."""
    return {
        "model_list": [
            {
                "model_name": "gpt-test",
                "litellm_params": {"model": "openai/gpt-test", "api_base": base, "api_key": "k"},
                "model_info": {"id": "dep-a"},
            },
            {
                "model_name": "embed-test",
                "litellm_params": {"model": "openai/embed-x", "api_base": base, "api_key": "k"},
                "model_info": {"id": "dep-e"},
            },
        ],
        "general_settings": {"master_key": MASTER_KEY},
        "routeiq": routeiq,
    }


#: Where the chat deployments of a test that calls no model point.
NOWHERE = "http://127.0.0.1:9/v1"


def surface_config(
    state: dict[str, Any] | None = None, *, allow: str = "127.0.0.1/32", **routeiq: Any
) -> dict[str, Any]:
    """:func:`config_dict` for testing a surface that calls no model (A2A, MCP...):
    the SSRF guard allows ``allow`` (where the test's agents and servers listen),
    ``state`` is the state section (a shared Redis, say)."""
    sections: dict[str, Any] = {"ssrf": {"allow_networks": [allow]}, **routeiq}
    if state is not None:
        sections["state"] = state
    return config_dict(NOWHERE, **sections)


@dataclass
class Stack:
    url: str
    mock: MockUpstream
    gw: Gateway
    headers: dict[str, str]


def build_gateway(
    config: Config,
    *,
    open_upstreams: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> tuple[ASGIApp, Gateway]:
    """The app and gateway for ``config``, built as production builds them but not
    started (for in-process calls that need no lifespan: fuzzing the surfaces, wiring
    checks); ``open_upstreams`` opens the upstream pools a request path needs;
    ``transport``/``resolver``: a fake network and its DNS."""
    lifecycle = Lifecycle(config.routeiq.server.max_in_flight)
    app, gw = create_app(config, lifecycle, transport=transport, resolver=resolver)
    if open_upstreams:
        gw.upstreams.open()
    return app, gw


async def serve_gateway(
    nursery: trio.Nursery,
    config: Config,
    *,
    prepare: Callable[[Gateway], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> tuple[str, Gateway]:
    """Build the app for ``config`` as production does, let ``prepare`` adjust the
    gateway before it starts (a test's embedding model, say), and serve it on
    127.0.0.1 port 0 in ``nursery`` (returns once its start-up steps have run);
    returns its base URL and the gateway."""
    app, gw = build_gateway(config, transport=transport, resolver=resolver)
    if prepare is not None:
        prepare(gw)
    sock = bind_socket("127.0.0.1", 0)
    await nursery.start(serve_app, app, sock)
    return url_of(sock), gw


@asynccontextmanager
async def running_stack(
    mock_settings: MockSettings | None = None,
    edit: Callable[[dict[str, Any]], None] | None = None,
    **routeiq: Any,
) -> AsyncIterator[Stack]:
    """Mock upstream + gateway served over real sockets on 127.0.0.1 port 0
    (``edit`` may change the config dict, e.g. a deployment's prices)."""
    async with trio.open_nursery() as nursery:
        mock, base = await start_mock(nursery, mock_settings)
        data = config_dict(base, **routeiq)
        if edit is not None:
            edit(data)
        url, gw = await serve_gateway(nursery, load_config(data))
        try:
            yield Stack(url, mock, gw, {"authorization": f"Bearer {MASTER_KEY}"})
        finally:
            nursery.cancel_scope.cancel()


# -- in-process, on the virtual clock ------------------------------------------------


#: How a scripted upstream answers one request: after ``delay`` seconds (trio time)
#: with ``status`` and ``body``; ``delay=None`` never answers (until cancelled).
@dataclass(frozen=True, slots=True)
class Reply:
    delay: float | None = 0.0
    status: int = 200
    body: Mapping[str, Any] | None = None
    #: An SSE answer instead of ``body``: (seconds to wait, bytes to send) in order;
    #: ``then_break`` ends it with a dropped connection instead of a clean end.
    events: tuple[tuple[float, bytes], ...] = ()
    then_break: bool = False


class _Events(httpx.AsyncByteStream):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for wait, data in self.reply.events:
            await trio.sleep(wait)
            yield data
        if self.reply.then_break:
            raise httpx.ReadError("connection dropped (scripted)")


HANG = Reply(delay=None)


def completion(text: str = "ok", model: str = "gpt-test") -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }


@dataclass
class ScriptedUpstream(httpx.AsyncBaseTransport):
    """A fake upstream network: per host, the replies in order (the last repeats).

    Records ``(trio time, host)`` for each request and ``(trio time, host)`` when
    a request was cancelled (the gateway gave up on it, or the client left)."""

    script: dict[str, list[Reply]]
    calls: list[tuple[float, str]] = field(default_factory=list)
    cancelled: list[tuple[float, str]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.calls.append((trio.current_time(), host))
        replies = self.script[host]
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        try:
            if reply.delay is None:
                await trio.sleep_forever()
            else:
                await trio.sleep(reply.delay)
        except trio.Cancelled:
            self.cancelled.append((trio.current_time(), host))
            raise
        if reply.events:
            headers = {"content-type": "text/event-stream"}
            return httpx.Response(reply.status, stream=_Events(reply), headers=headers)
        body = orjson.dumps(reply.body if reply.body is not None else completion())
        # A stream (not ``content=``): the exchange reads the body with ``aiter_raw``.
        return httpx.Response(
            reply.status,
            stream=httpx.ByteStream(body),
            headers={"content-type": "application/json"},
        )


@dataclass
class Answer:
    """What a client got from :func:`asgi_call`, and when (trio time)."""

    status: int
    headers: dict[bytes, bytes]
    body: bytes
    started_at: float
    ended_at: float

    def json(self) -> Any:
        return orjson.loads(self.body)


async def asgi_call(
    app: ASGIApp,
    path: str,
    payload: Mapping[str, Any] | None = None,
    *,
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """One HTTP request straight into ``app`` (no sockets): the body, then the
    connection stays open until the response ended (then ``http.disconnect``)."""
    body = orjson.dumps(payload) if payload is not None else b""
    raw = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = http_scope(method, path, raw)
    done = trio.Event()
    sent_body = False
    status, out_headers, parts = 0, {}, []
    started_at = ended_at = 0.0

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, out_headers, started_at, ended_at
        if message["type"] == "http.response.start":
            status = message["status"]
            out_headers = dict(message.get("headers") or [])
            started_at = trio.current_time()
        elif message["type"] == "http.response.body":
            parts.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                ended_at = trio.current_time()
                done.set()

    await app(scope, receive, send)
    return Answer(status, out_headers, b"".join(parts), started_at, ended_at)


@dataclass
class InProcess(Generic[T]):
    app: ASGIApp
    gw: Gateway
    upstream: T

    def call(
        self, path: str, payload: Mapping[str, Any] | None = None, **kw: Any
    ) -> Awaitable[Answer]:
        return asgi_call(self.app, path, payload, **kw)


@asynccontextmanager
async def in_process(
    document: dict[str, Any], upstream: T, *, resolver: Resolver | None = None
) -> AsyncIterator[InProcess[T]]:
    """The gateway for ``document`` (a config dict), started in this task's nursery
    with ``upstream`` (a :class:`ScriptedUpstream` or any fake transport) as its
    network and ``resolver`` as its DNS; shut down (in reverse order) on exit."""
    app, gw = build_gateway(load_config(document), transport=upstream, resolver=resolver)
    async with trio.open_nursery() as nursery:
        await gw.startup(nursery)
        try:
            yield InProcess(app, gw, upstream)
        finally:
            await gw.shutdown()
            nursery.cancel_scope.cancel()
