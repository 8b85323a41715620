"""Translation between the A2A v0.3 and v1.0 JSON-RPC wire formats (I/O-free).

A client speaking one version to an agent that declares only the other (its
card's interfaces) gets its request translated on the way in and every result
and stream event translated on the way out, instead of an error. What differs:

- method names: ``message/send`` <-> ``SendMessage`` and so on (:data:`V03_TO_V1`);
- objects: v0.3 tags every object with ``kind``; v1.0 wraps results and stream
  events in a one-key object (``{"task": ...}``, ``{"statusUpdate": ...}``);
- spellings: roles ``user``/``agent`` <-> ``ROLE_USER``/``ROLE_AGENT``, task
  states ``working`` <-> ``TASK_STATE_WORKING``;
- parts: ``{"kind": "text", "text"}`` <-> ``{"text"}``, ``{"kind": "data",
  "data"}`` <-> ``{"data"}``, ``{"kind": "file", "file": {"uri" | "bytes",
  "mimeType", "name"}}`` <-> ``{"url" | "raw", "mediaType", "filename"}``;
- send configuration: ``blocking: false`` <-> ``returnImmediately: true``;
- a v0.3 status update carries ``final`` (the stream ends after it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from routeiq.a2a.tasks import INPUT_REQUIRED, TERMINAL, normalize_state, wire_state

V03_TO_V1 = {
    "message/send": "SendMessage",
    "message/stream": "SendStreamingMessage",
    "tasks/get": "GetTask",
    "tasks/cancel": "CancelTask",
    "tasks/resubscribe": "SubscribeToTask",
}
V1_TO_V03 = {v: k for k, v in V03_TO_V1.items()}
_ROLES_V1 = {"user": "ROLE_USER", "agent": "ROLE_AGENT"}
_ROLES_V03 = {v: k for k, v in _ROLES_V1.items()}
_INTERRUPTED = frozenset({INPUT_REQUIRED, "auth-required"})


def _without(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


# --- parts, messages, tasks -------------------------------------------------


def part_to_v1(part: Any) -> Any:
    if not isinstance(part, dict):
        return part
    kind = part.get("kind")
    out: dict[str, Any] = {}
    if isinstance(part.get("metadata"), dict):
        out["metadata"] = part["metadata"]
    if kind == "text" or (kind is None and "text" in part):
        out["text"] = part.get("text", "")
    elif kind == "data":
        out["data"] = part.get("data")
    elif kind == "file" and isinstance(part.get("file"), dict):
        f = part["file"]
        if "bytes" in f:
            out["raw"] = f["bytes"]
        elif "uri" in f:
            out["url"] = f["uri"]
        if f.get("mimeType"):
            out["mediaType"] = f["mimeType"]
        if f.get("name"):
            out["filename"] = f["name"]
    else:
        return _without(part, "kind")
    return out


def part_to_v03(part: Any) -> Any:
    if not isinstance(part, dict):
        return part
    out: dict[str, Any] = {}
    if isinstance(part.get("metadata"), dict):
        out["metadata"] = part["metadata"]
    if "text" in part:
        out.update(kind="text", text=part["text"])
    elif "data" in part:
        out.update(kind="data", data=part["data"])
    elif "raw" in part or "url" in part:
        f: dict[str, Any] = {"bytes": part["raw"]} if "raw" in part else {"uri": part["url"]}
        if part.get("mediaType"):
            f["mimeType"] = part["mediaType"]
        if part.get("filename"):
            f["name"] = part["filename"]
        out.update(kind="file", file=f)
    else:
        return part
    return out


def message_to_v1(msg: Any) -> Any:
    if not isinstance(msg, dict):
        return msg
    out = _without(msg, "kind")
    if isinstance(msg.get("role"), str):
        out["role"] = _ROLES_V1.get(msg["role"], msg["role"])
    if isinstance(msg.get("parts"), list):
        out["parts"] = [part_to_v1(p) for p in msg["parts"]]
    return out


def message_to_v03(msg: Any) -> Any:
    if not isinstance(msg, dict):
        return msg
    out = {"kind": "message", **msg}
    if isinstance(msg.get("role"), str):
        out["role"] = _ROLES_V03.get(msg["role"], msg["role"].lower())
    if isinstance(msg.get("parts"), list):
        out["parts"] = [part_to_v03(p) for p in msg["parts"]]
    return out


def _status(status: Any, v03: bool) -> Any:
    if not isinstance(status, dict):
        return status
    out = dict(status)
    if "state" in status:
        out["state"] = wire_state(normalize_state(status["state"]), v03)
    if isinstance(status.get("message"), dict):
        convert = message_to_v03 if v03 else message_to_v1
        out["message"] = convert(status["message"])
    return out


def _artifact(artifact: Any, v03: bool) -> Any:
    if not isinstance(artifact, dict) or not isinstance(artifact.get("parts"), list):
        return artifact
    convert = part_to_v03 if v03 else part_to_v1
    return {**artifact, "parts": [convert(p) for p in artifact["parts"]]}


def task_to(task: Any, v03: bool) -> Any:
    """A Task object in the v0.3 (``v03``) or v1.0 spelling."""
    if not isinstance(task, dict):
        return task
    out = _without(task, "kind")
    if v03:
        out = {"kind": "task", **out}
    if "status" in task:
        out["status"] = _status(task["status"], v03)
    if isinstance(task.get("history"), list):
        convert = message_to_v03 if v03 else message_to_v1
        out["history"] = [convert(m) for m in task["history"]]
    if isinstance(task.get("artifacts"), list):
        out["artifacts"] = [_artifact(a, v03) for a in task["artifacts"]]
    return out


# --- requests ---------------------------------------------------------------


def params_to_v1(method: str, params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    if "message" in params:
        out["message"] = message_to_v1(params["message"])
    conf = params.get("configuration")
    if isinstance(conf, dict):
        c = _without(conf, "blocking", "pushNotificationConfig")
        if conf.get("blocking") is False:
            c["returnImmediately"] = True
        if "pushNotificationConfig" in conf:
            c["taskPushNotificationConfig"] = conf["pushNotificationConfig"]
        out["configuration"] = c
    if method in ("tasks/resubscribe", "tasks/get"):
        out.pop("metadata", None)  # not a field of GetTask/SubscribeToTask in v1.0
    return out


def params_to_v03(method: str, params: dict[str, Any]) -> dict[str, Any]:
    out = _without(params, "tenant")
    if "message" in params:
        out["message"] = message_to_v03(params["message"])
    conf = params.get("configuration")
    if isinstance(conf, dict):
        c = _without(conf, "returnImmediately", "taskPushNotificationConfig")
        if conf.get("returnImmediately") is True:
            c["blocking"] = False
        if "taskPushNotificationConfig" in conf:
            c["pushNotificationConfig"] = conf["taskPushNotificationConfig"]
        out["configuration"] = c
    return out


def request_to(method: str, params: dict[str, Any], agent_v03: bool) -> tuple[str, dict[str, Any]]:
    """The request in the agent's version (``agent_v03``): method name and params."""
    if agent_v03:
        return V1_TO_V03.get(method, method), params_to_v03(method, params)
    return V03_TO_V1.get(method, method), params_to_v1(method, params)


