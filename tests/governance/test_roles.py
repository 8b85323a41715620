"""Team member roles and /user/new's key, through the real server.

A key whose user is an ``admin`` member of a team manages that team's keys,
members and spend, and nothing else; a ``user`` member's key manages nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from routeiq.governance.records import principal
from routeiq.governance.roles import administered
from tests.conftest import CHAT, Stack, running_stack


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_stack(governance={"data_dir": str(tmp_path)}) as s:
        yield s


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def _post(
    c: httpx.AsyncClient, s: Stack, path: str, auth: dict[str, str], **body: Any
) -> httpx.Response:
    return await c.post(f"{s.url}{path}", json=body, headers=auth)


async def _teams(c: httpx.AsyncClient, s: Stack) -> tuple[str, str, str]:
    """Teams a and b; answers (a's admin key, a's plain member key, b's key)."""
    members = [{"user_id": "ann", "role": "admin"}, {"user_id": "bob", "role": "user"}]
    r = await _post(c, s, "/team/new", s.headers, team_id="a", members_with_roles=members)
    assert r.status_code == 200, r.text
    assert (await _post(c, s, "/team/new", s.headers, team_id="b")).status_code == 200
    keys = []
    for fields in ({"user_id": "ann"}, {"user_id": "bob", "team_id": "a"}, {"team_id": "b"}):
        r = await _post(c, s, "/key/generate", s.headers, **fields)
        assert r.status_code == 200, r.text
        keys.append(r.json()["key"])
    return keys[0], keys[1], keys[2]


async def test_a_team_admin_manages_its_team_only(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        admin, _plain, other = await _teams(c, s)
        ann = _auth(admin)
        # A key the admin creates joins the admin's team, and works.
        r = await _post(c, s, "/key/generate", ann, key_alias="svc", rpm_limit=5)
        assert r.status_code == 200, r.text
        made = r.json()
        assert made["team_id"] == "a"
        ok = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=_auth(made["key"]))
        assert ok.status_code == 200
        # ... it can update, block and list the team's keys ...
        r = await _post(c, s, "/key/update", ann, key=made["key"], rpm_limit=7)
        assert r.status_code == 200 and r.json()["rpm_limit"] == 7
        assert (await _post(c, s, "/key/block", ann, key=made["key"])).status_code == 200
        r = await c.get(f"{s.url}/key/list", headers=ann)
        assert r.status_code == 200
        team_a = {p.id for p in s.gw.governance.keys.values() if p.team_id == "a"}  # type: ignore[union-attr]
        assert set(r.json()["keys"]) == team_a and len(team_a) == 2
        # ... manage the members and read the team's info and spend.
        r = await _post(c, s, "/team/member_add", ann, team_id="a", member={"user_id": "cy"})
        assert r.status_code == 200
        assert [m["user_id"] for m in r.json()["members_with_roles"]] == ["ann", "bob", "cy"]
        assert (await c.get(f"{s.url}/team/info?team_id=a", headers=ann)).status_code == 200
        assert (await c.get(f"{s.url}/spend/logs", headers=ann)).status_code == 200
        # Nothing of team b, no team-wide settings, no users, no key moved out of its team.
        r = await c.get(f"{s.url}/team/info?team_id=b", headers=ann)
        assert r.status_code == 403 and r.json()["error"]["code"] == "not_team_admin"
        r = await _post(c, s, "/key/block", ann, key=other)
        assert r.status_code == 404  # another team's key is "not found", never its data
        r = await _post(c, s, "/key/delete", ann, keys=[other])
        assert r.status_code == 404
        r = await _post(c, s, "/key/update", ann, key=made["key"], team_id="b")
        assert r.status_code == 403
        r = await _post(c, s, "/key/generate", ann, team_id="b")
        assert r.status_code == 403
        r = await c.get(f"{s.url}/spend/logs?team_id=b", headers=ann)
        assert r.status_code == 403
        for path, body in (
            ("/team/update", {"team_id": "a", "max_budget": 1e6}),
            ("/team/new", {"team_id": "c"}),
            ("/team/delete", {"team_ids": ["b"]}),
            ("/user/new", {"user_id": "zed"}),
        ):
            r = await _post(c, s, path, ann, **body)
            assert r.status_code == 403, path
        other_key = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=_auth(other))
        assert other_key.status_code == 200  # untouched


