"""In-process publish/subscribe with a bounded buffer per subscriber.

A slow subscriber never blocks a publisher and never grows memory: when its
buffer is full, the OLDEST buffered message is dropped to make room for the new
one (state notifications are superseded by newer ones, so the newest matter
most). Drops are counted per subscriber and in total.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio


class LocalSubscription:
    """One subscriber's bounded message buffer; iterate it to receive payloads."""

    def __init__(self, buffer: int) -> None:
        self._send, self._receive = trio.open_memory_channel[bytes](buffer)
        self.dropped = 0

    def push(self, message: bytes) -> bool:
        """Buffer ``message`` without waiting; ``False`` if an older one was dropped."""
        try:
            self._send.send_nowait(message)
            return True
        except trio.WouldBlock:
            # Full: drop the oldest. Nothing awaits between these calls, so the
            # buffer cannot change underneath us (trio is single-threaded).
            self._receive.receive_nowait()
            self._send.send_nowait(message)
            self.dropped += 1
            return False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self._receive.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None

    def close(self) -> None:
        self._send.close()


class Broker:
    """Channel name -> live subscribers. Empty channels are removed, so the map
    holds only channels someone is listening to."""

    def __init__(self, subscriber_buffer: int = 256) -> None:
        self._buffer = subscriber_buffer
        self._channels: dict[str, set[LocalSubscription]] = {}
        self.dropped = 0

    def publish(self, channel: str, message: bytes) -> int:
        """Deliver to every subscriber of ``channel``; returns how many got it."""
        subscribers = self._channels.get(channel)
        if not subscribers:
            return 0
        for sub in subscribers:
            if not sub.push(message):
                self.dropped += 1
        return len(subscribers)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[LocalSubscription]:
        """Register a subscriber for the duration of the context."""
        sub = LocalSubscription(self._buffer)
        self._channels.setdefault(channel, set()).add(sub)
        try:
            yield sub
        finally:
            subscribers = self._channels.get(channel)
            if subscribers is not None:
                subscribers.discard(sub)
                if not subscribers:
                    del self._channels[channel]
            sub.close()

    def subscriber_count(self, channel: str) -> int:
        return len(self._channels.get(channel, ()))
