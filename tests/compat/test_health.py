"""LiteLLM's GET /health (real minimal calls) and its aliases; background checks."""

from __future__ import annotations

from typing import Any

import httpx
import trio
import trio.testing

from routeiq.config import load_config
from routeiq.llm.health_check import HealthChecker
from routeiq.llm.upstream import Target
from tests.compat.stack import AUTH, litellm_stack


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_health_lists_healthy_and_unhealthy_deployments() -> None:
    dead = f"http://127.0.0.1:{_free_port()}/v1"
    data = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/up", "api_base": "{up0}", "api_key": "k"},
                "model_info": {"id": "alive"},
            },
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/up", "api_base": dead, "api_key": "k"},
                "model_info": {"id": "dead"},
            },
            {
                "model_name": "emb",
                "litellm_params": {"model": "openai/e", "api_base": "{up0}", "api_key": "k"},
                "model_info": {"id": "emb", "mode": "embedding"},
            },
        ]
    }
    async with litellm_stack(data) as s:
        r = await s.client.get(f"{s.url}/health")
        assert r.status_code == 401
        r = await s.client.get(f"{s.url}/health", headers=AUTH)
        assert r.status_code == 200
        body = r.json()
        assert body["healthy_count"] == 2 and body["unhealthy_count"] == 1
        assert sorted(e["model_id"] for e in body["healthy_endpoints"]) == ["alive", "emb"]
        (bad,) = body["unhealthy_endpoints"]
        assert bad["model_id"] == "dead" and bad["api_base"] == dead
        assert "ConnectError" in bad["error"]
        assert all("api_key" not in e for e in body["healthy_endpoints"])
        # the checks were real calls: one chat (max_tokens 1) and one embedding
        assert s.mocks[0].stats.last().body["max_tokens"] == 1
        assert s.mocks[0].stats.requests == 2
        for path in ("/health/liveliness", "/health/readiness"):
            r = await s.client.get(f"{s.url}{path}")
            assert r.status_code == 200, path


def _checker(fail: set[str], opened: list[tuple[str, float, float]]) -> HealthChecker:
    config = load_config(
        {
            "model_list": [
                {
                    "model_name": "chat",
                    "litellm_params": {
                        "model": f"openai/{i}",
                        "api_base": "http://up",
                        "api_key": "k",
                    },
                    "model_info": {"id": i},
                }
                for i in ("a", "b")
            ]
        },
        env={},
    )

    async def handler(request: httpx.Request) -> httpx.Response:
        model = request.read().decode()
        if any(f'"{m}"' in model for m in fail):
            return httpx.Response(503, stream=httpx.ByteStream(b'{"error": "down"}'))
        return httpx.Response(200, stream=httpx.ByteStream(b'{"choices": []}'))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    targets = {
        d.id: Target(d, client, {"chat": httpx.URL("http://up/chat/completions")}, {})
        for d in config.deployments
    }

    def failed(dep_id: str, until: float) -> None:
        opened.append((dep_id, trio.current_time(), until))

    return HealthChecker(
        config.deployments, lambda: targets, lambda: {}, on_failure=failed, interval=300.0
    )


async def test_background_rounds_feed_the_breakers_at_exact_times(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fail = {"b"}
    opened: list[tuple[str, float, float]] = []
    results: list[Any] = []
    t0 = trio.current_time()
    checker = _checker(fail, opened)
    async with trio.open_nursery() as nursery:
        await nursery.start(checker.run)
        await trio.sleep(1)
        results.append(checker.latest)
        fail.clear()
        await trio.sleep(300)
        results.append(checker.latest)
        nursery.cancel_scope.cancel()
    # once, at the first round: the second round (t0 + 300) found it healthy
    assert [(d, at - t0, until - t0) for d, at, until in opened] == [("b", 0.0, 300.0)]
    first, second = results
    assert [(r.deployment.id, r.error is None) for r in first] == [("a", True), ("b", False)]
    assert "HTTP 503" in first[1].error
    assert all(r.error is None for r in second)


async def test_liveness_routes_answer_as_litellm() -> None:
    """LiteLLM serves ``/health/liveliness`` and the Kubernetes spelling ``/health/liveness``
    without a key: ``"I'm alive!"``, and 503 ``{"status": "shutting_down"}`` while draining
    (a Helm chart probing ``/health/liveness`` got a 404 and restarted the pod)."""
    data = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/up", "api_base": "{up0}", "api_key": "k"},
            }
        ]
    }
    async with litellm_stack(data) as s:
        for path in ("/health/liveliness", "/health/liveness"):
            r = await s.client.get(f"{s.url}{path}")
            assert (r.status_code, r.json()) == (200, "I'm alive!"), path
        s.gw.lifecycle.draining = True
        try:
            for path in ("/health/liveliness", "/health/liveness"):
                r = await s.client.get(f"{s.url}{path}")
                assert (r.status_code, r.json()) == (503, {"status": "shutting_down"}), path
        finally:
            s.gw.lifecycle.draining = False


async def test_readiness_answers_in_litellm_terms() -> None:
    """LiteLLM's /health/readiness says ``healthy`` (200) and ``shutting_down`` (503);
    RouteIQ's own /health/ready keeps its words."""
    data = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/up", "api_base": "{up0}", "api_key": "k"},
            }
        ]
    }
    async with litellm_stack(data) as s:
        r = await s.client.get(f"{s.url}/health/readiness")
        assert r.status_code == 200
        assert (r.json()["status"], r.json()["routeiq_status"]) == ("healthy", "ready")
        assert r.json()["db"] == "connected"  # the key database (SQLite here) answers
        r = await s.client.get(f"{s.url}/health/ready")
        assert (r.status_code, r.json()["status"]) == (200, "ready")
        s.gw.lifecycle.draining = True
        try:
            r = await s.client.get(f"{s.url}/health/readiness")
            assert (r.status_code, r.json()["status"]) == (503, "shutting_down")
        finally:
            s.gw.lifecycle.draining = False


async def test_readiness_without_a_key_database_says_not_connected() -> None:
    """LiteLLM 1.110.2 without a database: ``{"status": "healthy", "db": "Not connected"}``."""
    from routeiq.testing import running_stack

    async with running_stack(governance={"enabled": False}) as s, httpx.AsyncClient() as c:
        r = await c.get(f"{s.url}/health/readiness")
        body = r.json()
        assert (r.status_code, body["status"], body["db"]) == (200, "healthy", "Not connected")
