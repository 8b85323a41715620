"""Who may call which admin route: the master key, a team admin's key, any key (no I/O).

LiteLLM's team members carry a ``role`` (``admin`` or ``user``, set by
``/team/new``'s ``members_with_roles`` and ``/team/member_add``). A virtual key
whose ``user_id`` is an ``admin`` member of a team acts for that team:

- it may create keys in the team (``/key/generate``, the team named or implied)
  and update, block, unblock, regenerate, delete and read the team's keys;
- list the team's keys, read ``/team/info``, add and remove the team's members;
- read the team's ``/spend/logs``.

It may not create, update or delete teams (their budgets and limits are the
platform's), touch users or customers, move a key into a team it does not
administer, or read anything of another team. A key in a team acts for that team
only, whatever else its user administers (so a key a team admin mints for another
team's admin gets no rights over that other team). Any virtual key may read its own
``/key/info`` (no ``?key=``, or its own). Everything else needs the master key.

A ``user`` member has no admin rights: membership only lists the team on
``/user/info``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from routeiq.governance.records import Principal

#: The ASGI scope entry the admin routes read the :class:`Caller` from.
CALLER = "routeiq.admin_caller"

#: Routes a team admin's key may call (each route further checks the team).
TEAM_ADMIN_ROUTES = frozenset(
    {
        "/key/generate",
        "/key/update",
        "/key/delete",
        "/key/block",
        "/key/unblock",
        "/key/regenerate",
        "/key/info",
        "/key/list",
        "/team/info",
        "/team/member_add",
        "/team/member_delete",
        "/spend/logs",
    }
)
#: Routes any virtual key may call, about itself only.
SELF_ROUTES = frozenset({"/key/info"})


@dataclass(frozen=True, slots=True)
class Caller:
    """The admin API's view of who is calling."""

    master: bool
    key_id: str | None = None  # the calling virtual key's hash
    teams: frozenset[str] = frozenset()  # teams it administers

    def may_route(self, path: str) -> bool:
        if self.master:
            return True
        if self.teams and path in TEAM_ADMIN_ROUTES:
            return True
        return self.key_id is not None and path in SELF_ROUTES

    def may_team(self, team_id: str | None) -> bool:
        """May act on records of ``team_id`` (``None``: keys in no team: master only)."""
        return self.master or (team_id is not None and team_id in self.teams)

    def may_key(self, key: Principal | Mapping[str, Any] | None, key_id: str) -> bool:
        """May read or change the key ``key_id`` (its record ``key``, if it exists)."""
        if self.master:
            return True
        team = key.team_id if isinstance(key, Principal) else (key or {}).get("team_id")
        return self.may_team(team) or key_id == self.key_id


MASTER = Caller(master=True)


def member_role(team: Principal, user_id: str) -> str | None:
    for m in team.data.get("members_with_roles") or ():
        if isinstance(m, Mapping) and m.get("user_id") == user_id:
            role = m.get("role")
            return role if isinstance(role, str) else "user"
    return None


def administered(key: Principal, teams: Iterable[Principal]) -> frozenset[str]:
    """The teams whose ``admin`` members include the key's user; for a key in a team,
    that team at most.

    A team admin mints keys in its team with any ``user_id`` (and may add any user id
    to its team's members): if such a key acted for every team its ``user_id``
    administers, naming another team's admin would hand over that team. A key in a
    team therefore acts for its own team only."""
    user = key.user_id
    if user is None:
        return frozenset()
    own = key.team_id
    return frozenset(
        t.id for t in teams if (own is None or t.id == own) and member_role(t, user) == "admin"
    )


def caller_for_key(key: Principal, teams: Mapping[str, Principal]) -> Caller:
    # Scanning the teams is admin-path work (not the request path), bounded by the
    # team count, and always current: a demoted admin loses the rights at once.
    return Caller(master=False, key_id=key.id, teams=administered(key, teams.values()))
