"""Upstream headers relayed to the client (routeiq.llm.passthrough)."""

from __future__ import annotations

from routeiq.llm.passthrough import passthrough_headers


def test_openai_rate_limit_headers_pass_unchanged() -> None:
    raw = [
        (b"content-type", b"application/json"),
        (b"x-ratelimit-limit-requests", b"10000"),
        (b"x-ratelimit-reset-tokens", b"6ms"),
        (b"openai-processing-ms", b"41"),
        (b"set-cookie", b"__cf_bm=x"),
    ]
    out = passthrough_headers(raw)
    assert [h for h in out if not h[0].startswith(b"llm_provider-")] == [
        (b"x-ratelimit-limit-requests", b"10000"),
        (b"x-ratelimit-reset-tokens", b"6ms"),
        (b"openai-processing-ms", b"41"),
    ]
    # LiteLLM's llm_provider-<name> copy of every upstream header, but its cookies.
    assert [h for h in out if h[0].startswith(b"llm_provider-")] == [
        (b"llm_provider-" + k, v) for k, v in raw if k != b"set-cookie"
    ]


def test_anthropic_limits_are_also_given_their_openai_names() -> None:
    raw = [
        (b"anthropic-ratelimit-requests-limit", b"50"),
        (b"anthropic-ratelimit-requests-remaining", b"49"),
        (b"anthropic-ratelimit-requests-reset", b"2026-12-07T05:41:00Z"),
        (b"anthropic-ratelimit-tokens-limit", b"40000"),
        (b"anthropic-ratelimit-tokens-remaining", b"39000"),
        (b"request-id", b"req_1"),
    ]
    out = passthrough_headers(raw)
    assert (b"x-ratelimit-limit-requests", b"50") in out
    assert (b"x-ratelimit-remaining-requests", b"49") in out
    assert (b"x-ratelimit-limit-tokens", b"40000") in out
    assert (b"x-ratelimit-remaining-tokens", b"39000") in out
    # relayed as they are too; the reset instant keeps its own name (format differs)
    assert (b"anthropic-ratelimit-requests-reset", b"2026-12-07T05:41:00Z") in out
    assert not any(k == b"x-ratelimit-reset-requests" for k, _ in out)
    assert (b"request-id", b"req_1") not in out
