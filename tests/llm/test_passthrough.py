"""Upstream headers relayed to the client (routeiq.llm.passthrough)."""

from __future__ import annotations

import pytest

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


def test_without_provider_copies_the_rest_is_relayed_the_same() -> None:
    """``general_settings.return_llm_provider_headers: false``: no ``llm_provider-``
    copies, the rate-limit headers unchanged; the two name tables never mix."""
    raw = [
        (b"content-type", b"application/json"),
        (b"x-ratelimit-remaining-requests", b"9"),
        (b"anthropic-ratelimit-tokens-limit", b"40000"),
    ]
    with_copies = passthrough_headers(raw)  # fills the remembered names first
    without = passthrough_headers(raw, False)
    assert without == [
        (b"x-ratelimit-remaining-requests", b"9"),
        (b"anthropic-ratelimit-tokens-limit", b"40000"),
        (b"x-ratelimit-limit-tokens", b"40000"),
    ]
    assert [h for h in with_copies if not h[0].startswith(b"llm_provider-")] == without
    assert passthrough_headers(raw) == with_copies  # the second call, from the memo


def test_names_are_remembered_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from routeiq.llm import passthrough

    monkeypatch.setattr(passthrough, "_NAMES", {True: {}, False: {}})
    monkeypatch.setattr(passthrough, "_MAX_NAMES", 2)
    raw = [(b"x-a", b"1"), (b"x-b", b"2"), (b"x-c", b"3")]
    assert passthrough_headers(raw) == [(b"llm_provider-" + k, v) for k, v in raw]
    assert list(passthrough._NAMES[True]) == [b"x-a", b"x-b"]  # bounded
    assert passthrough_headers(raw) == [(b"llm_provider-" + k, v) for k, v in raw]
