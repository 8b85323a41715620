"""No buffering and prompt cancellation, measured on real sockets with the real clock."""

from __future__ import annotations

import itertools
import time

import httpx
import orjson
import trio

from tests.conftest import CHAT_STREAM, running_stack


async def test_each_chunk_arrives_as_it_is_sent() -> None:
    """20 chunks 100 ms apart: chunk 1 arrives before chunk 2 is sent; each within a few ms."""
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        req = {**CHAT_STREAM, "metadata": {"mock_chunks": 20, "mock_chunk_gap": 0.1}}
        arrivals: list[float] = []
        async with c.stream("POST", "/v1/chat/completions", json=req) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: ") and '"chat.completion.chunk"' in line:
                    arrivals.append(time.monotonic())
                    if len(arrivals) == 1:
                        # The upstream has not sent chunk 2 yet.
                        assert len(s.mock.stats.last().chunk_times) == 1
        sent = s.mock.stats.last().chunk_times
        assert len(sent) == 20
        assert len(arrivals) == 21  # 20 content chunks + the finish chunk
        lags = [a - t for a, t in zip(arrivals, sent, strict=False)]
        # A few ms each normally; buffering would hold chunks for 0.1-1.9 s. Median and
        # max with slack a loaded 2-core CI machine cannot trip (bench/streaming_ttft.py
        # measures the figure itself).
        assert sorted(lags)[len(lags) // 2] < 0.05, lags
        assert max(lags) < 1.0, lags
        assert sent[-1] - sent[0] > 1.8  # really spread over ~1.9 s


async def test_client_disconnect_closes_upstream_fast() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        req = {**CHAT_STREAM, "metadata": {"mock_chunks": 50, "mock_chunk_gap": 0.05}}
        async with c.stream("POST", "/v1/chat/completions", json=req) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    break
            dropped = time.monotonic()
        # Leaving the block closed the connection mid-stream.
        with trio.fail_after(2):
            while s.mock.stats.last().closed_at is None:
                await trio.sleep(0.005)
        closed_at = s.mock.stats.last().closed_at
        assert closed_at is not None
        assert closed_at - dropped < 1.0  # at once, not after the 2.5 s stream (CI slack)
        assert not s.mock.stats.last().completed
        with trio.fail_after(2):
            while s.gw.lifecycle.in_flight:
                await trio.sleep(0.005)
        text = (await c.get("/metrics")).text
        assert 'route="/v1/chat/completions",model="gpt-test",status="499"} 1' in text


async def test_mock_stamps_each_chunk_with_its_send_time_on_request() -> None:
    """bench/streaming_ttft.py measures gaps against these stamps, through the gateway."""
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        for stamp in (True, False):
            meta = {"mock_chunks": 5, "mock_chunk_gap": 0.01, "mock_stamp": stamp}
            async with c.stream(
                "POST", "/v1/chat/completions", json={**CHAT_STREAM, "metadata": meta}
            ) as r:
                stamps = [
                    float(orjson.loads(line[6:])["x_mock_sent"])
                    async for line in r.aiter_lines()
                    if line.startswith("data: {") and "x_mock_sent" in line
                ]
            sent = s.mock.stats.last().chunk_times
            if not stamp:
                assert stamps == []
                continue
            assert len(stamps) == len(sent) >= 3  # one per content chunk
            assert all(a <= b for a, b in zip(stamps, sent, strict=True))
            assert all(b - a >= 0.009 for a, b in itertools.pairwise(stamps))
