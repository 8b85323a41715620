"""Learned routing through the real gateway (real sockets, one mock per candidate)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import trio

from routeiq.cache.embedder import SentenceEncoder
from routeiq.cli import main as cli_main
from routeiq.mock_upstream import MockSettings
from tests.learned.conftest import (
    ADMIN,
    EASY_TEST,
    HARD_TEST,
    USER,
    chat,
    decision_row,
    feedback_rows,
    learned_stack,
    make_router,
)


async def _ask(client: httpx.AsyncClient, text: str, **kw: object) -> httpx.Response:
    r = await client.post("/v1/chat/completions", json=chat(text), **kw)  # type: ignore[arg-type]
    return r


async def test_route_follows_the_trained_router(tmp_path: Path, minilm: SentenceEncoder) -> None:
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        for text in EASY_TEST:
            r = await _ask(c, text)
            assert r.status_code == 200, r.text
            assert r.json()["model"] == "cheap"  # the mock answers with its model name
            assert r.headers["x-routeiq-model"] == "cheap"
            route = r.headers["x-routeiq-route"]
            assert "version=knn-" in route and "by=router" in route
        for text in HARD_TEST:
            r = await _ask(c, text)
            assert r.json()["model"] == "strong", text
            assert r.headers["x-routeiq-model"] == "strong"
        # Per-request trade-off: "cheapest acceptable" sends even a hard prompt to cheap...
        r = await _ask(c, HARD_TEST[0], headers={"x-routeiq-cost-weight": "100000"})
        assert r.json()["model"] == "cheap" and "by=override" in r.headers["x-routeiq-route"]
        # ... and metadata.routeiq.cost_weight does the same from the body.
        body = chat(HARD_TEST[0], metadata={"routeiq": {"cost_weight": 1e5}})
        r = await c.post("/v1/chat/completions", json=body)
        assert r.json()["model"] == "cheap"
        # A bad override is the client's error, in the OpenAI error shape.
        r = await _ask(c, EASY_TEST[0], headers={"x-routeiq-cost-weight": "-1"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "cost_weight"
        r = await c.get("/v1/models")
        assert "auto" in [m["id"] for m in r.json()["data"]]


async def test_open_breaker_skips_the_candidate(tmp_path: Path, minilm: SentenceEncoder) -> None:
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        br = s.gw.router.breakers
        now = trio.current_time()
        assert br.force_open("dep-strong", now + 60, now)
        r = await _ask(c, HARD_TEST[0])
        assert r.status_code == 200
        assert r.json()["model"] == "cheap"
        assert "skip-unavailable" in r.headers["x-routeiq-route"]
        assert s.mocks["strong"].stats.requests == 0


async def test_failing_choice_falls_back_to_next_best(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    down = MockSettings(error_rate=1.0)
    async with learned_stack(tmp_path, minilm, mocks={"strong": down}) as s, s.client() as c:
        r = await _ask(c, HARD_TEST[1])
        assert r.status_code == 200, r.text
        assert r.json()["model"] == "cheap"
        assert s.mocks["strong"].stats.requests >= 1  # tried first, failed, then cheap
        # The log keeps both: what the router chose and who answered.
        rid = r.headers["x-request-id"]
        with trio.fail_after(10):
            while (row := decision_row(s.log_where, rid)) is None:
                await trio.sleep(0.05)
        assert row[:3] == ("strong", "cheap", "ok")


async def test_reload_swaps_versions_under_load_without_failures(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        v1 = s.gw.learned.routes["auto"].live.model.version  # type: ignore[union-attr]
        inverted = make_router(minilm, invert=True)
        statuses: list[int] = []
        versions: set[str] = set()
        models: list[str] = []
        swapped = trio.Event()

        async def client_loop() -> None:
            async with s.client() as cc:
                while True:
                    r = await _ask(cc, HARD_TEST[2])
                    statuses.append(r.status_code)
                    route = r.headers.get("x-routeiq-route", "")
                    versions.add(route.split(";")[0])
                    if swapped.is_set():
                        models.append(r.json()["model"])
                        if len(models) >= 10:
                            return

        async with trio.open_nursery() as nursery:
            for _ in range(4):
                nursery.start_soon(client_loop)
            while len(statuses) < 20:
                await trio.sleep(0.01)
            inverted.save(s.router_path)
            r = await c.post("/routeiq/router/reload", headers=ADMIN)
            assert r.status_code == 200, r.text
            assert r.json()["routes"]["auto"]["version"] == inverted.version != v1
            swapped.set()
        assert set(statuses) == {200} and len(statuses) >= 30
        assert versions == {f"version={v1}", f"version={inverted.version}"}
        # Requests that started after the swap follow the new router: hard -> cheap now.
        assert models[-1] == "cheap"
        # A user key may not reload.
        r = await c.post("/routeiq/router/reload")
        assert r.status_code == 403


async def test_file_watch_reloads(tmp_path: Path, minilm: SentenceEncoder) -> None:
    async with learned_stack(tmp_path, minilm, route={"watch_interval": 0.05}) as s:
        assert s.gw.learned is not None
        inverted = make_router(minilm, invert=True)
        inverted.save(s.router_path)
        with trio.fail_after(20):
            while s.gw.learned.routes["auto"].live.model.version != inverted.version:  # type: ignore[union-attr]
                await trio.sleep(0.05)
        # A broken file keeps the previous version serving.
        s.router_path.write_bytes(b"garbage")
        summary = await s.gw.learned.reload()
        assert summary["auto"]["version"] == inverted.version
        assert "cannot read" in summary["auto"]["error"]


async def test_shadow_router_is_scored_not_acted_on(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    shadow = tmp_path / "shadow.npz"
    make_router(minilm, invert=True).save(shadow)
    async with learned_stack(tmp_path, minilm, route={"shadow_path": str(shadow)}) as s:
        async with s.client() as c:
            for text in EASY_TEST + HARD_TEST:
                r = await _ask(c, text)
                # Live decisions are unchanged by the shadow.
                assert r.json()["model"] == ("cheap" if text in EASY_TEST else "strong")
            r = await c.get("/routeiq/router", headers=ADMIN)
            st = r.json()["routes"]["auto"]["shadow_stats"]
            assert st["compared"] == 6
            assert st["agree"] < 6  # the inverted shadow disagrees on the hard prompts
            metrics = (await c.get("/metrics")).text
            assert "routeiq_learned_shadow_agreement" in metrics


async def test_feedback_joins_its_request_log(tmp_path: Path, minilm: SentenceEncoder) -> None:
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        r1 = await _ask(c, EASY_TEST[0])
        r2 = await _ask(c, HARD_TEST[0])
        rid = r1.headers["x-request-id"]
        resp_id = r2.json()["id"]
        fb = await c.post(
            "/routeiq/feedback", json={"request_id": rid, "score": 0.25, "label": "meh"}
        )
        assert fb.status_code == 202, fb.text
        fb = await c.post("/routeiq/feedback", json={"response_id": resp_id, "score": 1})
        assert fb.status_code == 202
        for bad in ({"score": 0.5}, {"request_id": "x", "score": 2}, {"request_id": "x"}):
            r = await c.post("/routeiq/feedback", json=bad)
            assert r.status_code == 400 and "error" in r.json()
        with trio.fail_after(10):
            while len(rows := feedback_rows(s.log_where)) < 2:
                await trio.sleep(0.05)
        by_choice = {r["choice"]: r for r in rows}
        assert by_choice["cheap"]["request_id"] == rid and by_choice["cheap"]["score"] == 0.25
        assert by_choice["strong"]["score"] == 1.0
        row = decision_row(s.log_where, rid)
        assert row is not None
        (_choice, served, outcome, version) = row
        assert (outcome, served) == ("ok", "cheap") and version.startswith("knn-")
        # 2 decisions + 2 feedback rows written, none dropped, as /metrics reports.
        metrics = (await c.get("/metrics")).text
        written = [ln for ln in metrics.splitlines() if ln.startswith("routeiq_learned_log_rows")]
        assert any('state="written"' in ln and ln.endswith(" 4") for ln in written), written
        assert any('state="dropped"' in ln and ln.endswith(" 0") for ln in written), written


async def test_train_from_logs_changes_decisions_as_feedback_says(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    async with learned_stack(tmp_path, minilm) as s, s.client() as c:
        # Feedback: the cheap model's answers to these easy prompts were bad.
        for text in EASY_TEST * 3:
            r = await _ask(c, text)
            assert r.json()["model"] == "cheap"
            fb = {"request_id": r.headers["x-request-id"], "score": 0.0}
            assert (await c.post("/routeiq/feedback", json=fb)).status_code == 202
        with trio.fail_after(10):
            while len(feedback_rows(s.log_where)) < 9:
                await trio.sleep(0.05)
        out = tmp_path / "retrained.npz"
        args = ["router", "train", "--from-logs", s.log_where, "--out", str(out)]
        assert await trio.to_thread.run_sync(cli_main, args) == 0
        out.replace(s.router_path)
        r = await c.post("/routeiq/router/reload", headers=ADMIN)
        assert r.status_code == 200
        for text in EASY_TEST:
            r = await _ask(c, text)
            assert r.json()["model"] == "strong", text


async def test_one_encode_per_request_with_the_semantic_cache(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    async with learned_stack(tmp_path, minilm, semantic_cache=True) as s, s.client() as c:
        assert s.gw.learned is not None and s.gw.cache.embedder is not None
        assert s.gw.learned.embedder is s.gw.cache.embedder  # one model, one batcher
        for text in EASY_TEST + HARD_TEST:
            # temperature 0: cacheable, so the semantic tier embeds the turn first.
            r = await c.post("/v1/chat/completions", json=chat(text, temperature=0))
            assert r.json()["model"] == ("cheap" if text in EASY_TEST else "strong")
            assert r.headers["x-routeiq-cache"] == "miss"
        assert s.gw.cache.embedder.stats.requests == 6  # not 12: the router reused them


async def test_watch_retries_a_broken_file_only_when_it_changes(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    async with learned_stack(tmp_path, minilm, route={"watch_interval": 0.05}) as s:
        assert s.gw.learned is not None
        v1 = s.gw.learned.routes["auto"].live.model.version  # type: ignore[union-attr]
        s.router_path.write_bytes(b"half a file")
        with trio.fail_after(20):
            while s.gw.learned.routes["auto"].error is None:
                await trio.sleep(0.05)
        tries = s.gw.learned.reloads
        await trio.sleep(0.5)  # ten watch intervals
        assert s.gw.learned.reloads == tries  # not reloaded again for the same bad file
        assert s.gw.learned.routes["auto"].live.model.version == v1  # type: ignore[union-attr]
        make_router(minilm, invert=True).save(s.router_path)
        with trio.fail_after(20):
            while s.gw.learned.routes["auto"].error is not None:
                await trio.sleep(0.05)
        assert s.gw.learned.routes["auto"].live.model.version != v1  # type: ignore[union-attr]


async def test_official_openai_client_gets_the_routed_model_and_headers(
    tmp_path: Path, minilm: SentenceEncoder
) -> None:
    from openai import OpenAI

    async with learned_stack(tmp_path, minilm) as s:

        def ask(text: str, **extra: Any) -> tuple[str, str, str]:
            sdk = OpenAI(base_url=f"{s.url}/v1", api_key=USER, max_retries=0, timeout=30)
            raw = sdk.chat.completions.with_raw_response.create(
                model="auto", messages=[{"role": "user", "content": text}], **extra
            )
            return raw.parse().model, raw.headers["x-routeiq-model"], raw.headers["x-routeiq-route"]

        model, header, route = await trio.to_thread.run_sync(ask, EASY_TEST[0])
        assert (model, header) == ("cheap", "cheap") and "by=router" in route
        model, header, _ = await trio.to_thread.run_sync(ask, HARD_TEST[0])
        assert (model, header) == ("strong", "strong")
        # The SDK's own way to send the per-request trade-off: metadata via extra_body.
        cheapest = {"extra_body": {"metadata": {"routeiq": {"cost_weight": 1e5}}}}
        model, _, route = await trio.to_thread.run_sync(lambda: ask(HARD_TEST[0], **cheapest))
        assert model == "cheap" and "by=override" in route