async def test_a_plain_member_or_a_demoted_admin_manages_nothing(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        admin, plain, _ = await _teams(c, s)
        r = await _post(c, s, "/key/generate", _auth(plain), team_id="a")
        assert r.status_code == 403
        assert (await c.get(f"{s.url}/key/list", headers=_auth(plain))).status_code == 403
        # Any key reads its own /key/info (and no other key's).
        r = await c.get(f"{s.url}/key/info", headers=_auth(plain))
        assert r.status_code == 200 and r.json()["info"]["user_id"] == "bob"
        r = await c.get(f"{s.url}/key/info", params={"key": admin}, headers=_auth(plain))
        assert r.status_code == 404
        # Demoted to user: the rights go at once.
        r = await _post(c, s, "/team/member_add", s.headers, team_id="a",
                        member={"user_id": "ann", "role": "user"})  # fmt: skip
        assert r.status_code == 200
        r = await _post(c, s, "/key/generate", _auth(admin))
        assert r.status_code == 403


async def test_user_new_answers_a_working_key_bound_by_the_users_limits(stack: Stack) -> None:
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        r = await _post(
            c, s, "/user/new", s.headers, user_id="u-9", rpm_limit=1, models=["gpt-test"]
        )
        assert r.status_code == 200, r.text
        out = r.json()
        key = out["key"]
        assert key.startswith("sk-") and out["user_id"] == "u-9"
        codes = []
        for _ in range(2):
            r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=_auth(key))
            codes.append(r.status_code)
        assert codes == [200, 429]  # the user's rpm_limit binds the key it was given
        r = await c.get(f"{s.url}/user/info", params={"user_id": "u-9"}, headers=s.headers)
        assert r.json()["keys"] == [out["token"]]
        r = await _post(c, s, "/user/new", s.headers, user_id="u-10", auto_create_key=False)
        assert r.status_code == 200 and "key" not in r.json()
        r = await _post(c, s, "/user/new", s.headers, user_id="u-9")
        assert r.status_code == 400  # exists: one key per /user/new, not one per retry


def test_a_key_in_a_team_acts_for_that_team_only() -> None:
    both = [{"user_id": "dee", "role": "admin"}]
    teams = [principal("team", t, {"members_with_roles": both}) for t in ("a", "b")]
    loose = principal("key", "k1", {"user_id": "dee"})
    in_a = principal("key", "k2", {"user_id": "dee", "team_id": "a"})
    assert administered(loose, teams) == {"a", "b"}
    assert administered(in_a, teams) == {"a"}


async def test_a_key_minted_for_another_teams_admin_gets_no_rights_there(stack: Stack) -> None:
    # Found by the probe: team a's admin created a key in team a with user_id set to
    # team z's admin (and could add that user to team a first); the key then
    # administered team z: its info, its keys, new keys in it.
    s = stack
    async with httpx.AsyncClient(timeout=10) as c:
        admin, _plain, _other = await _teams(c, s)
        ann = _auth(admin)
        zed = [{"user_id": "zoe", "role": "admin"}]
        r = await _post(c, s, "/team/new", s.headers, team_id="z", members_with_roles=zed)
        assert r.status_code == 200
        r = await _post(c, s, "/team/member_add", ann, team_id="a", member={"user_id": "zoe"})
        assert r.status_code == 200
        r = await _post(c, s, "/key/generate", ann, user_id="zoe")
        assert r.status_code == 200 and r.json()["team_id"] == "a"
        minted = _auth(r.json()["key"])
        r = await c.get(f"{s.url}/team/info?team_id=z", headers=minted)
        assert r.status_code == 403
        r = await _post(c, s, "/key/generate", minted, team_id="z")
        assert r.status_code == 403
        # zoe's own key, made by the master outside any team, still administers z
        r = await _post(c, s, "/key/generate", s.headers, user_id="zoe")
        own = _auth(r.json()["key"])
        assert (await c.get(f"{s.url}/team/info?team_id=z", headers=own)).status_code == 200
