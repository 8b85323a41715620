"""LiteLLM routing features through the real server (mock upstreams on port 0)."""

from __future__ import annotations

from typing import Any

import trio

from routeiq.compat.credentials import AZURE_DEFAULT_API_VERSION
from routeiq.mock_upstream import MockSettings
from tests.compat.stack import AUTH, litellm_stack


def dep(name: str, model: str, up: int = 0, **params: Any) -> dict[str, Any]:
    info = params.pop("model_info", {})
    return {
        "model_name": name,
        "litellm_params": {"model": model, "api_base": f"{{up{up}}}", "api_key": "k", **params},
        "model_info": info,
    }


async def test_wildcards_most_specific_wins_and_the_match_is_sent() -> None:
    data = {
        "model_list": [
            dep("*", "openai/*", 0),
            dep("openai/*", "openai/*", 1),
            dep("gpt-4o-mini", "openai/mini-exact", 2),
            dep("claude-*", "openai/anthropic-*", 2),
        ]
    }
    async with litellm_stack(data, 3) as s:
        r = await s.chat("gpt-4o")
        assert r.status_code == 200
        assert s.mocks[0].stats.last().body["model"] == "gpt-4o"
        r = await s.chat("openai/gpt-4.1")
        assert r.status_code == 200
        assert s.mocks[1].stats.last().body["model"] == "gpt-4.1"
        assert s.mocks[0].stats.requests == 1
        assert (await s.chat("gpt-4o-mini")).status_code == 200
        assert s.mocks[2].stats.last().body["model"] == "mini-exact"
        assert (await s.chat("claude-3-haiku")).status_code == 200
        assert s.mocks[2].stats.last().body["model"] == "anthropic-3-haiku"
        models = (await s.client.get(f"{s.url}/v1/models", headers=AUTH)).json()
        assert [m["id"] for m in models["data"]] == ["gpt-4o-mini"]


async def test_no_wildcard_means_404() -> None:
    async with litellm_stack({"model_list": [dep("chat", "openai/x")]}) as s:
        r = await s.chat("gpt-4o")
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "model_not_found"


async def test_model_group_alias_string_and_hidden() -> None:
    data = {
        "model_list": [dep("chat", "openai/up-chat")],
        "router_settings": {
            "model_group_alias": {"gpt-4": "chat", "secret": {"model": "chat", "hidden": True}}
        },
    }
    async with litellm_stack(data) as s:
        for name in ("gpt-4", "secret", "chat"):
            r = await s.chat(name)
            assert r.status_code == 200, r.text
            assert r.headers["x-routeiq-deployment"] == "chat-0"
            assert s.mocks[0].stats.last().body["model"] == "up-chat"
        assert s.mocks[0].stats.requests == 3
        models = (await s.client.get(f"{s.url}/v1/models", headers=AUTH)).json()
        assert sorted(m["id"] for m in models["data"]) == ["chat", "gpt-4"]


async def test_fallbacks_from_litellm_settings() -> None:
    data = {
        "model_list": [dep("bad", "openai/bad", 0), dep("good", "openai/good", 1)],
        "litellm_settings": {"fallbacks": [{"bad": ["good"]}], "num_retries": 0},
    }
    async with litellm_stack(data, 2, mock=[MockSettings(error_rate=1.0), MockSettings()]) as s:
        assert s.gw.router.num_retries == 0
        r = await s.chat("bad")
        assert r.status_code == 200, r.text
        assert r.headers["x-routeiq-deployment"] == "good-1"
        assert r.headers["x-routeiq-attempts"] == "2"
        assert s.mocks[0].stats.requests == 1 and s.mocks[1].stats.requests == 1


async def test_default_fallbacks_from_litellm_settings() -> None:
    data = {
        "model_list": [dep("bad", "openai/bad", 0), dep("good", "openai/good", 1)],
        "litellm_settings": {"default_fallbacks": ["good"], "num_retries": 0},
    }
    async with litellm_stack(data, 2, mock=[MockSettings(error_rate=1.0), MockSettings()]) as s:
        r = await s.chat("bad")
        assert r.status_code == 200 and r.headers["x-routeiq-deployment"] == "good-1"


