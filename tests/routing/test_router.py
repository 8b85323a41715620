"""Router state: prices, fallback chains, strategy names, bounded background writes."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest
import trio
import trio.testing

from routeiq.config import Deployment, RouterSettings
from routeiq.errors import ModelNotFound
from routeiq.routing.router import Router, deployment_price
from routeiq.routing.settings import RoutingSettings
from routeiq.state import MemoryStore
from tests.routing.helpers import dep


def priced(dep_id: str, **kw: Any) -> Deployment:
    return dataclasses.replace(dep(dep_id), **kw)


def test_deployment_price_sources() -> None:
    assert deployment_price(dep("plain")) is None
    assert deployment_price(priced("p", input_cost_per_token=1e-6)) == 1e-6
    both = priced("p", input_cost_per_token=1e-6, output_cost_per_token=3e-6)
    assert deployment_price(both) == pytest.approx(4e-6)
    info = priced("p", model_info={"input_cost_per_token": 2e-6, "output_cost_per_token": 2e-6})
    assert deployment_price(info) == pytest.approx(4e-6)
    # litellm_params wins over model_info, field by field.
    mixed = priced("p", input_cost_per_token=1e-6, model_info={"input_cost_per_token": 9.0})
    assert deployment_price(mixed) == 1e-6


async def test_cost_based_router_uses_configured_prices() -> None:
    group = [priced("dear", input_cost_per_token=5e-6), priced("cheap", input_cost_per_token=1e-6)]
    r = Router(
        {"m": group},
        router_settings=RouterSettings(routing_strategy="cost-based-routing"),
        rng=random.Random(0),
    )
    assert {r.choose("m").id for _ in range(20)} == {"cheap"}
    # Explicit prices (e.g. from a price table) override the deployment's own.
    r2 = Router(
        {"m": group},
        router_settings=RouterSettings(routing_strategy="cost-based"),
        prices={"dear": 1e-7},
    )
    assert r2.choose("m").id == "dear"


def test_fallback_chains_and_wildcard() -> None:
    rs = RouterSettings(
        fallbacks=[{"a": ["b"]}, {"*": ["z"]}, {"a": ["c"]}],
        context_window_fallbacks=[{"a": ["big"]}],
    )
    r = Router({"a": [dep("a1", "a")]}, router_settings=rs)
    assert r.fallback_chain("a") == ("b", "c")
    assert r.fallback_chain("other") == ("z",)
    assert r.context_chain("a") == ("big",)
    assert r.context_chain("other") == ()


def test_unknown_strategy_and_model() -> None:
    with pytest.raises(ValueError, match="unknown routing_strategy"):
        Router({"m": [dep("a")]}, router_settings=RouterSettings(routing_strategy="nope"))
    r = Router({"m": [dep("a")]})
    with pytest.raises(ModelNotFound):
        r.choose("x")


async def test_background_writes_are_bounded() -> None:
    store = MemoryStore()
    r = Router({"m": [dep("a")]}, settings=RoutingSettings(max_pending_writes=3), store=store)
    async with trio.open_nursery() as nursery:
        await nursery.start(r.run)
        r.inline_writes = False  # behave as with a remote store
        for i in range(5):
            await r.write(store.set, f"k{i}", b"v", 10.0)
        assert (r.pending_writes, r.dropped_writes) == (3, 2)
        await trio.testing.wait_all_tasks_blocked()
        assert r.pending_writes == 0
        assert await store.get_many([f"k{i}" for i in range(5)]) == [b"v"] * 3 + [None] * 2
        nursery.cancel_scope.cancel()
