"""Spend routes of the governance admin API: ``/spend/logs`` and ``/global/spend/report``.

Also the small query-string helpers the other admin routes share.
"""

from __future__ import annotations

import calendar
import math
import time
from typing import Any, Protocol

from routeiq.asgi.types import Receive, Scope
from routeiq.db.base import Database
from routeiq.errors import BadRequest, Forbidden
from routeiq.governance.roles import CALLER, Caller
from routeiq.governance.tokens import key_id


class GovernanceAdmin(Protocol):
    """What the spend routes need of the admin app (``governance_admin.GovernanceAdmin``)."""

    @property
    def db(self) -> Database: ...


MAX_PAGE = 1000

Query = dict[str, str]


def iso_time(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _date(text: str | None, name: str) -> float | None:
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text[:10], "%Y-%m-%d")))
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD", param=name) from None


def int_arg(q: Query, name: str, default: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer", param=name) from None
    if not 1 <= v <= hi:
        raise BadRequest(f"{name} must be between 1 and {hi}", param=name)
    return v


# -- spend ------------------------------------------------------------------------------


def _spend_filters(q: Query) -> dict[str, Any]:
    start = _date(q.get("start_date"), "start_date")
    end = _date(q.get("end_date"), "end_date")
    api_key = q.get("api_key")
    return {
        "key_hash": key_id(api_key) if api_key else None,
        "team_id": q.get("team_id") or None,
        # LiteLLM's /global/spend/report names these internal_user_id and customer_id
        "user_id": q.get("user_id") or q.get("internal_user_id") or None,
        "end_user": q.get("customer_id") or q.get("end_user") or None,
        "request_id": q.get("request_id") or None,  # /spend/logs?request_id= (LiteLLM's)
        "start": start,
        "end": end + 86400 if end is not None else None,  # the end date is included
    }


async def spend_logs(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    page = int_arg(q, "page", 1, 1_000_000)
    size = int_arg(q, "page_size", 50, MAX_PAGE)
    filters = _spend_filters(q)
    caller = scope.get(CALLER)
    if not isinstance(caller, Caller) or not caller.master:  # a team admin: its team's rows
        teams = caller.teams if isinstance(caller, Caller) else frozenset()
        team = filters["team_id"] or (next(iter(teams)) if len(teams) == 1 else None)
        if team is None or team not in teams:
            raise Forbidden(
                "A team admin's key reads the spend of one of its teams: give ?team_id=",
                code="not_team_admin",
            )
        filters["team_id"] = team
    rows, total = await a.db.spend_logs(filters, (page - 1) * size, size)
    for r in rows:
        r["startTime"] = iso_time(r["start_time"])
        r["endTime"] = iso_time(r["end_time"])
        r["api_key"] = r["key_hash"]
        r["model"] = r["model_group"]
        # LiteLLM 1.110.2's LiteLLM_SpendLogs names for what the row already holds.
        r["model_id"] = r["deployment"]
        r["user"] = r["user_id"]
        r["litellm_call_id"] = r["request_id"]
        r["request_duration_ms"] = duration_ms(r["start_time"], r["end_time"])
    return {
        "data": rows,
        "total": total,
        "page": page,
        "page_size": size,
        "total_pages": max(1, math.ceil(total / size)),
    }


def duration_ms(start: Any, end: Any) -> int | None:
    """LiteLLM's ``request_duration_ms`` (an integer) from the row's epoch times."""
    if isinstance(start, int | float) and isinstance(end, int | float):
        return max(0, round((end - start) * 1000))
    return None


async def spend_logs_v2(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    """LiteLLM's paged ``GET /spend/logs/v2``: the same page as ``/spend/logs`` (which
    here is paged already, where LiteLLM's v1 answers a bare list) plus its
    ``total_is_capped`` (the total is always exact here)."""
    page = await spend_logs(a, scope, receive, q)
    page["total_is_capped"] = False
    return page


#: ``group_by`` of /global/spend/report -> the spend column's group: LiteLLM's own
#: values (``team``, ``customer``, ``api_key``) and this gateway's (``key``, ``model``,
#: ``user``); each day's entries are named by the value asked for.
REPORT_GROUPS = {
    "team": "team",
    "key": "key",
    "api_key": "key",
    "customer": "customer",
    "model": "model",
    "user": "user",
}


async def spend_report(a: GovernanceAdmin, scope: Scope, receive: Receive, q: Query) -> Any:
    asked = q.get("group_by", "team")
    group = REPORT_GROUPS.get(asked)
    if group is None:
        raise BadRequest(
            "group_by must be team, key (or api_key), customer, model or user", param="group_by"
        )
    rows = await a.db.spend_report(_spend_filters(q), group)
    days: dict[str, list[dict[str, Any]]] = {}
    for day, name, usd, n, tokens in rows:
        days.setdefault(day, []).append(
            {asked: name, "total_spend": usd, "requests": n, "total_tokens": tokens}
        )
    return [
        {"group_by_day": d, "total_spend": sum(x["total_spend"] for x in items), "groups": items}
        for d, items in days.items()
    ]
