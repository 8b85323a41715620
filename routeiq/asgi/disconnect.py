"""The one disconnect watcher: run beside the work, cancel it when the client leaves."""

from __future__ import annotations

from collections.abc import Callable

import trio

from routeiq.asgi.types import Receive


def _never() -> bool:
    return False


async def watch_disconnect(
    receive: Receive, cancel_scope: trio.CancelScope, finished: Callable[[], bool] = _never
) -> bool:
    """Cancel ``scope`` when the client disconnects and return True; return False
    without cancelling when ``finished()`` says the response was already complete
    (a disconnect after the last byte is a normal end, not a client that left)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            if finished():
                return False
            cancel_scope.cancel()
            return True
