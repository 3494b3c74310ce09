"""Delivering changes to the channels that subscribed, by the channel controls.

The thin I/O around ``bot.chat.decide``: for each change it asks which channels watch the
pair, decides per channel (pure), posts or updates through the platform's notifier
(``bot.chat.ports``), and has the chat store (``bot.chat.store``) remember what each channel
got (so an update edits the right message and a channel is alerted once when a change
reaches its level), what waits for a digest, and the last decision per channel and pair for
"why".

When a platform fails for a passing reason (down, overloaded, unreachable), the alert waits
in ``chat_retries`` and ``Router.retry_waiting`` tries it again on the schedule of
``bot.chat.decide.RETRY_AFTER``: oldest first, and in order per channel (a later alert for a
channel that has one waiting lines up behind it). A retry sends the change as it is then,
so an update that came while its alert waited is part of the one post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.alert import PingTarget, alert_from_change
from bot.chat.decide import (
    Action,
    Channel,
    Delivered,
    Route,
    digest_due,
    given_up,
    next_try,
    route,
    waiting,
)
from bot.chat.ports import Notifier
from bot.chat.store import ChatStore, Waiting
from bot.render.digest import Digest
from watchers.errors import DeliveryError
from watchers.model import Change, ChangeKind, Pair
from watchers.ports import Clock
from watchers.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Held:
    """A channel's changes held for its digest, and why the digest goes out now."""

    channel: Channel
    changes: tuple[Change, ...]
    reason: str


class _Tried(StrEnum):
    """How one retry went."""

    SENT = "sent"
    SETTLED = "settled"
    """Not sent, and not waiting any more: muted, paused, unsubscribed, or held for a digest."""
    FAILED = "failed"


