"""Fuzz every admin endpoint: bad types, unknown fields, huge values -> 4xx, never a 500."""

from __future__ import annotations

import json
import tempfile
from typing import Any
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from routeiq.api.governance_admin import ROUTES
from routeiq.config import load_config
from routeiq.governance.tokens import hash_key
from routeiq.testing import build_gateway
from tests.conftest import config_dict
from tests.core.test_fuzz import AUTH, FUZZ, call, check, json_values

CONFIG = load_config(
    config_dict("http://127.0.0.1:9/v1", governance={"data_dir": tempfile.mkdtemp()})
)
FIELDS = [
    "key", "keys", "key_alias", "key_aliases", "models", "max_budget", "soft_budget",
    "budget_duration", "rpm_limit", "tpm_limit", "max_parallel_requests", "duration", "team_id",
    "user_id", "metadata", "tags", "blocked", "team_alias", "team_ids", "member",
    "members_with_roles", "user_ids", "user_email", "alias", "unknown_field", "role",
    "auto_create_key",
]  # fmt: skip
huge = st.sampled_from([10**30, -(10**30), 1e308, -1.0, "9" * 5000, "1000000000d", "x" * 300])
values = json_values | huge
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=6)
queries = st.dictionaries(
    st.sampled_from(["key", "team_id", "user_id", "page", "size", "page_size", "start_date",
                     "end_date", "group_by", "api_key", "end_user_id", "return_full_object"]),
    st.text(max_size=12) | st.sampled_from(["0", "-1", "99999999999", "2026-13-45", "key"]),
    max_size=4,
)  # fmt: skip


TEAM_ADMIN_KEY = "sk-fuzz-team-admin"
TEAM_ADMIN = [(b"authorization", f"Bearer {TEAM_ADMIN_KEY}".encode())]


async def _call(
    method: str,
    path: str,
    body: bytes,
    query: dict[str, str],
    auth: list[tuple[bytes, bytes]] = AUTH,
) -> tuple[int, bytes]:
    app, gw = build_gateway(CONFIG)
    gov = gw.governance
    assert gov is not None
    await gov.db.open()
    try:
        # A team admin (the second fuzz caller): ann administers team "a".
        team = {"members_with_roles": [{"user_id": "ann", "role": "admin"}]}
        await gov.db.put("team", "a", team)
        key = {"user_id": "ann", "team_id": "a", "created_at": 0.0}
        await gov.db.put("key", hash_key(TEAM_ADMIN_KEY), key)
        await gov.refresh()
        gov.ready = True

        async def with_query(scope: Any, receive: Any, send: Any) -> None:
            # The shared harness puts the query in the path; ASGI carries it apart.
            scope = {**scope, "query_string": urlencode(query).encode()}
            await app(scope, receive, send)

        return await call(with_query, method, path, auth, body)
    finally:
        await gov.db.close()


@FUZZ
@given(path=st.sampled_from(sorted(ROUTES)), body=bodies, query=queries)
async def test_admin_json_never_500(path: str, body: dict[str, Any], query: dict[str, str]) -> None:
    method = ROUTES[path][0]
    status, out = await _call(method, path, json.dumps(body).encode(), query)
    check(status, out)


@FUZZ
@given(
    path=st.sampled_from([*sorted(ROUTES), "/key/nope", "/team/x"]),
    method=st.sampled_from(["GET", "POST", "PUT"]),
    raw=st.binary(max_size=500) | st.sampled_from([b"[]", b"null", b"1", b'{"key": null}']),
)
async def test_admin_raw_bytes_never_500(path: str, method: str, raw: bytes) -> None:
    status, out = await _call(method, path, raw, {})
    check(status, out)
    if path not in ROUTES:
        assert status in (404, 405)


@FUZZ
@given(path=st.sampled_from(sorted(ROUTES)), body=bodies, query=queries)
async def test_admin_as_a_team_admin_never_500(
    path: str, body: dict[str, Any], query: dict[str, str]
) -> None:
    method = ROUTES[path][0]
    status, out = await _call(method, path, json.dumps(body).encode(), query, TEAM_ADMIN)
    check(status, out)
