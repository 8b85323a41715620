"""A2A wire knowledge (I/O-free): methods, state names, transitions, event parsing."""

from __future__ import annotations

import pytest

from routeiq.a2a.tasks import (
    METHODS,
    InvalidTransition,
    TaskUpdate,
    check_transition,
    normalize_state,
    status_event,
    update_from_result,
    wire_state,
)


def test_both_method_generations_are_known() -> None:
    assert METHODS["SendMessage"] == ("send", False)
    assert METHODS["message/send"] == ("send", True)
    assert METHODS["SendStreamingMessage"] == ("stream", False)
    assert METHODS["message/stream"] == ("stream", True)
    assert METHODS["GetTask"] == ("get", False)
    assert METHODS["tasks/get"] == ("get", True)
    assert METHODS["CancelTask"] == ("cancel", False)
    assert METHODS["tasks/cancel"] == ("cancel", True)
    assert METHODS["SubscribeToTask"] == ("subscribe", False)
    assert METHODS["tasks/resubscribe"] == ("subscribe", True)
    assert METHODS["ListTasks"] == ("list", False)


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("TASK_STATE_INPUT_REQUIRED", "input-required"),
        ("input-required", "input-required"),
        ("input_required", "input-required"),
        ("TASK_STATE_CANCELED", "canceled"),
        ("cancelled", "canceled"),
        ("completed", "completed"),
        ("TASK_STATE_UNSPECIFIED", "unknown"),
        ("bogus", "unknown"),
        (None, "unknown"),
        (3, "unknown"),
    ],
)
def test_normalize_state(raw: object, state: str) -> None:
    assert normalize_state(raw) == state


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("submitted", "working"),
        ("submitted", "completed"),
        ("working", "input-required"),
        ("input-required", "working"),
        ("working", "working"),
        ("working", "canceled"),
        ("completed", "completed"),
        ("unknown", "working"),
    ],
)
def test_allowed_transitions(old: str, new: str) -> None:
    check_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("completed", "working"),
        ("canceled", "completed"),
        ("failed", "submitted"),
        ("rejected", "working"),
        ("working", "submitted"),
        ("input-required", "submitted"),
    ],
)
def test_refused_transitions(old: str, new: str) -> None:
    with pytest.raises(InvalidTransition, match=f"task state {old} cannot become {new}"):
        check_transition(old, new)


def test_update_from_current_results_and_events() -> None:
    task = {"id": "t1", "contextId": "c1", "status": {"state": "TASK_STATE_SUBMITTED"}}
    assert update_from_result({"task": task}, False) == TaskUpdate("t1", "c1", "submitted", task)
    assert update_from_result(task, False) == TaskUpdate("t1", "c1", "submitted", task)
    ev = {
        "statusUpdate": {
            "taskId": "t1",
            "contextId": "c1",
            "status": {"state": "TASK_STATE_WORKING"},
        }
    }
    assert update_from_result(ev, False) == TaskUpdate(
        "t1", "c1", "working", None, ev["statusUpdate"]
    )
    art = {"artifactUpdate": {"taskId": "t1", "artifact": {"parts": []}}}
    assert update_from_result(art, False) == TaskUpdate(
        "t1", None, None, None, art["artifactUpdate"]
    )
    assert update_from_result({"message": {"messageId": "m"}}, False) is None
    assert update_from_result({"task": {"status": {}}}, False) is None
    assert update_from_result("nonsense", False) is None


def test_update_from_v03_results_and_events() -> None:
    task = {"kind": "task", "id": "t", "contextId": "c", "status": {"state": "working"}}
    assert update_from_result(task, True) == TaskUpdate("t", "c", "working", task)
    ev = {"kind": "status-update", "taskId": "t", "status": {"state": "completed"}, "final": True}
    assert update_from_result(ev, True) == TaskUpdate("t", None, "completed", None, ev)
    assert update_from_result({"kind": "message", "messageId": "m"}, True) is None


def test_wire_state_and_synthesised_events() -> None:
    assert wire_state("input-required", False) == "TASK_STATE_INPUT_REQUIRED"
    assert wire_state("input-required", True) == "input-required"
    assert status_event("t", "c", "canceled", False) == {
        "statusUpdate": {
            "taskId": "t",
            "contextId": "c",
            "status": {"state": "TASK_STATE_CANCELED"},
        }
    }
    assert status_event("t", None, "canceled", True) == {
        "kind": "status-update",
        "taskId": "t",
        "contextId": "",
        "status": {"state": "canceled"},
        "final": True,
    }
