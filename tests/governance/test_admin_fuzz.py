"""Fuzz every admin endpoint: bad types, unknown fields, huge values -> 4xx, never a 500."""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from routeiq.api.governance_admin import ROUTES
from routeiq.config import load_config
from routeiq.governance.tokens import hash_key
from routeiq.testing import build_gateway
from tests.api.test_fuzz import AUTH, FUZZ, call, check, json_values
from tests.conftest import config_dict

CONFIG = load_config(
    config_dict("http://127.0.0.1:9/v1", governance={"data_dir": tempfile.mkdtemp()})
)
FIELDS = [
    "key", "keys", "key_alias", "key_aliases", "models", "max_budget", "soft_budget",
    "budget_duration", "rpm_limit", "tpm_limit", "max_parallel_requests", "duration", "team_id",
    "user_id", "metadata", "tags", "blocked", "team_alias", "team_ids", "member",
    "members_with_roles", "user_ids", "user_email", "alias", "unknown_field", "role",
    "auto_create_key", "new_key", "user_alias", "user_role",
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


Request = Callable[[str, str, bytes, dict[str, str]], Awaitable[tuple[int, bytes]]]


@asynccontextmanager
async def _admin(auth: list[tuple[bytes, bytes]] = AUTH) -> AsyncIterator[Request]:
    """A gateway with its key database open; yields ``request(method, path, body, query)``."""
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

        async def request(
            method: str, path: str, body: bytes, query: dict[str, str]
        ) -> tuple[int, bytes]:
            return await call(app, method, path, auth, body, urlencode(query))

        yield request
    finally:
        await gov.db.close()


async def _call(
    method: str,
    path: str,
    body: bytes,
    query: dict[str, str],
    auth: list[tuple[bytes, bytes]] = AUTH,
) -> tuple[int, bytes]:
    async with _admin(auth) as request:
        return await request(method, path, body, query)


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


GET_ROUTES = sorted(p for p, (method, _) in ROUTES.items() if method == "GET")
QUERY_NAMES = ["key", "team_id", "user_id", "page", "size", "page_size", "start_date", "end_date",
               "group_by", "api_key", "end_user_id", "return_full_object", "key_alias",
               "request_id", "customer_id", "internal_user_id"]  # fmt: skip
EDGE_VALUES = ["", "0", "-1", "1", "1001", "9" * 5000, "1e3", " 1", "0x10", "2026-13-45",
               "2026-02-30", "0000-00-00", "key", "team", "model", "user", "true", "\x00", "%",
               "sk-" + "x" * 300]  # fmt: skip
query_values = (
    st.sampled_from(EDGE_VALUES)
    | st.text(max_size=12)
    | st.integers(-(10**30), 10**30).map(str)
    | st.sampled_from(EDGE_VALUES)
)


@FUZZ
@given(
    path=st.sampled_from(GET_ROUTES),
    query=st.dictionaries(st.sampled_from(QUERY_NAMES), query_values, min_size=1, max_size=5),
)
async def test_admin_get_queries_never_500(path: str, query: dict[str, str]) -> None:
    """Every GET route's query parsing, as the master (who passes every route's checks)."""
    check(*await _call("GET", path, b"", query))


async def test_every_get_route_every_query_name_every_edge_value_never_500() -> None:
    """The same, exhaustively over the edge values (a fault behind one value of one
    parameter, e.g. a planted 500 on ``page=-1``, is found every run, not by chance)."""
    async with _admin() as request:
        for path in GET_ROUTES:
            for name in QUERY_NAMES:
                for value in EDGE_VALUES:
                    status, out = await request("GET", path, b"", {name: value})
                    assert status != 500, (path, name, value, out)
                    check(status, out)


async def test_the_query_reaches_the_admin_routes() -> None:
    """What makes the GET fuzzing above real: a bad ``page`` gets the route's own 400
    (a query lost on the way would give a 200 page, a query left in the path a 404)."""
    status, out = await _call("GET", "/key/list", b"", {"page": "0"})
    assert status == 400 and json.loads(out)["error"]["param"] == "page"
    status, out = await _call("GET", "/key/list?size=x", b"", {})
    assert status == 400 and json.loads(out)["error"]["param"] == "size"
    status, out = await _call("GET", "/key/list", b"", {"size": "1", "return_full_object": "true"})
    assert status == 200
    page = json.loads(out)
    assert page["total_count"] >= 1 and len(page["keys"]) == 1  # size=1 applied
    status, out = await _call("GET", "/spend/logs", b"", {"start_date": "2026-13-45"})
    assert status == 400 and json.loads(out)["error"]["param"] == "start_date"
