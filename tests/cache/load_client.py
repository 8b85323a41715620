"""A load generator in its own process, so its work never counts as the gateway's
loop time: ``python -m tests.cache.load_client URL KEY CLIENTS ROUNDS TEXTS_JSON``.

Each of CLIENTS concurrent clients (one keep-alive connection each) sends ROUNDS
chat requests, client i asking TEXTS[(i + r) % len(TEXTS)] in round r. Prints one
JSON object: the count of each x-routeiq-cache outcome and the latencies (ms).
"""

from __future__ import annotations

import sys
import time
from collections import Counter

import httpx
import orjson
import trio


async def main(url: str, key: str, clients: int, rounds: int, texts: list[str]) -> None:
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    start = trio.Event()

    async def one(i: int) -> None:
        headers = {"authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as c:
            await c.get("/health/live")  # connect before the burst
            await start.wait()
            for r in range(rounds):
                body = {
                    "model": "gpt-test",
                    "temperature": 0,
                    "messages": [{"role": "user", "content": texts[(i + r) % len(texts)]}],
                }
                t0 = time.perf_counter()
                resp = await c.post("/v1/chat/completions", json=body)
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[resp.status_code] += 1
                outcomes[resp.headers.get("x-routeiq-cache", "none")] += 1

    async with trio.open_nursery() as nursery:
        for i in range(clients):
            nursery.start_soon(one, i)
        await trio.sleep(0.5)
        t0 = time.perf_counter()
        start.set()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    out = {
        "outcomes": dict(outcomes),
        "statuses": {str(k): v for k, v in statuses.items()},
        "seconds": elapsed,
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }
    sys.stdout.write(orjson.dumps(out).decode() + "\n")


if __name__ == "__main__":
    url, key, clients, rounds, texts = sys.argv[1:6]
    trio.run(main, url, key, int(clients), int(rounds), orjson.loads(texts))
