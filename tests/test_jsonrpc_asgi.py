"""``routeiq.jsonrpc_asgi.tenant_of``: who owns A2A tasks and MCP sessions.

Found by the outside-evaluator probe: a virtual key outside a team was its alias's
tenant, so a new key given a deleted key's alias (or, before aliases were unique,
any key with the same alias) got the other key's A2A tasks and MCP sessions.
"""

from __future__ import annotations

from routeiq.asgi.types import CTX_KEY, RequestContext
from routeiq.jsonrpc_asgi import tenant_of


def _scope(key_name: str | None, key_id: str | None = None, team: str | None = None) -> dict:
    ctx = RequestContext("r1", 0.0)
    ctx.key_name, ctx.key_id, ctx.team = key_name, key_id, team
    return {CTX_KEY: ctx}


def test_virtual_keys_own_by_id_not_by_alias() -> None:
    old, new = _scope("svc", "a" * 64), _scope("svc", "b" * 64)
    assert tenant_of(old) != tenant_of(new)
    assert tenant_of(old) == "vkey:" + "a" * 64


def test_teams_yaml_keys_and_no_auth() -> None:
    assert tenant_of(_scope("svc", "a" * 64, team="red")) == "team:red"
    assert tenant_of(_scope("alice")) == "key:alice"  # a YAML key: its name
    assert tenant_of(_scope(None)) == ""
    assert tenant_of({}) == ""