async def test_deployment_defaults_reach_the_upstream_under_the_request() -> None:
    data = {
        "model_list": [
            dep(
                "chat",
                "openai/up",
                temperature=0.1,
                max_tokens=20,
                organization="org-acme",
                extra_headers={"X-Team": "blue"},
            )
        ]
    }
    async with litellm_stack(data) as s:
        assert (await s.chat("chat")).status_code == 200
        rec = s.mocks[0].stats.last()
        assert rec.body["temperature"] == 0.1 and rec.body["max_tokens"] == 20
        assert rec.headers["openai-organization"] == "org-acme"
        assert rec.headers["x-team"] == "blue"
        assert (await s.chat("chat", temperature=0.9)).status_code == 200
        rec = s.mocks[0].stats.last()
        assert rec.body["temperature"] == 0.9 and rec.body["max_tokens"] == 20


async def test_tag_routing() -> None:
    data = {
        "model_list": [
            dep("chat", "openai/a", 0, tags=["teamA"]),
            dep("chat", "openai/b", 1, tags=["teamB", "default"]),
        ],
        "router_settings": {"enable_tag_filtering": True},
    }
    async with litellm_stack(data, 2) as s:
        for _ in range(4):
            r = await s.chat("chat", metadata={"tags": ["teamA"]})
            assert r.headers["x-routeiq-deployment"] == "chat-0"
            r = await s.chat("chat", headers={"x-litellm-tags": "teamB"})
            assert r.headers["x-routeiq-deployment"] == "chat-1"
            # an unknown tag goes to the "default"-tagged deployment
            r = await s.chat("chat", metadata={"tags": ["teamZ"]})
            assert r.headers["x-routeiq-deployment"] == "chat-1"
        assert s.mocks[0].stats.requests == 4 and s.mocks[1].stats.requests == 8


async def test_tag_without_match_or_default_is_a_400() -> None:
    data = {
        "model_list": [dep("chat", "openai/a", 0, tags=["teamA"])],
        "router_settings": {"enable_tag_filtering": True},
    }
    async with litellm_stack(data) as s:
        r = await s.chat("chat", metadata={"tags": ["teamZ"]})
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "no_matching_deployment"
        assert s.mocks[0].stats.requests == 0


async def test_pre_call_checks_skip_a_too_small_context_window() -> None:
    data = {
        "model_list": [
            dep("small", "openai/s", 0, model_info={"max_input_tokens": 50}),
            dep("big", "openai/b", 1, model_info={"max_input_tokens": 100_000}),
        ],
        "router_settings": {
            "enable_pre_call_checks": True,
            "context_window_fallbacks": [{"small": ["big"]}],
        },
    }
    async with litellm_stack(data, 2) as s:
        r = await s.chat("small", "short")
        assert r.headers["x-routeiq-deployment"] == "small-0"
        r = await s.chat("small", "word " * 400)  # ~500 tokens
        assert r.status_code == 200
        assert r.headers["x-routeiq-deployment"] == "big-1"
        assert r.headers["x-routeiq-attempts"] == "1"  # never called the small one
        assert s.mocks[0].stats.requests == 1


async def test_pre_call_checks_without_fallback_is_a_400_before_any_call() -> None:
    data = {
        "model_list": [dep("small", "openai/s", 0, model_info={"max_input_tokens": 50})],
        "router_settings": {"enable_pre_call_checks": True},
    }
    async with litellm_stack(data) as s:
        r = await s.chat("small", "word " * 400)
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "context_length_exceeded"
        assert s.mocks[0].stats.requests == 0


async def test_env_credentials_and_azure_defaults_reach_the_upstream() -> None:
    data = {
        "model_list": [
            {"model_name": "oa", "litellm_params": {"model": "openai/x", "api_base": "{up0}"}},
            {"model_name": "az", "litellm_params": {"model": "azure/my-deploy"}},
        ]
    }
    env = {"OPENAI_API_KEY": "sk-from-env", "AZURE_API_KEY": "az-env", "AZURE_API_BASE": "{up0}"}
    async with litellm_stack(data, env=_env(env, data)) as s:
        assert (await s.chat("oa")).status_code == 200
        assert s.mocks[0].stats.last().headers["authorization"] == "Bearer sk-from-env"
        r = await s.chat("az")
        assert r.status_code == 200, r.text
        rec = s.mocks[0].stats.last()
        assert rec.headers["api-key"] == "az-env"
        assert rec.target == (
            "/v1/openai/deployments/my-deploy/chat/completions"
            f"?api-version={AZURE_DEFAULT_API_VERSION}"
        )


