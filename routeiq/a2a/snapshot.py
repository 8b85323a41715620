"""Keeping a stored Task current from stream events (I/O-free).

A2A 1.0 requires the first event of ``SubscribeToTask`` to be the task's
current state, and later events are deltas (``append: true`` artifact chunks),
so a subscriber rebuilds the task correctly only if that first Task already
holds every chunk so far. The gateway therefore applies each status and
artifact update to the stored Task the way the protocol defines them (and the
a2a-sdk's own task manager does):

- a status update replaces ``status``; the status message it replaces moves to
  ``history``; event ``metadata`` is merged into the task's;
- an artifact update with ``append: true`` adds its parts to the artifact with
  the same ``artifactId`` (or adds the artifact when none has that id);
  without ``append`` it replaces that artifact (or adds it).

Both wire versions use the same field names for these (v0.3 adds ``kind``
tags, which are kept as they come). ``history`` keeps the last
:data:`HISTORY_CAP` messages so a long task's record stays bounded.
"""

from __future__ import annotations

from typing import Any

HISTORY_CAP = 200


def placeholder(task_id: str, context_id: str | None, v03: bool) -> dict[str, Any]:
    """A Task to apply events to when the first event seen was not a Task."""
    task: dict[str, Any] = {"id": task_id, "contextId": context_id or "", "status": {}}
    if v03:
        task["kind"] = "task"
    return task


def _merge_metadata(task: dict[str, Any], event: dict[str, Any]) -> None:
    meta = event.get("metadata")
    if isinstance(meta, dict) and meta:
        old = task.get("metadata")
        task["metadata"] = {**(old if isinstance(old, dict) else {}), **meta}


def _apply_status(task: dict[str, Any], status: dict[str, Any]) -> None:
    old = task.get("status")
    previous = old.get("message") if isinstance(old, dict) else None
    if isinstance(previous, dict):
        history = task.get("history")
        kept = list(history) if isinstance(history, list) else []
        kept.append(previous)
        task["history"] = kept[-HISTORY_CAP:]
    task["status"] = status


def _apply_artifact(task: dict[str, Any], artifact: dict[str, Any], append: bool) -> None:
    artifacts = task.get("artifacts")
    current: list[Any] = list(artifacts) if isinstance(artifacts, list) else []
    aid = artifact.get("artifactId")
    index = next(
        (i for i, a in enumerate(current) if isinstance(a, dict) and a.get("artifactId") == aid),
        None,
    )
    if index is None:
        current.append(artifact)
    elif append:
        existing = current[index]
        parts = existing.get("parts")
        more = artifact.get("parts")
        merged = {**existing, **{k: v for k, v in artifact.items() if k != "parts"}}
        merged["parts"] = [
            *(parts if isinstance(parts, list) else []),
            *(more if isinstance(more, list) else []),
        ]
        current[index] = merged
    else:
        current[index] = artifact
    task["artifacts"] = current


def apply_event(task: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """``task`` after one status or artifact update event (a new dict; pure)."""
    out = dict(task)
    status = event.get("status")
    if isinstance(status, dict):
        _apply_status(out, status)
    artifact = event.get("artifact")
    if isinstance(artifact, dict):
        _apply_artifact(out, artifact, event.get("append") is True)
    _merge_metadata(out, event)
    if not out.get("contextId") and isinstance(event.get("contextId"), str):
        out["contextId"] = event["contextId"]
    return out


def trimmed(task: dict[str, Any], history_length: int | None, artifacts: bool) -> dict[str, Any]:
    """``task`` as ListTasks/GetTask return it: the last ``history_length``
    messages (``None``: all) and artifacts only when asked for."""
    out = dict(task)
    if history_length is not None and isinstance(out.get("history"), list):
        out["history"] = out["history"][-history_length:] if history_length > 0 else []
    if not artifacts:
        out.pop("artifacts", None)
    return out
