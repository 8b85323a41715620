"""Learned routing end to end: the real CLI (two mock upstreams, one per candidate, and
the gateway) in subprocesses, driven by the official ``openai`` client."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import yaml

from routeiq.cache.embedder import load_model
from tests.e2e.conftest import _spawn
from tests.learned.conftest import EASY_TEST, HARD_TEST, candidate_entry, make_router, route_entry

MASTER = "sk-e2e-learned-master"


def test_openai_client_gets_the_routed_model(tmp_path: Path) -> None:
    router = tmp_path / "auto.npz"
    make_router(load_model()).save(router)
    procs = []
    try:
        model_list = []
        for name in ("cheap", "strong"):
            proc, base = _spawn(["mock-upstream", "--port", "0"], rb"listening on (http://\S+)")
            procs.append(proc)
            model_list.append(candidate_entry(name, base))
        model_list.append(route_entry(router, tmp_path / "log.sqlite"))
        cfg = tmp_path / "gateway.yaml"
        cfg.write_text(
            yaml.safe_dump({"model_list": model_list, "general_settings": {"master_key": MASTER}})
        )
        gw, url = _spawn(
            ["serve", "--config", str(cfg), "--port", "0", "--quiet"],
            rb"listening on (http://\S+)",
        )
        procs.append(gw)
        client = openai.OpenAI(base_url=url + "/v1", api_key=MASTER, max_retries=0)
        for text, want in [(t, "cheap") for t in EASY_TEST] + [(t, "strong") for t in HARD_TEST]:
            raw = client.chat.completions.with_raw_response.create(
                model="auto", messages=[{"role": "user", "content": text}]
            )
            assert raw.parse().model == want, text
            assert raw.headers["x-routeiq-model"] == want
            assert raw.headers["x-routeiq-route"].startswith("version=knn-")
        # Streaming takes the same route.
        stream = client.chat.completions.create(
            model="auto", messages=[{"role": "user", "content": HARD_TEST[0]}], stream=True
        )
        assert {chunk.model for chunk in stream} == {"strong"}
        r = httpx.post(
            url + "/routeiq/router/reload", headers={"authorization": f"Bearer {MASTER}"}
        )
        assert r.status_code == 200 and r.json()["routes"]["auto"]["error"] is None
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
