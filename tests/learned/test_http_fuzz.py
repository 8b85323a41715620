"""Fuzz the learned-routing surface (chat to a learned route, feedback, reload): no
input yields a 500; and the config accepts both shapes with errors naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq.asgi.types import ASGIApp
from routeiq.config import ConfigError, load_config
from routeiq.gateway import Gateway
from routeiq.learned.train import train_router
from routeiq.testing import build_gateway
from tests.api.test_fuzz import AUTH, call, check, json_values
from tests.learned.test_core import toy

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
DEAD = "http://127.0.0.1:9/v1"  # valid requests get a 502 after the decision


def _config(router: str, **route: Any) -> dict[str, Any]:
    return {
        "model_list": [
            {"model_name": n, "litellm_params": {"model": f"openai/{n}", "api_base": DEAD}}
            for n in ("weak", "strong")
        ]
        + [
            {
                "model_name": "auto",
                "litellm_params": {"model": "routeiq/learned"},
                "model_info": {
                    "router": {"path": router, "candidates": ["weak", "strong"], **route}
                },
            }
        ],
        "general_settings": {"master_key": "sk-test-master-key"},
    }


@pytest.fixture(scope="module")
def router_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    rows, emb = toy(40)
    path = tmp_path_factory.mktemp("r") / "r.npz"
    train_router(rows, emb, kind="knn", tune=False).save(path)
    return str(path)


class FixedEmbedder:
    """Stands in for MiniLM: the fuzz is about the HTTP surface, not the model."""

    ready = True

    async def embed(self, text: str) -> np.ndarray:
        v = np.zeros(384, np.float32)
        v[len(text) % 2] = 1.0
        return v


_apps: dict[str, tuple[ASGIApp, Gateway]] = {}


async def _app(router_file: str, tmp: Path) -> ASGIApp:
    if router_file not in _apps:
        cfg = load_config(_config(router_file, log_path=str(tmp / "log.sqlite"), watch_interval=0))
        app, gw = build_gateway(cfg, open_upstreams=True)
        assert gw.learned is not None
        gw.learned.embedder = FixedEmbedder()
        await gw.learned.reload()
        _apps[router_file] = (app, gw)
    return _apps[router_file][0]


bodies = st.fixed_dictionaries(
    {"model": st.just("auto")},
    optional={
        "messages": st.lists(
            st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "system"]) | json_values},
                optional={"content": st.text(max_size=40) | json_values},
            ),
            max_size=3,
        )
        | json_values,
        "metadata": st.fixed_dictionaries({}, optional={"routeiq": json_values})
        | st.just({"routeiq": {"cost_weight": "1e400"}})
        | json_values,
    },
)


@FUZZ
@given(body=bodies, weight=st.none() | st.binary(max_size=12) | st.sampled_from([b"nan", b"inf"]))
async def test_chat_to_learned_route_never_500(
    router_file: str,
    tmp_path_factory: pytest.TempPathFactory,
    body: dict[str, Any],
    weight: bytes | None,
) -> None:
    app = await _app(router_file, tmp_path_factory.mktemp("f"))
    headers = list(AUTH) + ([(b"x-routeiq-cost-weight", weight)] if weight is not None else [])
    status, out = await call(app, "POST", "/v1/chat/completions", headers, orjson.dumps(body))
    check(status, out)


feedback = st.fixed_dictionaries(
    {},
    optional={
        "request_id": json_values,
        "response_id": json_values,
        "score": json_values | st.floats(),
        "label": json_values,
    },
)


@FUZZ
@given(
    body=feedback | json_values,
    path=st.sampled_from(
        ["/routeiq/feedback", "/routeiq/router", "/routeiq/router/reload", "/routeiq/router/x"]
    ),
    method=st.sampled_from(["GET", "POST", "PUT"]),
)
async def test_feedback_and_admin_never_500(
    router_file: str,
    tmp_path_factory: pytest.TempPathFactory,
    body: Any,
    path: str,
    method: str,
) -> None:
    app = await _app(router_file, tmp_path_factory.mktemp("f"))
    status, out = await call(app, method, path, AUTH, orjson.dumps(body))
    check(status, out)


def test_llmrouter_strategy_config_loads(router_file: str) -> None:
    data = _config(router_file)
    data["model_list"] = data["model_list"][:2]
    data["router_settings"] = {
        "routing_strategy": "llmrouter-knn",
        "routing_strategy_args": {
            "model_path": router_file,
            "hot_reload": True,
            "reload_interval": 5,
            "cost_weight": 3,
        },
    }
    cfg = load_config(data)
    route = cfg.learned["auto"]
    assert route.path == router_file and route.kind == "knn" and route.watch_interval == 5
    assert route.candidates == ["weak", "strong"] and route.cost_weight == 3
    assert cfg.router.routing_strategy == "simple-shuffle"


def test_learned_route_config_errors_name_the_key(router_file: str) -> None:
    data = _config(router_file, cost_weight=-1)
    data["model_list"][2]["model_info"]["router"]["candidates"] = ["weak", "nope"]
    with pytest.raises(ConfigError) as exc:
        load_config(data)
    paths = dict(exc.value.problems)
    assert "model_list[2].model_info.router.cost_weight" in paths
    data = _config(router_file)
    data["model_list"][2]["model_info"]["router"]["candidates"] = ["weak", "nope"]
    with pytest.raises(ConfigError, match="unknown model group 'nope'"):
        load_config(data)


async def test_valid_request_reaches_the_decision(
    router_file: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The fuzz above is not stopped before the router: a valid body gets routed (and
    then 502, as the upstreams are down), a bad override 400."""
    app = await _app(router_file, tmp_path_factory.mktemp("f"))
    body = orjson.dumps({"model": "auto", "messages": [{"role": "user", "content": "hi"}]})
    status, out = await call(app, "POST", "/v1/chat/completions", list(AUTH), body)
    assert status == 502, out
    bad = [*AUTH, (b"x-routeiq-cost-weight", b"nan")]
    status, out = await call(app, "POST", "/v1/chat/completions", bad, body)
    assert status == 400 and orjson.loads(out)["error"]["param"] == "cost_weight"


def test_llmrouter_config_with_only_llmrouter_args_still_loads() -> None:
    data = _config("unused")
    data["model_list"] = data["model_list"][:2]
    data["router_settings"] = {
        "routing_strategy": "llmrouter-mlp",
        "routing_strategy_args": {"config_path": "/app/config/mlp_config.yaml"},
    }
    cfg = load_config(data)
    assert cfg.learned == {} and cfg.router.routing_strategy == "simple-shuffle"
