"""SIGTERM/SIGINT noted from the first line of ``main``, before trio runs.

Importing the gateway takes most of a second. A process told to stop in that
window (a supervisor forwarding SIGTERM to a worker that is still starting, an
orchestrator scaling down) must not die by the signal's default action (exit
-15, or a ``KeyboardInterrupt`` traceback). This module imports nothing heavy:
``main`` installs the handler before importing the rest, the handler only
notes the request, and ``routeiq.server.wait_for_signal`` returns at once when
serving begins, so the process drains nothing and exits 0.
"""

from __future__ import annotations

import signal
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_requested: list[int] = []


def _note(signum: int, _frame: Any) -> None:
    _requested.append(signum)


def catch_early() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, _note)


def requested() -> int | None:
    """The first stop signal seen so far by the early handler, if any."""
    return _requested[0] if _requested else None