def _env(env: dict[str, str], data: dict[str, Any]) -> dict[str, str]:
    # the stack fills {up0} in the config; the env holds the same marker
    data["environment_variables"] = {k: v for k, v in env.items() if "{up" in v}
    return {k: v for k, v in env.items() if "{up" not in v}


async def test_credential_list() -> None:
    data = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {"model": "openai/x", "litellm_credential_name": "shared"},
            }
        ],
        "credential_list": [
            {
                "credential_name": "shared",
                "credential_values": {"api_key": "sk-cred", "api_base": "{up0}"},
            }
        ],
    }
    async with litellm_stack(data) as s:
        assert (await s.chat("chat")).status_code == 200
        assert s.mocks[0].stats.last().headers["authorization"] == "Bearer sk-cred"


async def test_upstream_rate_limit_headers_are_passed_back() -> None:
    async with litellm_stack({"model_list": [dep("chat", "openai/x")]}) as s:
        r = await s.chat("chat")
        assert r.headers["x-ratelimit-limit-requests"] == "10000"
        assert r.headers["x-ratelimit-remaining-requests"] == "9999"
        assert r.headers["openai-processing-ms"] == "0"
        r = await s.chat("chat", stream=True)
        assert r.status_code == 200 and r.text.rstrip().endswith("data: [DONE]")
        assert r.headers["x-ratelimit-remaining-requests"] == "9998"


async def test_the_openai_sdk_through_wildcards_aliases_and_tags() -> None:
    from openai import OpenAI

    data = {
        "model_list": [
            dep("*", "openai/*", 0),
            dep("team", "openai/team-a", 1, tags=["a"]),
            dep("team", "openai/team-b", 1, tags=["b"]),
        ],
        "router_settings": {"model_group_alias": {"smart": "team"}, "enable_tag_filtering": True},
    }
    async with litellm_stack(data, 2) as s:
        client = OpenAI(base_url=f"{s.url}/v1", api_key=AUTH["authorization"][7:], max_retries=0)

        def calls() -> list[str]:
            out = []
            raw = client.chat.completions.with_raw_response.create(
                model="gpt-4.1-nano", messages=[{"role": "user", "content": "hi"}]
            )
            out.append(raw.headers["x-ratelimit-remaining-requests"])
            stream = client.chat.completions.create(
                model="smart",
                messages=[{"role": "user", "content": "hi"}],
                stream=True,
                extra_headers={"x-litellm-tags": "b"},
            )
            out.append("".join(c.choices[0].delta.content or "" for c in stream if c.choices))
            return out

        remaining, text = await trio.to_thread.run_sync(calls)
        assert remaining == "9999"
        assert text  # the streamed answer arrived
        assert s.mocks[0].stats.last().body["model"] == "gpt-4.1-nano"
        assert s.mocks[1].stats.last().body["model"] == "team-b"


async def test_a_translated_provider_passes_rate_limit_headers_back_too() -> None:
    # mistral/ goes through litellm's translation; the mock speaks its (OpenAI) format.
    data = {"model_list": [dep("fast", "mistral/mistral-small-latest", 0)]}
    async with litellm_stack(data) as s:
        assert "fast-0" in s.gw.translators  # really the translated path
        r = await s.chat("fast")
        assert r.status_code == 200, r.text
        assert r.headers["x-ratelimit-remaining-requests"] == "9999"
        r = await s.chat("fast", stream=True)
        assert r.status_code == 200
        assert r.headers["x-ratelimit-remaining-requests"] == "9998"


async def test_groq_translates_an_answer_without_service_tier() -> None:
    # litellm's groq transform reads ``service_tier`` unguarded; an OpenAI-format
    # answer (the mock's, and many OpenAI-compatible servers') leaves it out.
    data = {"model_list": [dep("fast", "groq/llama-3.1-8b-instant", 0)]}
    async with litellm_stack(data) as s:
        assert "fast-0" in s.gw.translators  # really the translated path
        r = await s.chat("fast")
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"]
        r = await s.chat("fast", stream=True)
        assert r.status_code == 200, r.text
        assert '"delta"' in r.text and r.text.rstrip().endswith("data: [DONE]")
