"""A client that hangs up mid-stream is charged, so a budget cannot be bypassed by leaving
before the stream's last event (its usage).

Found by the outside-evaluator probe: with ``max_budget`` set, a client read the first
events of a stream and closed the connection; the spend row said 499 and 0 USD, the
reservation was released at 0, and the next request was admitted as if nothing had
been spent, while the upstream bills every token it generated.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest
import trio

from routeiq.governance.service import unmetered
from routeiq.mock_upstream import MockSettings
from routeiq.testing import running_stack
from tests.conftest import CHAT
from tests.governance.prices import cheap


def test_which_requests_without_usage_still_cost() -> None:
    assert unmetered(200, "gpt-test-0") and unmetered(200, None)
    assert unmetered(499, "gpt-test-0")  # left after a deployment was called
    assert not unmetered(499, None)  # left before any upstream work (e.g. guardrails)
    assert not unmetered(502, "gpt-test-0") and not unmetered(429, None)


async def test_a_client_that_hangs_up_mid_stream_is_charged_its_reservation(
    tmp_path: Path,
) -> None:
    slow = MockSettings(chunks=20, chunk_gap=0.2)  # a 4 s stream
    async with (
        running_stack(slow, edit=cheap, governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        r = await c.post(f"{s.url}/key/generate", json={"max_budget": 0.1}, headers=s.headers)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        body = {**CHAT, "stream": True, "max_tokens": 50}  # reservation ~0.07 USD
        async with c.stream("POST", f"{s.url}/v1/chat/completions", json=body, headers=auth) as r:
            assert r.status_code == 200
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    break  # the first event, then hang up
        await trio.sleep(1.5)  # settled, and the spend batch written
        q = {"api_key": key}
        (row,) = (await c.get(f"{s.url}/spend/logs", params=q, headers=s.headers)).json()["data"]
        assert row["status"] == 499
        assert row["spend"] > 50 * 0.001  # the reservation: 50 output tokens and the prompt
        # What is left of the 0.1 USD budget no longer fits another such request.
        r = await c.post(f"{s.url}/v1/chat/completions", json=body, headers=auth)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "budget_exceeded"


async def test_a_client_that_leaves_a_stream_before_its_first_byte_is_charged_its_prompt(
    tmp_path: Path,
) -> None:
    """The upstream was called but had streamed nothing when the client hung up: the
    call was cancelled before any output, so the spend is the prompt (the admission's
    estimate, body bytes / 4 + 1, at the input price), not the whole reservation. Without
    a stream the upstream may have generated the whole answer unsent (and bills it), so
    that client is charged the reservation: leaving early is no way around a budget."""
    late = MockSettings(latency=5.0)  # the answer would come after 5 s
    async with (
        running_stack(late, edit=cheap, governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        r = await c.post(f"{s.url}/key/generate", json={"max_budget": 10}, headers=s.headers)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}", "content-type": "application/json"}
        bodies = {
            st: orjson.dumps({**CHAT, "stream": st, "max_tokens": 500}) for st in (False, True)
        }
        for raw in bodies.values():
            with trio.move_on_after(0.5):  # hang up while the upstream is still silent
                await c.post(f"{s.url}/v1/chat/completions", content=raw, headers=auth)
        await trio.sleep(1.5)  # settled, and the spend batch written
        q = {"api_key": key}
        rows = (await c.get(f"{s.url}/spend/logs", params=q, headers=s.headers)).json()["data"]
        assert [row["status"] for row in rows] == [499, 499]
        streamed, whole = sorted(row["spend"] for row in rows)
        assert streamed == pytest.approx(0.001 * (len(bodies[True]) // 4 + 1))
        assert whole > 500 * 0.001  # the reservation: 500 output tokens and the prompt
