"""An in-process stack for translated providers: provider mocks + the real gateway.

The gateway is built by ``create_app`` from a config with one ``anthropic/``
deployment whose ``api_base`` points at ``MockAnthropic`` (plus any extra
``model_list`` entries), served over real sockets on 127.0.0.1 port 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import trio

from routeiq.asgi.types import ASGIApp
from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.server import bind_socket, serve_app, url_of
from routeiq.testing import serve_gateway
from tests.conftest import MASTER_KEY
from tests.llm.translated.mock_anthropic import API_KEY, MockAnthropic

CLAUDE = "claude-sonnet-4-5"  # priced in litellm's map: 3e-6 in, 1.5e-5 out, 3e-7 cache read


@dataclass
class ProviderStack:
    url: str
    gw: Gateway
    anthropic: MockAnthropic
    headers: dict[str, str]


async def serve(nursery: trio.Nursery, app: ASGIApp) -> str:
    sock = bind_socket("127.0.0.1", 0)
    await nursery.start(serve_app, app, sock)
    return url_of(sock)


def anthropic_entry(base: str, **params: Any) -> dict[str, Any]:
    return {
        "model_name": "claude",
        "litellm_params": {
            "model": f"anthropic/{CLAUDE}",
            "api_base": base,
            "api_key": API_KEY,
            **params,
        },
        "model_info": {"id": "dep-claude"},
    }


@asynccontextmanager
async def provider_stack(
    mock: MockAnthropic | None = None,
    *,
    extra_models: list[dict[str, Any]] | None = None,
    anthropic_params: dict[str, Any] | None = None,
    **routeiq: Any,
) -> AsyncIterator[ProviderStack]:
    mock = mock or MockAnthropic()
    async with trio.open_nursery() as nursery:
        base = await serve(nursery, mock)
        data = {
            "model_list": [
                anthropic_entry(base, **(anthropic_params or {})),
                *(extra_models or []),
            ],
            "general_settings": {"master_key": MASTER_KEY},
            "routeiq": routeiq,
        }
        url, gw = await serve_gateway(nursery, load_config(data))
        try:
            yield ProviderStack(url, gw, mock, {"authorization": f"Bearer {MASTER_KEY}"})
        finally:
            nursery.cancel_scope.cancel()
