"""The ``x-litellm-*`` mirrors of the gateway's own response headers (plain calls)."""

from __future__ import annotations

from routeiq.asgi.litellm_headers import litellm_headers


def test_each_gateway_header_gets_its_litellm_name() -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"x-routeiq-request-ms", b"3.25"),
        (b"x-routeiq-model", b"gpt-4o"),
        (b"x-routeiq-deployment", b"dep-1"),
        (b"x-routeiq-response-cost", b"0.000085"),
    ]
    assert dict(litellm_headers(headers, b"rid-1")) == {
        b"x-litellm-call-id": b"rid-1",
        b"x-litellm-response-duration-ms": b"3.25",
        b"x-litellm-model-group": b"gpt-4o",
        b"x-litellm-model-id": b"dep-1",
        b"x-litellm-response-cost": b"0.000085",
        b"x-litellm-key-spend": b"8.5e-05",  # no key record: 0 + this answer's cost
    }
    # A virtual key's spend before the request plus this answer's (LiteLLM's header).
    assert dict(litellm_headers(headers, b"rid-1", 0.5))[b"x-litellm-key-spend"] == b"0.500085"


def test_an_error_gets_the_call_id_only() -> None:
    assert litellm_headers([(b"content-type", b"application/json")], b"r") == [
        (b"x-litellm-call-id", b"r")
    ]


def test_a_litellm_header_already_there_is_not_repeated() -> None:
    headers = [(b"x-litellm-call-id", b"upstream"), (b"x-routeiq-model", b"m")]
    assert litellm_headers(headers, b"r") == [
        (b"x-litellm-model-group", b"m"),
        (b"x-litellm-key-spend", b"0.0"),
    ]


async def test_model_group_after_a_fallback_is_the_group_that_served() -> None:
    """LiteLLM's ``x-litellm-model-group`` names the group the answer came from: after a
    fallback, the fallback's; ``x-routeiq-model`` keeps the group asked for."""
    from routeiq.mock_upstream import MockSettings
    from tests.compat.stack import litellm_stack

    data = {
        "model_list": [
            {
                "model_name": "flaky",
                "litellm_params": {"model": "openai/a", "api_base": "{up0}", "api_key": "k"},
                "model_info": {"id": "dep-flaky"},
            },
            {
                "model_name": "steady",
                "litellm_params": {"model": "openai/b", "api_base": "{up1}", "api_key": "k"},
                "model_info": {"id": "dep-steady"},
            },
        ],
        "router_settings": {"num_retries": 0, "fallbacks": [{"flaky": ["steady"]}]},
    }
    mocks = [MockSettings(error_rate=1.0), MockSettings()]
    async with litellm_stack(data, 2, mock=mocks) as s:
        r = await s.chat("flaky")
        assert r.status_code == 200, r.text
        assert r.headers["x-routeiq-model"] == "flaky"
        assert r.headers.get_list("x-litellm-model-group") == ["steady"]
        assert r.headers["x-litellm-model-id"] == "dep-steady"
        r = await s.chat("nope")  # no deployment called: the group asked for
        assert r.headers.get_list("x-litellm-model-group") == ["nope"]
