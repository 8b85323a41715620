"""The gateway's limit headers replace an upstream's headers of the same name."""

from __future__ import annotations

from typing import Any

from routeiq.governance.send import with_headers


async def test_own_limit_headers_replace_the_upstreams() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    wrapped = with_headers(send, [(b"x-ratelimit-limit-requests", b"3")])
    await wrapped(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"x-ratelimit-limit-requests", b"10000"),
                (b"x-ratelimit-limit-tokens", b"900000"),
            ],
        }
    )
    await wrapped({"type": "http.response.body", "body": b"{}"})
    headers = sent[0]["headers"]
    assert [v for k, v in headers if k == b"x-ratelimit-limit-requests"] == [b"3"]
    assert (b"x-ratelimit-limit-tokens", b"900000") in headers  # not limited here: kept
    assert (b"content-type", b"application/json") in headers
    assert sent[1] == {"type": "http.response.body", "body": b"{}"}
