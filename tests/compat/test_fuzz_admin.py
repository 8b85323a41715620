"""Fuzz the new routes: /model/new|update|delete, /config/reload, /health, /model/info.

Whatever the body, the answer is a 2xx or a 4xx in the OpenAI error shape, never a
500, and the gateway keeps serving its configured model afterwards.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compat.stack import AUTH, litellm_stack

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
PATHS = ["/model/new", "/model/update", "/model/delete", "/config/reload"]
scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
params = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["openai/x", "azure/y", "nosuch/z", "*", "openai/*"]) | st.text(),
        "api_base": st.sampled_from(["http://127.0.0.1:9", "ftp://x"]) | st.text(max_size=10),
        "api_key": st.text(max_size=10),
        "temperature": values,
        "tags": values,
        "api_bse": values,
    },
)
bodies = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "model_name": values | st.text(min_size=1, max_size=10),
            "litellm_params": params | values,
            "model_info": st.fixed_dictionaries({}, optional={"id": values}) | values,
            "id": values | st.sampled_from(["chat-0", "nope"]),
        },
    ),
)
CONFIG = {
    "model_list": [
        {
            "model_name": "chat",
            "litellm_params": {"model": "openai/chat", "api_base": "{up0}", "api_key": "k"},
        }
    ]
}


def check(status: int, body: bytes) -> None:
    assert status != 500 and status < 600, body
    assert b"Traceback" not in body
    if status >= 400:
        err = orjson.loads(body)["error"]
        assert set(err) == {"message", "type", "code", "param"}


@FUZZ
@given(items=st.lists(st.tuples(st.sampled_from(PATHS), bodies), min_size=1, max_size=8))
async def test_admin_bodies_never_500(items: list[tuple[str, Any]]) -> None:
    async with litellm_stack(CONFIG) as s:
        for path, body in items:
            r = await s.client.post(f"{s.url}{path}", headers=AUTH, content=orjson.dumps(body))
            check(r.status_code, r.content)
        for path in ("/health", "/model/info"):
            r = await s.client.get(f"{s.url}{path}", headers=AUTH)
            check(r.status_code, r.content)
        r = await s.client.post(f"{s.url}/model/new", headers=AUTH, content=b"{not json")
        assert r.status_code == 400
        r = await s.client.get(f"{s.url}/model/new", headers=AUTH)
        assert r.status_code == 405