class Router:
    """Routes each change to the channels that watch its pair, by their controls."""

    def __init__(
        self,
        *,
        chat: ChatStore,
        history: Store,
        channels: Callable[[str], Sequence[Channel]],
        notifiers: Mapping[str, Notifier],
        clock: Clock,
        on_gone: Callable[[Channel, str], None] = lambda channel, reason: None,
        pings: Callable[[str, str, ChangeKind], tuple[PingTarget, ...]] | None = None,
    ) -> None:
        self.chat = chat
        self.pings = pings
        """Whom a first post pings, by platform, channel and kind (``/watch notify``)."""
        self.history = history
        self.channels = channels
        self.notifiers = notifiers
        self.clock = clock
        self.on_gone = on_gone
        # Delivery, retries and digests read and write the same rows around their awaits:
        # one at a time, so an update that lands while its alert is being retried is not lost.
        self._turn = asyncio.Lock()

    async def deliver(self, change: Change) -> list[tuple[Channel, Route]]:
        """Route one change (or update of a change) to every channel watching its pair."""
        if change.change_id is None:
            raise ValueError("only stored changes (with change_id) can be routed")
        async with self._turn:
            now = self.clock.now()
            decided = []
            for channel in self.channels(change.pair.key):
                channel = self.chat.with_settings(channel)
                delivered = self.chat.delivered(channel, change.change_id)
                r = route(change, channel, delivered, now)
                if r.action is Action.QUEUE:
                    self.chat.queue(channel, change, now)
                elif r.action in (Action.POST, Action.UPDATE):
                    r = await self._send_or_line_up(channel, change, delivered, r, now)
                self.chat.record_decision(channel, change, r, now)
                decided.append((channel, r))
            return decided

    async def _send_or_line_up(
        self, channel: Channel, change: Change, delivered: Delivered | None, r: Route, now: datetime
    ) -> Route:
        notifier = self.notifiers.get(channel.platform)
        if notifier is None:
            return Route(Action.DROP, "not delivered", f"{channel.platform} is not connected")
        line = self.chat.waiting(channel.platform, channel.channel)
        if not line:
            r, _ = await self._send(notifier, channel, change, delivered, r, now, None)
            return r
        # Keep the channel's order: this alert goes after those already waiting. An update
        # of an alert that waits keeps its place, and the retry sends the latest state.
        first = line[0]
        waits = Waiting(str(change.change_id), change.pair.key, 0, first.next_at, first.error)
        self.chat.wait(channel, waits, now)
        return waiting(first.error, first.next_at)

    async def _send(
        self,
        notifier: Notifier,
        channel: Channel,
        change: Change,
        delivered: Delivered | None,
        r: Route,
        now: datetime,
        before: Waiting | None,
    ) -> tuple[Route, bool]:
        """Post or update as ``r`` says; the decision, and whether the platform took it."""
        alert = alert_from_change(change)
        try:
            # route() updates only a message the channel has (a digest line has none).
            if r.action is Action.UPDATE and delivered and delivered.message_ref:
                ref = await notifier.update(channel.channel, delivered.message_ref, alert)
                self.chat.record_delivery(channel, change, ref, now)
            else:
                # the channel's first sight of this change pings; no later post of it does
                if self.pings is not None and delivered is None:
                    targets = self.pings(channel.platform, channel.channel, change.kind)
                    alert = replace(alert, pings=targets)
                ref = await notifier.post(channel.channel, alert)
                self.chat.record_delivery(channel, change, ref, now)
        except DeliveryError as e:
            return self._failed(channel, change, e, now, before), False
        except Exception as e:
            # A platform answering nonsense, or a fault of ours: the alert waits and is tried
            # again, and the other channels still get theirs.
            log.exception("%s channel %s: sending failed", channel.platform, channel.channel)
            error = DeliveryError(channel.channel, f"unexpected error: {type(e).__name__}")
            return self._failed(channel, change, error, now, before), False
        return r, True

    def _failed(
        self,
        channel: Channel,
        change: Change,
        e: DeliveryError,
        now: datetime,
        before: Waiting | None,
    ) -> Route:
        """Pause a channel that is gone; otherwise the alert waits, or is given up at last."""
        change_id = str(change.change_id)
        if e.permanent:
            self.chat.done_waiting(channel.platform, channel.channel, change_id)
            self.on_gone(channel, str(e))
            return Route(Action.DROP, "not delivered", str(e))
        failures = 1 if before is None else before.failures + 1
        next_at = next_try(failures, now)
        if next_at is None:
            self.chat.done_waiting(channel.platform, channel.channel, change_id)
            log.warning(
                "%s channel %s: gave up on the %s alert (change %s, “%s”) after %d tries: %s",
                channel.platform,
                channel.channel,
                change.pair.key,
                change_id,
                change.after,
                failures,
                e.message,
            )
            return given_up(failures, e.message)
        waits = Waiting(change_id, change.pair.key, failures, next_at, e.message)
        if before is None:
            self.chat.wait(channel, waits, now)
        else:
            self.chat.failed_again(channel.platform, channel.channel, waits)
        return waiting(e.message, next_at)

    async def retry_waiting(self, pair_of: Callable[[str], Pair | None]) -> int:
        """Try again the alerts whose time has come, in order; returns how many went out."""
        async with self._turn:
            now = self.clock.now()
            sent = 0
            for platform, name in self.chat.waiting_channels():
                notifier = self.notifiers.get(platform)
                if notifier is None:
                    continue  # not connected in this run: the line waits for a run that is
                for w in self.chat.waiting(platform, name):
                    if w.next_at > now:
                        break
                    tried = await self._retry(notifier, platform, name, w, pair_of, now)
                    if tried is _Tried.FAILED:
                        break  # the rest of the line waits behind it
                    sent += tried is _Tried.SENT
            return sent

    async def _retry(
        self,
        notifier: Notifier,
        platform: str,
        name: str,
        w: Waiting,
        pair_of: Callable[[str], Pair | None],
        now: datetime,
    ) -> _Tried:
        pair = pair_of(w.pair_key)
        change = self.history.change(w.change_id, pair) if pair else None
        channel = self._channel(platform, name, w.pair_key)
        if change is None or channel is None:
            # Unsubscribed while it waited (or the change is gone): nobody wants it now.
            self.chat.done_waiting(platform, name, w.change_id)
            return _Tried.SETTLED
        # Decide again with the change as it is now: later sources, a mute, a pause, a digest.
        delivered = self.chat.delivered(channel, w.change_id)
        r = route(change, channel, delivered, now)
        tried = _Tried.SETTLED
        if r.action is Action.QUEUE:
            self.chat.queue(channel, change, now)
        elif r.action in (Action.POST, Action.UPDATE):
            r, took = await self._send(notifier, channel, change, delivered, r, now, w)
            tried = _Tried.SENT if took else _Tried.FAILED
        if tried is not _Tried.FAILED:
            self.chat.done_waiting(platform, name, w.change_id)
        self.chat.record_decision(channel, change, r, now)
        return tried

    async def flush_digests(self, pair_of: Callable[[str], Pair | None]) -> int:
        """Send every digest that is due now; returns how many went out."""
        async with self._turn:
            now = self.clock.now()
            sent = 0
            for platform, name in self.chat.queued_channels():
                notifier = self.notifiers.get(platform)
                if notifier is None:
                    continue
                held = self._due(platform, name, pair_of, now)
                if held is not None and await self._send_digest(notifier, held, now):
                    sent += 1
            return sent

    def _due(
        self, platform: str, name: str, pair_of: Callable[[str], Pair | None], now: datetime
    ) -> _Held | None:
        """What a channel's digest holds, when it is due and has something to show.

        Changes that cannot be read back (their pair or record is gone) are let go: no
        digest is empty, and none waits for them forever.
        """
        wanted = self._still_wanted(platform, name)
        if not wanted:
            return None
        channel, _, _, since = wanted[0]
        reason = digest_due(channel, since, now)
        if reason is None:
            return None
        changes, gone = [], []
        for _, change_id, pair_key, _ in wanted:
            pair = pair_of(pair_key)
            change = self.history.change(change_id, pair) if pair else None
            if change is None:
                gone.append(change_id)
            else:
                changes.append(change)
        self.chat.clear_queue(platform, name, gone)
        return _Held(channel, tuple(changes), reason) if changes else None

    def _still_wanted(self, platform: str, name: str) -> list[tuple[Channel, str, str, datetime]]:
        """The channel's held changes of pairs it still watches, oldest first, as (channel
        with its settings, change_id, pair_key, queued_at); the others are let go."""
        wanted, unwanted = [], []
        for change_id, pair_key, queued_at in self.chat.queued(platform, name):
            channel = self._channel(platform, name, pair_key)
            if channel is None:
                unwanted.append(change_id)  # unsubscribed meanwhile: nobody wants it now
            else:
                wanted.append((channel, change_id, pair_key, queued_at))
        self.chat.clear_queue(platform, name, unwanted)
        return wanted

    async def _send_digest(self, notifier: Notifier, held: _Held, now: datetime) -> bool:
        """Post one channel's digest; whether it went out (if not, its changes stay held)."""
        channel = held.channel
        alerts = tuple(alert_from_change(change) for change in held.changes)
        try:
            await notifier.digest(channel.channel, Digest(held.reason, alerts))
        except DeliveryError as e:
            # The held alerts stay queued: the next flush tries the digest again.
            log.warning("digest for %s not delivered: %s", channel.key, e)
            if e.permanent:
                self.on_gone(channel, str(e))
            return False
        except Exception:
            # As above, and the other channels' digests still go out.
            log.exception("digest for %s not delivered", channel.key)
            return False
        for change in held.changes:
            # Delivered, with no message to edit: later sources do not alert again.
            self.chat.record_delivery(channel, change, None, now)
        ids = [str(change.change_id) for change in held.changes]
        self.chat.clear_queue(channel.platform, channel.channel, ids)
        return True

    def _channel(self, platform: str, name: str, pair_key: str) -> Channel | None:
        for channel in self.channels(pair_key):
            if channel.platform == platform and channel.channel == name:
                return self.chat.with_settings(channel)
        return None
