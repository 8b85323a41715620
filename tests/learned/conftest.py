"""A learned-routing stack: one mock upstream per candidate (answering with its own
model name), a router trained on real MiniLM embeddings, the real gateway on port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import trio

from routeiq.cache.embedder import Embedder, SentenceEncoder, load_model
from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.governance.settings import default_data_dir
from routeiq.learned.data import Row
from routeiq.learned.model import RouterModel
from routeiq.learned.train import train_router
from routeiq.mock_upstream import MockSettings, MockUpstream
from routeiq.server import start_mock
from routeiq.testing import serve_gateway

MASTER = "sk-learned-master"
USER = "sk-learned-user-key"
HEADERS = {"authorization": f"Bearer {USER}"}
ADMIN = {"authorization": f"Bearer {MASTER}"}

EASY = [
    "hi there, how are you?",
    "say hello to my friend",
    "good morning!",
    "thanks a lot",
    "what is your name?",
    "tell me a short joke",
    "hello",
    "how is the weather today?",
    "nice to meet you",
    "have a good day",
    "what colour is the sky?",
    "say goodbye politely",
]
HARD = [
    "prove that there are infinitely many primes of the form 4k+3",
    "derive the closed form of the integral of x^2 e^{-x} from 0 to infinity",
    "write a lock-free concurrent hash map in C++ with memory ordering proofs",
    "solve the differential equation y'' + 4y' + 4y = e^{-2x} sin x",
    "prove the spectral theorem for compact self-adjoint operators",
    "implement a B-tree with deletion in Rust and analyse its complexity",
    "compute the eigenvalues of a 4x4 circulant matrix and prove the formula",
    "explain and prove the Cauchy integral formula step by step",
    "design a distributed consensus protocol tolerating byzantine faults",
    "find all integer solutions of x^3 + y^3 = z^3 + 1 below 1000 with a proof",
    "write a parser for a context-free grammar with error recovery in Python",
    "prove that the halting problem is undecidable",
]
EASY_TEST = ["hey, how's it going?", "good evening to you", "thank you so much!"]
HARD_TEST = [
    "prove that the square root of 2 is irrational, rigorously",
    "write a red-black tree insertion in C with invariants proven",
    "solve the integral of ln(x)/(1+x^2) from 0 to infinity",
]


@pytest.fixture(scope="session")
def minilm() -> SentenceEncoder:
    return load_model()


def encode(model: SentenceEncoder, texts: list[str]) -> np.ndarray:
    out: np.ndarray = model.encode(
        texts, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
    )
    return out.astype(np.float32)


def make_router(model: SentenceEncoder, *, invert: bool = False) -> RouterModel:
    """cheap answers the easy prompts, only strong the hard ones (``invert``: the opposite)."""
    rows = []
    for text in EASY + HARD:
        hard = text in HARD
        good_cheap = (not hard) != invert
        rows.append(
            Row(
                text,
                {"cheap": 1.0 if good_cheap else 0.0, "strong": 1.0},
                {"cheap": 0.00003, "strong": 0.003},
            )
        )
    emb = encode(model, [r.text for r in rows])
    # The session's model is the torch one (loaded once for every test).
    return train_router(rows, emb, kind="knn", tune=False, embedding_runtime="torch")


PRICES = {"cheap": 1e-7, "strong": 1e-5}  # USD per token, input and output


def candidate_entry(name: str, base: str) -> dict[str, Any]:
    """A candidate group served by its own mock (which answers with ``name``)."""
    return {
        "model_name": name,
        "litellm_params": {
            "model": f"openai/{name}",
            "api_base": base,
            "api_key": "k",
            "input_cost_per_token": PRICES[name],
            "output_cost_per_token": PRICES[name],
        },
        "model_info": {"id": f"dep-{name}"},
    }


def route_entry(router: Path, log: Path | None, **route: Any) -> dict[str, Any]:
    """The learned route ``auto`` over cheap and strong (``log`` None: decisions go to
    the gateway's database)."""
    settings: dict[str, Any] = {
        "path": str(router),
        "candidates": ["cheap", "strong"],
        "cost_weight": 200,
    }
    if log is not None:
        settings["log_path"] = str(log)
    return {
        "model_name": "auto",
        "litellm_params": {"model": "routeiq/learned"},
        "model_info": {"router": {**settings, **route}},
    }


def feedback_rows(where: str) -> list[dict[str, Any]]:
    """The decisions with feedback (none while the tables are not there yet)."""
    from routeiq.learned.logs import joined

    try:
        return joined(where)
    except Exception:
        return []


def decision_row(where: str, request_id: str) -> tuple[str, str, str, str] | None:
    """(choice, served_by, outcome, router_version) of a logged request, read straight
    from the database (None until its batch is written)."""
    from routeiq.learned.logs import open_log_database

    conn = open_log_database(where).engine.connect()
    try:
        cur = conn.cursor()
        mark = "%s" if "postgres" in where else "?"
        cur.execute(
            "SELECT choice, served_by, outcome, router_version FROM route_decisions"
            f" WHERE request_id = {mark}",
            (request_id,),
        )
        row = cur.fetchone()
    except Exception:  # the table is not there yet (migrated on the first flush)
        row = None
    finally:
        conn.close()
    return None if row is None else (row[0], row[1], row[2], row[3])


def chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "auto", "messages": [{"role": "user", "content": text}], **extra}


