"""``/v1/moderations`` without ``model`` (the OpenAI SDK's default call), driven with the
official client: OpenAI's default group, else the one moderation group, else a 400."""

from __future__ import annotations

from typing import Any

import openai
import trio

from tests.compat.stack import KEY, litellm_stack


def _entry(name: str, mode: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "model_name": name,
        "litellm_params": {"model": f"openai/{name}", "api_base": "{up0}", "api_key": "k"},
    }
    if mode is not None:
        entry["model_info"] = {"mode": mode}
    return entry


async def _moderate(groups: list[dict[str, Any]]) -> tuple[int, str]:
    async with litellm_stack({"model_list": groups}) as s:

        def call() -> tuple[int, str]:
            client = openai.OpenAI(base_url=f"{s.url}/v1", api_key=KEY, max_retries=0)
            try:
                done = client.moderations.create(input="hello")
            except openai.APIStatusError as exc:
                return exc.status_code, str(exc)
            return 200, done.model

        return await trio.to_thread.run_sync(call)


async def test_openai_default_group_is_used() -> None:
    groups = [
        _entry("chat", None),
        _entry("omni-moderation-latest", "moderation"),
        _entry("other-mod", "moderation"),
    ]
    assert await _moderate(groups) == (200, "omni-moderation-latest")


async def test_the_one_moderation_group_is_used() -> None:
    assert await _moderate([_entry("chat", None), _entry("my-mod", "moderation")]) == (
        200,
        "my-mod",
    )


async def test_no_single_choice_is_a_400() -> None:
    status, message = await _moderate([_entry("a", "moderation"), _entry("b", "moderation")])
    assert status == 400 and "'model' is required" in message
