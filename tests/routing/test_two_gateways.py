"""Two gateway processes sharing one real Redis: a conversation started on one
continues on the other with the same deployment (conversation header and
``previous_response_id`` alike)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import gateway_processes
from tests.redis_fixture import RedisServer

KEY = "sk-two-gateways-key"
PREFIX = "twogw:"
CHAT = {"model": "chat", "messages": [{"role": "user", "content": "hello"}]}


@pytest.fixture
def gateways(redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    def config(base: str) -> dict[str, object]:
        return {
            "model_list": [
                {
                    "model_name": "chat",
                    "litellm_params": {"model": "openai/up", "api_base": base, "api_key": "k"},
                    "model_info": {"id": f"d{i}"},
                }
                for i in range(4)
            ],
            "general_settings": {"master_key": KEY},
            "routeiq": {
                "state": {"backend": "redis", "redis_url": redis_url, "key_prefix": PREFIX}
            },
        }

    with gateway_processes(tmp_path, config) as (one, two):
        yield one, two


def wait_for_key(redis: RedisServer, key: str) -> None:
    """Affinity is recorded in the background after the answer: wait until it
    is in Redis (as a user's next turn would, by reading the answer)."""
    deadline = time.monotonic() + 5
    while redis.command("EXISTS", PREFIX + key) != b":1\r\n":
        assert time.monotonic() < deadline, f"{key} never reached Redis"
        time.sleep(0.005)


def test_conversation_moves_between_processes(
    gateways: tuple[str, str], redis_server: RedisServer
) -> None:
    one, two = gateways
    headers = {"authorization": f"Bearer {KEY}"}
    with httpx.Client(headers=headers, timeout=10) as c:
        homes = {}
        for n in range(10):
            conv = f"conv-{n}"
            r = c.post(
                f"{one}/v1/chat/completions", json=CHAT, headers={"x-routeiq-conversation-id": conv}
            )
            assert r.status_code == 200, r.text
            homes[conv] = r.headers["x-routeiq-deployment"]
            wait_for_key(redis_server, f"aff:c:{conv}")
        assert len(set(homes.values())) > 1  # the conversations are spread out
        for turn in range(4):
            url = two if turn % 2 == 0 else one
            for conv, home in homes.items():
                r = c.post(
                    f"{url}/v1/chat/completions",
                    json=CHAT,
                    headers={"x-routeiq-conversation-id": conv},
                )
                assert r.headers["x-routeiq-deployment"] == home, (conv, turn)
        # previous_response_id: each answer's id, recorded by whichever process
        # answered, leads the other process to the same deployment.
        r = c.post(f"{one}/v1/chat/completions", json=CHAT)
        home, rid = r.headers["x-routeiq-deployment"], r.json()["id"]
        for turn in range(6):
            wait_for_key(redis_server, f"aff:r:{rid}")
            url = two if turn % 2 == 0 else one
            r = c.post(f"{url}/v1/chat/completions", json={**CHAT, "previous_response_id": rid})
            assert r.headers["x-routeiq-deployment"] == home
            rid = r.json()["id"]
