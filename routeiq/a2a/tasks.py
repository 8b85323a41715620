"""A2A protocol knowledge the gateway needs (I/O-free): methods, task states, events.

The gateway relays A2A JSON-RPC to upstream agents unchanged and reads just
enough of each answer to track tasks. Both wire versions are understood:

- current (1.0): methods ``SendMessage``, ``SendStreamingMessage``, ``GetTask``,
  ``ListTasks``, ``CancelTask``, ``SubscribeToTask``; states
  ``TASK_STATE_WORKING``...; stream events ``{"task"|"message"|"statusUpdate"|
  "artifactUpdate": {...}}``.
- v0.3: methods ``message/send``, ``message/stream``, ``tasks/get``,
  ``tasks/cancel``, ``tasks/resubscribe``; states ``working``...; objects tagged
  with ``"kind"``.

Task states are normalised to the v0.3 spelling and transitions are checked
against :data:`TRANSITIONS`: a terminal state never changes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Op = Literal["send", "stream", "get", "list", "cancel", "subscribe"]

METHODS: dict[str, tuple[Op, bool]] = {
    # name: (operation, is v0.3)
    "SendMessage": ("send", False),
    "SendStreamingMessage": ("stream", False),
    "GetTask": ("get", False),
    "ListTasks": ("list", False),
    "CancelTask": ("cancel", False),
    "SubscribeToTask": ("subscribe", False),
    "message/send": ("send", True),
    "message/stream": ("stream", True),
    "tasks/get": ("get", True),
    "tasks/cancel": ("cancel", True),
    "tasks/resubscribe": ("subscribe", True),
}
STREAMING: frozenset[Op] = frozenset({"stream", "subscribe"})

SUBMITTED, WORKING, INPUT_REQUIRED, AUTH_REQUIRED = (
    "submitted",
    "working",
    "input-required",
    "auth-required",
)
COMPLETED, FAILED, CANCELED, REJECTED, UNKNOWN = (
    "completed",
    "failed",
    "canceled",
    "rejected",
    "unknown",
)
TERMINAL = frozenset({COMPLETED, FAILED, CANCELED, REJECTED})
_ACTIVE = frozenset({SUBMITTED, WORKING, INPUT_REQUIRED, AUTH_REQUIRED, UNKNOWN})

# Allowed next states. Re-entering the same state is always allowed (repeated
# status updates); a terminal state accepts nothing else.
TRANSITIONS: dict[str, frozenset[str]] = {
    SUBMITTED: _ACTIVE | TERMINAL,
    WORKING: _ACTIVE - {SUBMITTED} | TERMINAL,
    INPUT_REQUIRED: _ACTIVE - {SUBMITTED} | TERMINAL,
    AUTH_REQUIRED: _ACTIVE - {SUBMITTED} | TERMINAL,
    UNKNOWN: _ACTIVE | TERMINAL,
    **{t: frozenset({t}) for t in TERMINAL},
}


class InvalidTransition(ValueError):
    """A task cannot move from its current state to the requested one."""


def normalize_state(raw: Any) -> str:
    """``TASK_STATE_INPUT_REQUIRED`` / ``input-required`` / ``input_required`` ->
    ``input-required``; anything unrecognised -> ``unknown``."""
    if not isinstance(raw, str):
        return UNKNOWN
    s = raw.lower()
    if s.startswith("task_state_"):
        s = s[len("task_state_") :]
    s = s.replace("_", "-")
    if s == "cancelled":
        s = CANCELED
    return s if s in TRANSITIONS else UNKNOWN


def check_transition(old: str, new: str) -> None:
    if new != old and new not in TRANSITIONS.get(old, frozenset()):
        raise InvalidTransition(f"task state {old} cannot become {new}")


def wire_state(state: str, v03: bool) -> str:
    """A normalised state in a wire version's spelling."""
    if v03:
        return state
    return "TASK_STATE_" + state.upper().replace("-", "_")


@dataclass(frozen=True, slots=True)
class TaskUpdate:
    """What one result or stream event says about a task."""

    task_id: str
    context_id: str | None
    state: str | None  # normalised; None: the event carries no state
    snapshot: dict[str, Any] | None  # a whole Task object, when the event is one
    event: dict[str, Any] | None = None  # a status or artifact update, when the event is one


def _task_update(task: dict[str, Any]) -> TaskUpdate | None:
    tid = task.get("id")
    if not isinstance(tid, str) or not tid:
        return None
    status = task.get("status")
    state = normalize_state(status.get("state")) if isinstance(status, dict) else None
    ctx = task.get("contextId")
    return TaskUpdate(tid, ctx if isinstance(ctx, str) else None, state, task)


def _event_update(event: dict[str, Any]) -> TaskUpdate | None:
    tid = event.get("taskId")
    if not isinstance(tid, str) or not tid:
        return None
    status = event.get("status")
    state = normalize_state(status.get("state")) if isinstance(status, dict) else None
    ctx = event.get("contextId")
    return TaskUpdate(tid, ctx if isinstance(ctx, str) else None, state, None, event)


def update_from_result(result: Any, v03: bool) -> TaskUpdate | None:
    """The task a result or stream event is about (``None``: a plain message)."""
    if not isinstance(result, dict):
        return None
    if v03:
        kind = result.get("kind")
        if kind == "task":
            return _task_update(result)
        if kind in ("status-update", "artifact-update"):
            return _event_update(result)
        return None
    if isinstance(result.get("task"), dict):
        return _task_update(result["task"])
    for key in ("statusUpdate", "artifactUpdate"):
        if isinstance(result.get(key), dict):
            return _event_update(result[key])
    if "id" in result and "status" in result:  # GetTask / CancelTask return a bare Task
        return _task_update(result)
    return None


def snapshot_event(snapshot: dict[str, Any], v03: bool) -> dict[str, Any]:
    """A stream event carrying a whole task (the first event of a subscription)."""
    return snapshot if v03 else {"task": snapshot}


def status_event(task_id: str, context_id: str | None, state: str, v03: bool) -> dict[str, Any]:
    """A synthesised final status event (sent when a cancel ends a stream)."""
    status = {"state": wire_state(state, v03)}
    if v03:
        return {
            "kind": "status-update",
            "taskId": task_id,
            "contextId": context_id or "",
            "status": status,
            "final": state in TERMINAL,
        }
    return {"statusUpdate": {"taskId": task_id, "contextId": context_id or "", "status": status}}


def task_id_param(params: dict[str, Any]) -> str | None:
    """The task id of GetTask/CancelTask/SubscribeToTask params (both versions use ``id``)."""
    tid = params.get("id")
    return tid if isinstance(tid, str) and tid else None