# --- results and stream events ----------------------------------------------


def result_to_v03(result: Any) -> Any:
    """A v1.0 result or stream event in the v0.3 spelling."""
    if not isinstance(result, dict):
        return result
    if isinstance(result.get("task"), dict):
        return task_to(result["task"], True)
    if isinstance(result.get("message"), dict):
        return message_to_v03(result["message"])
    if isinstance(result.get("statusUpdate"), dict):
        ev = result["statusUpdate"]
        status = _status(ev.get("status"), True)
        state = normalize_state(status.get("state")) if isinstance(status, dict) else None
        final = state in TERMINAL or state in _INTERRUPTED
        return {"kind": "status-update", **ev, "status": status, "final": final}
    if isinstance(result.get("artifactUpdate"), dict):
        ev = result["artifactUpdate"]
        return {"kind": "artifact-update", **ev, "artifact": _artifact(ev.get("artifact"), True)}
    if "id" in result and "status" in result:  # GetTask / CancelTask: a bare Task
        return task_to(result, True)
    return result


def result_to_v1(result: Any, *, bare_task: bool = False) -> Any:
    """A v0.3 result or stream event in the v1.0 spelling (``bare_task``: a Task
    answers GetTask/CancelTask unwrapped)."""
    if not isinstance(result, dict):
        return result
    kind = result.get("kind")
    if kind == "task":
        task = task_to(result, False)
        return task if bare_task else {"task": task}
    if kind == "message":
        return {"message": message_to_v1(result)}
    if kind == "status-update":
        ev = _without(result, "kind", "final")
        return {"statusUpdate": {**ev, "status": _status(result.get("status"), False)}}
    if kind == "artifact-update":
        ev = _without(result, "kind")
        return {"artifactUpdate": {**ev, "artifact": _artifact(result.get("artifact"), False)}}
    return result


def reply_to(reply: dict[str, Any], client_v03: bool, method: str) -> dict[str, Any]:
    """An agent's JSON-RPC response, its result in the client's version."""
    if "result" not in reply:
        return reply
    if client_v03:
        return {**reply, "result": result_to_v03(reply["result"])}
    bare = method in ("GetTask", "CancelTask")
    return {**reply, "result": result_to_v1(reply["result"], bare_task=bare)}


def converter(client_v03: bool) -> Callable[[Any], Any]:
    """Stream events from an agent of the other version into the client's."""
    return result_to_v03 if client_v03 else result_to_v1
