"""A gateway over real sockets in front of N mock upstreams, from a LiteLLM-style config.

``"{up0}"``, ``"{up1}"``... in the config are replaced by the mock upstreams' URLs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import trio
import yaml

from routeiq.config import load_config, load_config_file
from routeiq.gateway import Gateway
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import start_mock
from routeiq.testing import serve_gateway

KEY = "sk-compat-master-key"
AUTH = {"authorization": f"Bearer {KEY}"}


@dataclass
class Stack:
    url: str
    gw: Gateway
    mocks: list[MockUpstream]
    client: httpx.AsyncClient
    bases: list[str]

    def fill(self, data: Any) -> Any:
        """``data`` with ``{upN}`` replaced by the mock upstreams' URLs."""
        return _fill(data, self.bases)

    async def chat(
        self, model: str, text: str = "hi", headers: Mapping[str, str] | None = None, **extra: Any
    ) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
        return await self.client.post(
            f"{self.url}/v1/chat/completions", json=body, headers={**AUTH, **(headers or {})}
        )


def _fill(node: Any, bases: list[str]) -> Any:
    if isinstance(node, str):
        for i, base in enumerate(bases):
            node = node.replace(f"{{up{i}}}", base)
        return node
    if isinstance(node, dict):
        return {k: _fill(v, bases) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, bases) for v in node]
    return node


def _write_yaml(path: Path, doc: Any) -> None:
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")


@asynccontextmanager
async def litellm_stack(
    data: dict[str, Any],
    upstreams: int = 1,
    *,
    env: Mapping[str, str] | None = None,
    mock: list[MockSettings] | None = None,
    path: Path | None = None,
) -> AsyncIterator[Stack]:
    """``path``: write the config there as YAML and load it from the file (reloadable)."""
    async with trio.open_nursery() as nursery:
        mocks: list[MockUpstream] = []
        bases: list[str] = []
        for i in range(upstreams):
            m, base = await start_mock(nursery, mock[i] if mock else None)
            mocks.append(m)
            bases.append(base)
        doc = _fill(orjson.loads(orjson.dumps(data)), bases)
        doc.setdefault("general_settings", {})["master_key"] = KEY
        if path is not None:
            _write_yaml(path, doc)
            config = load_config_file(path, env=env or {})
        else:
            config = load_config(doc, env=env or {})
        url, gw = await serve_gateway(nursery, config)
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                yield Stack(url, gw, mocks, client, bases)
        finally:
            nursery.cancel_scope.cancel()
