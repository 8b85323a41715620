"""Let the server finish closing a connection inside an app's last ``send``.

Quart-trio runs each request as two sibling tasks, the handler and a reader that
cancels the handler when the server reports ``http.disconnect``. Hypercorn, for a
client that sent ``Connection: close``, reports that disconnect from *inside* the
handler's last ``send`` (``http.response.body`` without ``more_body``) and then
closes the socket in the same call; the reader's cancel landed in between, so the
socket and its task stayed open for as long as the client kept them. Shielding that
one ``send`` (bounded by :data:`CLOSE_GRACE`: it only writes what is already
buffered and closes) lets the close finish.
"""

from __future__ import annotations

import trio

from routeiq.asgi.types import ASGIApp, Message, Receive, Scope, Send

#: At most this long (seconds) for the server's work in the last send.
CLOSE_GRACE = 5.0


def shield_final_send(app: ASGIApp) -> ASGIApp:
    """``app`` with its final response-body ``send`` shielded from cancellation."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_final_shielded(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                with trio.move_on_after(CLOSE_GRACE, shield=True):
                    await send(message)
                return
            await send(message)

        await app(scope, receive, send_final_shielded)

    return guarded
