"""Our own pacing of writes to one chat channel, shared by the Discord and Slack senders.

Both platforms allow about one message per second per channel; their libraries wait out a
429 once it comes, and this keeps a burst of alerts from asking for one. Each channel has
its own turn: writes to other channels never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class ChannelPacer:
    """Keeps writes to one channel at least ``interval`` seconds apart."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        """Return when a write to ``channel`` may go out."""
        now = self._clock()
        # Reserve the slot before sleeping, so concurrent writers queue up one interval apart.
        slot = max(now, self._next_slot.get(channel, now))
        self._next_slot[channel] = slot + self.interval
        if slot > now:
            await self._sleep(slot - now)
