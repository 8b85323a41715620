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
    }


def test_an_error_gets_the_call_id_only() -> None:
    assert litellm_headers([(b"content-type", b"application/json")], b"r") == [
        (b"x-litellm-call-id", b"r")
    ]


def test_a_litellm_header_already_there_is_not_repeated() -> None:
    headers = [(b"x-litellm-call-id", b"upstream"), (b"x-routeiq-model", b"m")]
    assert litellm_headers(headers, b"r") == [(b"x-litellm-model-group", b"m")]
