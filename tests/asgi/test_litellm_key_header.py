"""The key a request presents, in LiteLLM's header order (plain calls, then the real
server with the official client whose ``Authorization`` belongs to another proxy)."""

from __future__ import annotations

import openai
import pytest
import trio

from routeiq.asgi.auth import presented_key
from tests.compat.stack import KEY, litellm_stack


def _key(*headers: tuple[bytes, bytes]) -> bytes | None:
    return presented_key({"headers": list(headers)})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(b"x-litellm-api-key", b"Bearer sk-1")], b"sk-1"),
        ([(b"x-litellm-api-key", b"sk-1")], b"sk-1"),
        ([(b"authorization", b"Bearer outer"), (b"x-litellm-api-key", b"sk-1")], b"sk-1"),
        ([(b"authorization", b"Basic b3V0ZXI="), (b"x-litellm-api-key", b"sk-1")], b"sk-1"),
        ([(b"authorization", b"Bearer sk-2")], b"sk-2"),
        ([(b"x-api-key", b"sk-3"), (b"authorization", b"Bearer sk-2")], b"sk-2"),
        ([(b"api-key", b"sk-4")], b"sk-4"),
        ([(b"x-api-key", b" sk-5 ")], b"sk-5"),
        ([(b"authorization", b"Basic b3V0ZXI=")], None),
        ([(b"x-litellm-api-key", b"Basic x")], None),
        ([(b"x-litellm-api-key", b"")], None),
        ([], None),
    ],
)
def test_litellm_header_order(headers: list[tuple[bytes, bytes]], expected: bytes | None) -> None:
    assert _key(*headers) == expected


CONFIG = {
    "model_list": [
        {
            "model_name": "gpt-4o",
            "litellm_params": {"model": "openai/gpt-4o", "api_base": "{up0}", "api_key": "k"},
        }
    ]
}


async def test_openai_client_with_x_litellm_api_key() -> None:
    async with litellm_stack(CONFIG) as s:

        def call(header: str) -> int:
            client = openai.OpenAI(
                base_url=f"{s.url}/v1",
                api_key="token-of-another-proxy",
                default_headers={"x-litellm-api-key": header},
                max_retries=0,
            )
            try:
                client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
                )
            except openai.APIStatusError as exc:
                return exc.status_code
            return 200

        assert await trio.to_thread.run_sync(call, f"Bearer {KEY}") == 200
        assert await trio.to_thread.run_sync(call, KEY) == 200
        assert await trio.to_thread.run_sync(call, "sk-wrong") == 401
