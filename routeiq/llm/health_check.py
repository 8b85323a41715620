"""Deployment health checks, as LiteLLM's ``GET /health``: one real minimal call each.

A chat deployment gets a one-token completion, an embedding deployment
(``model_info.mode: embedding``) a one-word embedding. ``GET /health`` runs the
checks on demand; with ``general_settings.background_health_checks`` they run every
``health_check_interval`` seconds in the lifespan nursery and ``GET /health`` answers
from the latest round. A background failure opens the deployment's circuit breaker
until the next round, so requests stop going to it before a client meets the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import trio

from routeiq.deployment import Deployment
from routeiq.llm.proxy import read_limited, release
from routeiq.llm.upstream import Target

log = logging.getLogger("routeiq.health")

CHAT_PROBE: dict[str, Any] = {"messages": [{"role": "user", "content": "ping"}], "max_tokens": 1}
EMBED_PROBE: dict[str, Any] = {"input": "ping"}
MAX_CONCURRENT = 8
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    deployment: Deployment
    error: str | None  # None: healthy

    def entry(self) -> dict[str, Any]:
        """The deployment as LiteLLM lists it (its litellm_params, never the key)."""
        d = self.deployment
        out: dict[str, Any] = {
            "model": f"{d.provider}/{d.upstream_model}",
            "model_name": d.model_name,
            "model_id": d.id,
            "api_base": d.api_base,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


def report(results: Sequence[CheckResult]) -> dict[str, Any]:
    healthy = [r.entry() for r in results if r.error is None]
    unhealthy = [r.entry() for r in results if r.error is not None]
    return {
        "healthy_endpoints": healthy,
        "unhealthy_endpoints": unhealthy,
        "healthy_count": len(healthy),
        "unhealthy_count": len(unhealthy),
    }


class HealthChecker:
    """Checks every deployment (see the module docstring)."""

    def __init__(
        self,
        deployments: Sequence[Deployment],
        targets: Callable[[], Mapping[str, Target]],
        translators: Callable[[], Mapping[str, Any]],
        *,
        on_failure: Callable[[str, float], None] | None = None,
        interval: float = 300.0,
    ) -> None:
        self.deployments = [d for d in deployments if "*" not in d.upstream_model]
        self._targets = targets
        self._translators = translators
        self._on_failure = on_failure
        self.interval = interval
        self.latest: list[CheckResult] | None = None
        self._limiter = trio.CapacityLimiter(MAX_CONCURRENT)

    async def check_all(self) -> list[CheckResult]:
        results: list[CheckResult | None] = [None] * len(self.deployments)

        async def one(i: int, dep: Deployment) -> None:
            async with self._limiter:
                results[i] = CheckResult(dep, await self.check(dep))

        async with trio.open_nursery() as nursery:
            for i, dep in enumerate(self.deployments):
                nursery.start_soon(one, i, dep)
        return [r for r in results if r is not None]

    async def check(self, dep: Deployment) -> str | None:
        """None when ``dep`` answered the minimal call, else why not."""
        target = self._targets().get(dep.id)
        if target is None:
            return "not started"
        embedding = dep.model_info.get("mode") == "embedding"
        timeout = min(dep.timeout or DEFAULT_TIMEOUT, DEFAULT_TIMEOUT)
        with trio.move_on_after(timeout) as cancel_scope:
            try:
                return await self._call(dep, target, embedding)
            except httpx.HTTPError as exc:
                return f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
            except Exception as exc:  # a translation error of this deployment's adapter
                return f"{type(exc).__name__}: {exc}"[:500]
        assert cancel_scope.cancelled_caught
        return f"no answer within {timeout:g} s"

    async def _call(self, dep: Deployment, target: Target, embedding: bool) -> str | None:
        adapter = self._translators().get(dep.id)
        if adapter is not None:
            if embedding:
                return "embedding health checks are served for OpenAI-format providers only"
            call = adapter.prepare({"model": dep.upstream_model, **CHAT_PROBE}, False)
            url: str | httpx.URL = call.url
            headers, body = dict(call.headers), call.body
        else:
            endpoint = "embeddings" if embedding else "chat"
            probe = EMBED_PROBE if embedding else CHAT_PROBE
            url, headers = target.urls[endpoint], dict(target.headers)
            body = orjson.dumps({**probe, "model": dep.upstream_model})
        request = target.client.build_request("POST", url, content=body, headers=headers)
        response = await target.client.send(request, stream=True)
        try:
            if response.status_code >= 400:
                text = (await read_limited(response, 2048)).decode("utf-8", "replace")
                return f"HTTP {response.status_code}: {text}"
            await read_limited(response, 64 * 1024)
            return None
        finally:
            await response.aclose()
            release(response)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Background rounds until cancelled; start with ``nursery.start``."""
        task_status.started()
        while True:
            results = await self.check_all()
            self.latest = results
            now = trio.current_time()
            for r in results:
                if r.error is not None:
                    log.warning("health check failed: %s: %s", r.deployment.id, r.error)
                    if self._on_failure is not None:
                        self._on_failure(r.deployment.id, now + self.interval)
            await trio.sleep(self.interval)
