"""``ListTasks`` answered from the gateway's own task records (I/O-free).

Forwarding ListTasks to the agent listed tasks the gateway never saw (and
other tenants' tasks), on which GetTask then said TaskNotFound. The gateway
answers it instead, from the records the caller's tenant created on that
agent, newest first, with the request's filters (``contextId``, ``status``,
``statusTimestampAfter``), ``historyLength``, ``includeArtifacts`` and paging
(``pageSize`` 1..100, default 50; ``pageToken`` is an opaque offset).
"""

from __future__ import annotations

import base64
from typing import Any

from routeiq import jsonrpc as rpc
from routeiq.a2a.snapshot import trimmed
from routeiq.a2a.store import TaskRecord
from routeiq.a2a.tasks import normalize_state, wire_state
from routeiq.a2a.versions import task_to

DEFAULT_PAGE = 50
MAX_PAGE = 100


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        if not text.startswith("o"):
            raise ValueError(text)
        offset = int(text[1:])
    except (ValueError, UnicodeError):
        raise rpc.RpcError(rpc.INVALID_PARAMS, "pageToken is not one this gateway issued") from None
    if offset < 0:
        raise rpc.RpcError(rpc.INVALID_PARAMS, "pageToken is not one this gateway issued")
    return offset


def _int_param(params: dict[str, Any], name: str, default: int | None) -> int | None:
    value = params.get(name, default)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # proto3 JSON may spell integers as strings
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise rpc.RpcError(rpc.INVALID_PARAMS, f"{name} must be a non-negative integer")
    return value


def _timestamp(task: dict[str, Any]) -> str:
    status = task.get("status")
    ts = status.get("timestamp") if isinstance(status, dict) else None
    return ts if isinstance(ts, str) else ""


def list_tasks(
    records: list[TaskRecord], agent: str | None, params: dict[str, Any], v03: bool
) -> dict[str, Any]:
    """The ListTasks result for ``records`` (one tenant's, newest first) on
    ``agent`` (``None``: every agent, as listed at the gateway's own endpoint)."""
    size = _int_param(params, "pageSize", DEFAULT_PAGE) or DEFAULT_PAGE
    if size > MAX_PAGE:
        raise rpc.RpcError(rpc.INVALID_PARAMS, f"pageSize must be at most {MAX_PAGE}")
    history = _int_param(params, "historyLength", None)
    token = params.get("pageToken") or ""
    if not isinstance(token, str):
        raise rpc.RpcError(rpc.INVALID_PARAMS, "pageToken must be a string")
    offset = _offset(token) if token else 0
    context = params.get("contextId") or None
    wanted = params.get("status")
    state = normalize_state(wanted) if wanted and wanted != "TASK_STATE_UNSPECIFIED" else None
    after = params.get("statusTimestampAfter")
    artifacts = params.get("includeArtifacts") is True
    matching = [
        r
        for r in records
        if (agent is None or r.agent == agent)
        and r.snapshot is not None
        and (context is None or r.context_id == context)
        and (state is None or r.state == state)
        and (not isinstance(after, str) or _timestamp(r.snapshot) > after)
    ]
    page = matching[offset : offset + size]
    tasks = []
    for r in page:
        assert r.snapshot is not None
        snap = r.snapshot if r.v03 == v03 else task_to(r.snapshot, v03)
        task = trimmed(snap, history, artifacts)
        task["status"] = {**(task.get("status") or {}), "state": wire_state(r.state, v03)}
        tasks.append(task)
    end = offset + size
    return {
        "tasks": tasks,
        "nextPageToken": _token(end) if end < len(matching) else "",
        "pageSize": size,
        "totalSize": len(matching),
    }
