"""Pure helpers: compare-and-set arguments/replies, settings validation."""

from __future__ import annotations

import pydantic
import pytest

from routeiq.state import StateSettings, per_process_warning
from routeiq.state.cas import cas_args, cas_outcome, ttl_ms


def test_ttl_ms_rounds_up_never_to_zero() -> None:
    assert [ttl_ms(t) for t in (0.2, 0.0001, 1.0005, 30.0)] == [200, 1, 1001, 30_000]


def test_cas_args_encode_absence_and_deletion() -> None:
    assert cas_args(None, b"new", None) == [b"0", b"", b"1", b"new", b"0"]
    assert cas_args(b"old", None, 1.5) == [b"1", b"old", b"0", b"", b"1500"]
    assert cas_args(b"", b"", 0.2) == [b"1", b"", b"1", b"", b"200"]


def test_cas_outcome() -> None:
    assert cas_outcome(1) == (True, None)
    assert cas_outcome([0, b"winner"]) == (False, b"winner")
    assert cas_outcome([0]) == (False, None)
    for bad in ([], [1, b"x"], [0, 5]):
        with pytest.raises(ValueError):
            cas_outcome(bad)


def test_settings_defaults_and_validation() -> None:
    s = StateSettings()
    assert (s.backend, s.key_prefix, s.backoff_initial, s.backoff_cap) == (
        "memory",
        "routeiq:",
        0.1,
        5.0,
    )
    with pytest.raises(pydantic.ValidationError, match="backoff_initial"):
        StateSettings(backoff_initial=6.0, backoff_cap=5.0)
    with pytest.raises(pydantic.ValidationError):
        StateSettings(backend="etcd")  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError):
        StateSettings(max_keys=0)
    with pytest.raises(pydantic.ValidationError):
        StateSettings(unknown=1)  # type: ignore[call-arg]


def test_per_process_warning() -> None:
    memory = StateSettings()
    message = per_process_warning(memory, 4)
    assert message is not None and "4 worker processes" in message
    assert per_process_warning(memory, 1) is None
    assert per_process_warning(StateSettings(backend="redis"), 4) is None
