"""Two gateway OS processes on one real Redis share the cache.

Each process loads its own all-MiniLM-L6-v2 and keeps its own vector index, fed
from the Redis stream; answers live in Redis (L2). A question answered through
process A is an exact hit through B, and a paraphrase of it is a semantic hit
through B within a second of A's response. B's hits carry A's response id: the
answer came from A's store, not from a second upstream call.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

HEADERS = {"authorization": f"Bearer {MASTER_KEY}"}
LOOKUP_ONLY = {**HEADERS, "cache-control": "no-store"}  # look up, never store
QUESTION = "How do I reset my home wifi router to factory settings?"
PARAPHRASE = "How can I reset my home wifi router to its factory settings?"
OTHER = "What is the boiling point of water on Mount Everest?"


def _chat(text: str) -> dict[str, object]:
    return {"model": "gpt-test", "temperature": 0, "messages": [{"role": "user", "content": text}]}


def _wait_ready(client: httpx.Client, url: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        r = client.get(f"{url}/health/ready")
        if r.status_code == 200:
            return
        time.sleep(0.2)  # the model loads in a thread; readiness waits for it
    raise AssertionError(f"{url} not ready: {r.status_code} {r.text}")


def test_two_gateway_processes_share_exact_and_semantic_hits(
    tmp_path: Path, redis_url: str
) -> None:
    def config(base: str) -> dict[str, object]:
        return config_dict(
            base,
            state={"backend": "redis", "redis_url": redis_url, "key_prefix": "twoproc:"},
            cache={"enabled": True},
        )

    with gateway_processes(tmp_path, config) as urls:
        a, b = urls
        assert a != b
        with httpx.Client(timeout=30) as client:
            for url in urls:
                _wait_ready(client, url)

            first = client.post(f"{a}/v1/chat/completions", json=_chat(QUESTION), headers=HEADERS)
            answered = time.monotonic()
            assert first.status_code == 200
            assert first.headers["x-routeiq-cache"] == "miss"
            first_id = first.json()["id"]

            # Semantic through B: B's index learns A's vector from the Redis stream.
            outcome, took = "miss", 0.0
            while time.monotonic() - answered < 10:
                r = client.post(
                    f"{b}/v1/chat/completions", json=_chat(PARAPHRASE), headers=LOOKUP_ONLY
                )
                assert r.status_code == 200
                outcome = r.headers["x-routeiq-cache"]
                if outcome == "hit-semantic":
                    took = time.monotonic() - answered
                    assert r.json()["id"] == first_id
                    assert float(r.headers["x-routeiq-cache-similarity"]) >= 0.95
                    break
                time.sleep(0.02)
            assert outcome == "hit-semantic"
            # Typically well under 1 s; the bound is the loop's 10 s (a loaded CI machine).
            print(f"semantic hit through the other process after {took:.3f} s")

            exact = client.post(f"{b}/v1/chat/completions", json=_chat(QUESTION), headers=HEADERS)
            assert exact.headers["x-routeiq-cache"] == "hit-exact"
            assert exact.json()["id"] == first_id

            # Another topic is a miss through both, and is answered by the upstream.
            for url in urls:
                r = client.post(
                    f"{url}/v1/chat/completions", json=_chat(OTHER), headers=LOOKUP_ONLY
                )
                assert r.headers["x-routeiq-cache"] == "miss"
                assert r.json()["id"] != first_id
