"""A mixed load from another process: streams (a fifth dropped), completions, bad requests.

python -m tests.e2e.load_mix URL KEY REQUESTS CONCURRENCY
"""

from __future__ import annotations

import random
import sys

import httpx
import trio

CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello gateway"}]}


async def one(c, rng):
    r = rng.random()
    try:
        if r < 0.5:
            body = {**CHAT, "stream": True, "metadata": {"mock_chunks": 5, "mock_chunk_gap": 0.01}}
            drop = rng.random() < 0.2
            async with c.stream("POST", "/v1/chat/completions", json=body) as resp:
                n = 0
                async for _ in resp.aiter_lines():
                    n += 1
                    if drop and n > 3:
                        break
        elif r < 0.9:
            await c.post("/v1/chat/completions", json=CHAT)
        else:
            bad = rng.choice(
                [
                    b"{not json",
                    b'{"model": "nope", "messages": [{"role": "user", "content": "x"}]}',
                    b'{"model": "gpt-test", "messages": "x"}',
                ]
            )
            await c.post(
                "/v1/chat/completions", content=bad, headers={"content-type": "application/json"}
            )
    except httpx.HTTPError:
        pass


async def main():
    url, key, n, conc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(
        base_url=url, headers={"authorization": f"Bearer {key}"}, limits=limits
    ) as c:

        async def worker(i):
            rng = random.Random(i)
            for _ in range(n // conc):
                await one(c, rng)

        async with trio.open_nursery() as nn:
            for i in range(conc):
                nn.start_soon(worker, i)


trio.run(main)
