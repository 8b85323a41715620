"""A task router and a route's cost-weight mixture, through the real gateway (real
sockets, one mock per candidate answering with its own name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from routeiq.cache.embedder import SentenceEncoder
from routeiq.learned.data import Row
from routeiq.learned.train import train_router
from tests.learned.conftest import EASY, EASY_TEST, HARD, HARD_TEST, chat, encode, learned_stack


def task_router(model: SentenceEncoder, path: Path) -> None:
    rows = [
        Row(
            t,
            {"cheap": 0.0 if t in HARD else 1.0, "strong": 1.0},
            {"cheap": 0.00003, "strong": 0.003},
            {"task": "hard" if t in HARD else "chat"},
        )
        for t in EASY + HARD
    ]
    router = train_router(rows, encode(model, EASY + HARD), kind="task")
    router.save(path)


async def test_task_router_routes_by_the_prompts_task(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    task_router(minilm, tmp_path / "auto.npz")  # the stack serves this file
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        for text, want in [(t, "cheap") for t in EASY_TEST] + [(t, "strong") for t in HARD_TEST]:
            r = await c.post("/v1/chat/completions", json=chat(text))
            assert r.status_code == 200, r.text
            assert r.json()["model"] == want, text
            assert "kind=task" in r.headers["x-routeiq-route"]


async def test_mix_sends_its_share_of_requests_with_the_other_weight(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    # cost_weight 200: a hard prompt goes to strong; the mixed-in weight 1e5 sends it to
    # cheap. The coin is the route's draw, replaced here by a fixed sequence.
    route = {"cost_weight": 200, "mix": {"cost_weight": 1e5, "share": 0.5}}
    async with learned_stack(tmp_path, minilm, route=route) as s, s.client() as c:
        assert s.gw.learned is not None
        draws: Iterator[float] = iter([0.1, 0.9, 0.49, 0.5, 0.0, 0.99])
        s.gw.learned.draw = lambda: next(draws)
        got = []
        for _ in range(6):
            r = await c.post("/v1/chat/completions", json=chat(HARD_TEST[0]))
            assert r.status_code == 200, r.text
            route_header = r.headers["x-routeiq-route"]
            got.append((r.json()["model"], "by=router+mix" in route_header))
        assert got == [
            ("cheap", True),
            ("strong", False),
            ("cheap", True),
            ("strong", False),
            ("cheap", True),
            ("strong", False),
        ]
        # A per-request override is not mixed: the client asked for that weight.
        s.gw.learned.draw = lambda: 0.0
        r = await c.post(
            "/v1/chat/completions",
            json=chat(HARD_TEST[0]),
            headers={"x-routeiq-cost-weight": "0"},
        )
        assert r.json()["model"] == "strong" and "by=override" in r.headers["x-routeiq-route"]