@dataclass
class LStack:
    url: str
    gw: Gateway
    mocks: dict[str, MockUpstream]
    router_path: Path
    log_where: str  # the database the decisions go to (a SQLite path or a URL)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=HEADERS, timeout=30)


@asynccontextmanager
async def learned_stack(
    tmp_path: Path,
    model: SentenceEncoder,
    *,
    mocks: dict[str, MockSettings] | None = None,
    route: dict[str, Any] | None = None,
    edit: Callable[[dict[str, Any]], None] | None = None,
    semantic_cache: bool = False,
    database_url: str | None = None,
    own_log_file: bool = False,
) -> AsyncIterator[LStack]:
    """The gateway with ``auto`` over cheap and strong. Decisions go to the gateway's
    database: SQLite under the test's data dir, or PostgreSQL at ``database_url``
    (``own_log_file``: a SQLite file named by the route's ``log_path`` instead)."""
    router_path = tmp_path / "auto.npz"
    if not router_path.exists():
        make_router(model).save(router_path)
    log_file = tmp_path / "decisions.sqlite" if own_log_file else None
    if log_file is not None:
        log_where = str(log_file)
    elif database_url is not None:
        log_where = database_url
    else:
        log_where = str(default_data_dir() / "routeiq.db")
    async with trio.open_nursery() as nursery:
        ups: dict[str, MockUpstream] = {}
        model_list: list[dict[str, Any]] = []
        for name in ("cheap", "strong"):
            ups[name], base = await start_mock(nursery, (mocks or {}).get(name))
            model_list.append(candidate_entry(name, base))
        model_list.append(
            route_entry(router_path, log_file, **{"watch_interval": 0, **(route or {})})
        )
        data: dict[str, Any] = {
            "model_list": model_list,
            "router_settings": {"num_retries": 1},
            "general_settings": {"master_key": MASTER},
            "routeiq": {"auth": {"keys": [{"key": USER, "name": "user"}]}},
        }
        if database_url is not None:
            data["general_settings"]["database_url"] = database_url
        if semantic_cache:
            data["routeiq"]["cache"] = {"enabled": True, "semantic": {"enabled": True}}
        if edit is not None:
            edit(data)

        def prepare(gw: Gateway) -> None:
            assert gw.learned is not None
            if gw.cache.embedder is not None:  # shared with the semantic cache
                gw.cache.embedder.use_model(model)
            else:
                gw.learned.embedder = Embedder(model=model)  # the session's model, loaded once
            for lg in gw.learned.logs.values():
                lg.flush_interval = 0.05

        url, gw = await serve_gateway(nursery, load_config(data), prepare=prepare)
        try:
            yield LStack(url, gw, ups, router_path, log_where)
        finally:
            nursery.cancel_scope.cancel()
