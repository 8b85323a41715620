"""``litellm_settings.cache`` + ``cache_params`` mapped onto ``routeiq.cache`` (plain
calls through the config loader), and a cached answer through the real server."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.config import load_config
from tests.compat.stack import litellm_stack

MODEL = {"model_name": "m", "litellm_params": {"model": "openai/m", "api_base": "{up0}"}}


def _load(params: dict[str, Any] | None, env: dict[str, str] | None = None, **extra: Any) -> Any:
    settings: dict[str, Any] = {"cache": True}
    if params is not None:
        settings["cache_params"] = params
    doc = {
        "model_list": [
            {
                "model_name": "m",
                "litellm_params": {"model": "openai/m", "api_base": "http://up/v1", "api_key": "k"},
            }
        ],
        "litellm_settings": settings,
        **extra,
    }
    return load_config(doc, env=env or {})


def test_local_is_the_in_process_tier_only() -> None:
    config = _load({"type": "local", "ttl": 60})
    cache = config.routeiq.cache
    assert cache.enabled and not cache.l2.enabled and not cache.semantic.enabled
    assert cache.l1.ttl == 60
    assert config.routeiq.state.backend == "memory"
    assert not any("litellm_settings.cache" in w and "cosmetic" in w for w in config.warnings)


def test_redis_with_an_address_shares_the_exact_tier_through_redis() -> None:
    config = _load(
        {"type": "redis", "host": "cache.internal", "port": 6380, "password": "p@ss", "ttl": 600}
    )
    cache, state = config.routeiq.cache, config.routeiq.state
    assert cache.enabled and cache.l2.enabled and not cache.semantic.enabled
    assert cache.l1.ttl == cache.l2.ttl == 600
    assert state.backend == "redis" and state.redis_url == "redis://:p%40ss@cache.internal:6380/0"


def test_the_default_type_is_redis_from_the_environment_as_in_litellm() -> None:
    config = _load(None, env={"REDIS_HOST": "r.example", "REDIS_PORT": "7000"})
    assert config.routeiq.cache.l2.enabled
    assert config.routeiq.state.redis_url == "redis://r.example:7000/0"
    bare = _load(None)  # no address anywhere: the memory backend, and a warning saying so
    assert bare.routeiq.state.backend == "memory"
    assert any("no Redis host" in w for w in bare.warnings)


def test_redis_semantic_turns_the_semantic_tier_on_at_its_threshold() -> None:
    config = _load(
        {
            "type": "redis-semantic",
            "host": "h",
            "similarity_threshold": 0.8,
            "redis_semantic_cache_embedding_model": "text-embedding-3-small",
            "default_in_memory_ttl": 30,
            "default_in_redis_ttl": 300,
        }
    )
    cache = config.routeiq.cache
    assert cache.semantic.enabled and cache.semantic.threshold == 0.8
    assert (cache.l1.ttl, cache.l2.ttl) == (30, 300)
    assert any("all-MiniLM-L6-v2" in w for w in config.warnings)


@pytest.mark.parametrize("kind", ["s3", "disk", "qdrant-semantic"])
def test_an_unsupported_type_is_said_and_no_cache_is_pretended(kind: str) -> None:
    config = _load({"type": kind, "s3_bucket_name": "b"})
    assert not config.routeiq.cache.enabled
    assert any(f"unsupported cache type '{kind}'" in w for w in config.warnings)


def test_unmapped_keys_are_named_and_routeiq_cache_wins() -> None:
    config = _load({"type": "local", "mode": "default_off", "supported_call_types": ["embedding"]})
    assert any("cache_params.mode: not mapped" in w for w in config.warnings)
    assert any("cache_params.supported_call_types: not mapped" in w for w in config.warnings)
    own = _load({"type": "redis", "host": "h"}, routeiq={"cache": {"enabled": False}})
    assert not own.routeiq.cache.enabled and own.routeiq.state.backend == "memory"
    assert any("routeiq.cache is set and wins" in w for w in own.warnings)


async def test_a_litellm_cache_config_serves_a_repeat_from_the_cache() -> None:
    data = {
        "model_list": [{**MODEL, "litellm_params": {**MODEL["litellm_params"], "api_key": "k"}}],
        "litellm_settings": {"cache": True, "cache_params": {"type": "local"}},
        "router_settings": {"model_group_alias": {"m-alias": "m"}},
    }
    async with litellm_stack(data) as s:
        first = await s.chat("m", "what is two plus two", temperature=0)
        second = await s.chat("m", "what is two plus two", temperature=0)
        assert first.status_code == second.status_code == 200
        assert s.mocks[0].stats.requests == 1  # the repeat never reached the upstream
        assert second.json()["choices"] == first.json()["choices"]
        assert second.headers["x-routeiq-cache"] == "hit-exact"
        # Entries are kept per model group: the alias's question is the group's entry
        # (LiteLLM keeps them apart unless caching_groups), named as asked.
        third = await s.chat("m-alias", "what is two plus two", temperature=0)
        assert third.headers["x-routeiq-cache"] == "hit-exact"
        assert s.mocks[0].stats.requests == 1
        assert (second.json()["model"], third.json()["model"]) == ("m", "m-alias")
