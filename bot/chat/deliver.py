"""Delivering changes to the channels that subscribed, by the channel controls.

The thin I/O around ``bot.chat.decide``: for each change it asks which channels watch the
pair, decides per channel (pure), posts or updates through the platform's notifier
(``bot.chat.ports``), and has the chat store (``bot.chat.store``) remember what each channel
got (so an update edits the right message and a channel is alerted once when a change
reaches its level), what waits for a digest, and the last decision per channel and pair for
"why".

The outbox: ``chat_retries`` holds every delivery a channel is owed. The watcher records a
change (or a later revision of one) as not yet routed in the transaction that finds it;
``Router.deliver`` decides for every channel, writes the owed deliveries and marks the
change routed in one transaction, and only then sends. A row leaves the outbox in the
transaction that records the platform's answer (sent, or given up), so a crash at any point
loses nothing: the next start routes what was not routed and sends what is owed, in order
per channel. What a crash can cause is a duplicate: the platform took the message and we
died before recording it, or its answer was lost on the way (a timeout, a reset
connection). Each post notes in its outbox row, before it is sent, when it was first tried;
a post tried before is sent with that time (``Notifier.post``'s ``tried_at``). Discord's bot
mode closes the window with a message ``nonce`` and ``enforce_nonce``; Slack looks for the
message by its metadata in the channel's history (``bot.platforms.slack.delivery``);
webhooks cannot read a channel back, so there a duplicate stays possible. Processes
sharing one PostgreSQL store (workers) send a channel's owed alerts one process at a time
(``ChatStore.take_channel``): an alert stays in the outbox
until its post is recorded, and another process retrying it meanwhile would post it again.

A digest has the same outbox: the changes a channel holds (``chat_queue``) leave the hold
in the transaction that records the digest's answer, and a digest is noted as tried (on
those changes) before it is sent, so that a platform that can look finds a digest whose
answer was lost instead of posting it again.

When a platform fails for a passing reason (down, overloaded, unreachable), the alert waits
and ``Router.retry_waiting`` tries it again on the schedule of
``bot.chat.decide.RETRY_AFTER``: oldest first, and in order per channel (a later alert for a
channel that has one waiting lines up behind it). A retry sends the change as it is then,
so an update that came while its alert waited is part of the one post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from time import monotonic as time_monotonic
from typing import TypeVar

from bot.alert import Alert, PingTarget, alert_from_change
from bot.chat.decide import (
    Action,
    Channel,
    Delivered,
    Route,
    digest_due,
    given_up,
    next_digest_try,
    next_try,
    route,
    waiting,
)
from bot.chat.ports import CannotCheck, Notifier, Refused
from bot.chat.store import ChatStore, DigestWait, Waiting, atomic
from bot.render.digest import Digest, digest_key
from watchers.errors import DeliveryError, StoreError
from watchers.model import Change, ChangeKind, Pair
from watchers.ports import Clock
from watchers.store import Store

log = logging.getLogger(__name__)


T = TypeVar("T")


def _stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def _each_platform_apart(
    items: Sequence[tuple[str, T]], send: Callable[[T], Awaitable[None]]
) -> None:
    """Send each platform's items in order, the platforms side by side: a platform that is
    slow to fail (its library retrying a 5xx for seconds) never holds up the others. The
    store is shared, but each of its transactions runs without an await inside."""
    by_platform: dict[str, list[T]] = {}
    for platform, item in items:
        by_platform.setdefault(platform, []).append(item)

    async def one(queue: list[T]) -> None:
        for item in queue:
            await send(item)

    await asyncio.gather(*(one(queue) for queue in by_platform.values()))


class NotStarted:
    """The notifier of a platform that failed to start: its alerts are owed (routed and kept
    in the outbox, in order) and wait, without counting as failed tries, until it starts."""

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        """Never sends: the platform is not connected."""
        raise DeliveryError(channel, f"{self.kind} is not started: {self.reason}")

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        """Never sends: the platform is not connected."""
        raise DeliveryError(channel, f"{self.kind} is not started: {self.reason}")

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        """Never sends: the platform is not connected."""
        raise DeliveryError(channel, f"{self.kind} is not started: {self.reason}")


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
        notifiers: MutableMapping[str, Notifier],
        clock: Clock,
        on_gone: Callable[[Channel, str], None] | None = None,
        pair_of: Callable[[str], Pair | None] | None = None,
        observe: Callable[[str, str, float], None] = lambda platform, outcome, seconds: None,
        pings: Callable[[str, str, ChangeKind], tuple[PingTarget, ...]] | None = None,
        channels: Callable[[str], Sequence[Channel]] | None = None,
    ) -> None:
        self.chat = chat
        self.pings = pings
        """Whom a first post pings, by platform, channel and kind (``/watch notify``)."""
        self.history = history
        self.channels = channels or chat.route_channels
        """The channels that watch a pair, by its key: the chat store's, unless told."""
        self.notifiers = notifiers
        self.clock = clock
        self.on_gone = on_gone or self.pause
        """Told of a channel that is gone or forbids posting: ``pause`` unless told otherwise."""
        self.pair_of = pair_of
        """Reads an owed change's pair back from its key (to send what an earlier run owed)."""
        self.observe = observe
        """Told of each attempt: platform, "sent" or "failed", and the seconds it took."""
        # Delivery, retries and digests read and write the same rows around their awaits:
        # one at a time, so an update that lands while its alert is being retried is not lost.
        self._turn = asyncio.Lock()

    def pause(self, channel: Channel, reason: str) -> None:
        """Pause a channel that is gone or forbids posting, said once in the log."""
        # pause_channel returns 0 when the channel was paused already: report once
        if self.chat.pause_channel(channel.platform, channel.channel, reason, now=self.clock.now()):
            log.warning(
                "%s channel %s paused: %s (once that is fixed, /watch add of one of its "
                "pairs resumes it; pairs from the config resume at the next start)",
                channel.platform,
                channel.channel,
                reason,
            )

    async def deliver(self, change: Change) -> list[tuple[Channel, Route]]:
        """Route one change (or update of a change) to every channel watching its pair.

        What each channel is owed is written (and the change marked routed) in one
        transaction before anything is sent; then each channel's line is sent in order.
        """
        if change.change_id is None:
            raise ValueError("only stored changes (with change_id) can be routed")
        async with self._turn:
            return await self._deliver(change, self.clock.now())

    async def deliver_unrouted(
        self, pair_of: Callable[[str], Pair | None], *, new_only: bool = False
    ) -> int:
        """Route the stored changes not routed yet (found by this run or one that died
        before routing them), oldest first; returns how many."""
        count = 0
        async with self._turn:
            for change_id, pair_key in self.chat.unrouted(new_only=new_only):
                pair = pair_of(pair_key)
                change = self.history.change(change_id, pair) if pair else None
                if change is None:
                    # A pair no longer known to the country table: nobody can be told.
                    log.warning(
                        "change %s of %s cannot be read back; not routed", change_id, pair_key
                    )
                    self.chat.let_go_unroutable(change_id)
                    continue
                await self._deliver(change, self.clock.now())
                count += 1
        return count

    async def _deliver(self, change: Change, now: datetime) -> list[tuple[Channel, Route]]:
        decided: list[tuple[Channel, Route]] = []
        owing: list[Channel] = []
        with atomic(self.chat.connection):
            for channel in self.channels(change.pair.key):
                channel = self.chat.with_settings(channel)
                delivered = self.chat.delivered(channel, str(change.change_id))
                r = route(change, channel, delivered, now)
                if r.action is Action.QUEUE:
                    self.chat.queue(channel, change, now)
                elif r.action in (Action.POST, Action.UPDATE):
                    if channel.platform not in self.notifiers:
                        r = Route(
                            Action.DROP, "not delivered", f"{channel.platform} is not connected"
                        )
                    else:
                        owed = Waiting(str(change.change_id), change.pair.key, 0, now, "")
                        self.chat.wait(channel, owed, now)  # keeps its place if owed already
                        owing.append(channel)
                self.chat.record_decision(channel, change, r, now)
                decided.append((channel, r))
            self.chat.mark_routed(change)
        # Owed and recorded: from here a crash loses nothing, and the sending may begin.
        results: dict[tuple[str, str], Route] = {}

        async def send(channel: Channel) -> None:
            notifier = self.notifiers[channel.platform]
            if isinstance(notifier, NotStarted):
                results[(channel.platform, channel.channel)] = Route(
                    Action.QUEUE, "owed", f"kept until {notifier.kind} starts: {notifier.reason}"
                )
                return
            tried, _ = await self._send_line(
                notifier, channel.platform, channel.channel, now, given=change
            )
            results[(channel.platform, channel.channel)] = tried

        await _each_platform_apart([(c.platform, c) for c in owing], send)
        return [(c, results.get((c.platform, c.channel), r)) for c, r in decided]

    async def _send_line(
        self,
        notifier: Notifier,
        platform: str,
        name: str,
        now: datetime,
        *,
        given: Change | None = None,
        pair_of: Callable[[str], Pair | None] | None = None,
        due_or_not: bool = False,
    ) -> tuple[Route, int]:
        """Send a channel's owed deliveries in order, while they go out and are due.

        ``given`` is a change to send as it is (not read back). Returns how its delivery
        went (or how the line stands when it was not reached), and how many went out.

        Another process sending to the channel now (a worker delivering while another
        retries what waits) has the line: it stays owed here, for the next round.
        """
        if not self.chat.take_channel(platform, name):
            return waiting("another process is sending to this channel", now), 0
        try:
            return await self._send_taken_line(
                notifier, platform, name, now, given=given, pair_of=pair_of, due_or_not=due_or_not
            )
        finally:
            try:
                self.chat.free_channel(platform, name)
            except StoreError as e:  # a lost connection took its locks with it
                log.warning("could not free %s channel %s: %s", platform, name, e)

    async def _send_taken_line(
        self,
        notifier: Notifier,
        platform: str,
        name: str,
        now: datetime,
        *,
        given: Change | None,
        pair_of: Callable[[str], Pair | None] | None,
        due_or_not: bool,
    ) -> tuple[Route, int]:
        outcome: Route | None = None
        sent = 0
        line = self.chat.waiting(platform, name)
        for w in line:
            if w.next_at > now and not due_or_not:
                break
            change: Change | None = None
            if given is not None and w.change_id == given.change_id:
                change = given
            else:
                read = pair_of or self.pair_of
                if read is None:
                    break  # cannot read it back here: the line waits for retry_waiting
                pair = read(w.pair_key)
                change = self.history.change(w.change_id, pair) if pair else None
            tried, r = await self._retry(notifier, platform, name, w, change, now)
            if given is not None and w.change_id == given.change_id:
                outcome = r
            sent += tried is _Tried.SENT
            if tried is _Tried.FAILED:
                break  # the rest of the line waits behind it
        if outcome is not None:
            return outcome, sent
        left = self.chat.waiting(platform, name)
        mine = [w for w in left if given is not None and w.change_id == given.change_id]
        if mine and left:
            return waiting(left[0].error or "waiting behind earlier alerts", left[0].next_at), sent
        return Route(Action.DROP, "alerted", "this channel has this alert already"), sent

    async def _send(
        self,
        notifier: Notifier,
        channel: Channel,
        change: Change,
        delivered: Delivered | None,
        r: Route,
        now: datetime,
        before: Waiting,
    ) -> tuple[Route, bool]:
        """Post or update as ``r`` says; the decision, and whether the platform took it.

        Taken means recorded and out of the outbox in one transaction: a crash before it
        commits sends the alert again at the next start (the duplicate window). A post
        tried before is sent with the time of its first try, so that a platform that can
        read its channels finds the message an unanswered try left, instead of posting again.
        """
        alert = alert_from_change(change)
        started = time_monotonic()
        try:
            # route() updates only a message the channel has (a digest line has none).
            if r.action is Action.UPDATE and delivered and delivered.message_ref:
                # Noted too: if the message was deleted, the update is posted anew.
                self.chat.trying(channel.platform, channel.channel, before.change_id, now)
                ref = await notifier.update(
                    channel.channel, delivered.message_ref, alert, tried_at=before.tried_at
                )
            else:
                # the channel's first sight of this change pings; no later post of it does
                if self.pings is not None and delivered is None:
                    targets = self.pings(channel.platform, channel.channel, change.kind)
                    alert = replace(alert, pings=targets)
                # Noted before sending: if no answer is recorded, the next try looks first.
                self.chat.trying(channel.platform, channel.channel, before.change_id, now)
                ref = await notifier.post(channel.channel, alert, tried_at=before.tried_at)
        except DeliveryError as e:
            # a post that waits for its look-up is no failure of the platform's
            outcome = "deferred" if isinstance(e, CannotCheck) else "failed"
            self.observe(channel.platform, outcome, time_monotonic() - started)
            return self._failed(channel, change, e, now, before), False
        except Exception as e:
            # A platform answering nonsense, or a fault of ours: the alert waits and is tried
            # again, and the other channels still get theirs.
            log.exception("%s channel %s: sending failed", channel.platform, channel.channel)
            self.observe(channel.platform, "failed", time_monotonic() - started)
            error = DeliveryError(channel.channel, f"unexpected error: {type(e).__name__}")
            return self._failed(channel, change, error, now, before), False
        answered = time_monotonic()
        with atomic(self.chat.connection):
            self.chat.record_delivery(channel, change, ref, now)
            self.chat.done_waiting(channel.platform, channel.channel, before.change_id)
        recorded = time_monotonic()
        # From the platform's answer to our commit: a death in between sends it again.
        log.debug(
            "%s channel %s: change %s delivered; recorded %.3f ms after the platform answered",
            channel.platform,
            channel.channel,
            change.change_id,
            (recorded - answered) * 1000,
        )
        self.observe(channel.platform, "sent", answered - started)
        return r, True

    def _failed(
        self,
        channel: Channel,
        change: Change,
        e: DeliveryError,
        now: datetime,
        before: Waiting,
    ) -> Route:
        """Pause a channel that is gone; otherwise the alert waits, or is given up at last.

        A post that could not be looked for (``CannotCheck``) waits as long as the platform
        asks, without counting as a failed try: the platform is up, and posting it unchecked
        could show it twice. A ``Refused`` post was not made, so its next try is a first try.
        """
        change_id = str(change.change_id)
        if e.permanent:
            self.chat.done_waiting(channel.platform, channel.channel, change_id)
            self.on_gone(channel, str(e))
            return Route(Action.DROP, "not delivered", str(e))
        if isinstance(e, CannotCheck):
            until = now + e.retry_after
            log.info(
                "%s channel %s: the %s alert (change %s) waits until %s: it was tried before "
                "without an answer, and %s",
                channel.platform,
                channel.channel,
                change.pair.key,
                change_id,
                _stamp(until),
                e.message,
            )
            waits = Waiting(change_id, change.pair.key, before.failures, until, e.message)
            self.chat.failed_again(channel.platform, channel.channel, waits)
            return waiting(e.message, until)
        failures = before.failures + 1
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
        log.warning(
            "%s channel %s: the %s alert (change %s) was not delivered (attempt %d): %s; "
            "a passing failure, so it stays owed (the channel's later alerts wait behind it); "
            "next attempt at %s",
            channel.platform,
            channel.channel,
            change.pair.key,
            change_id,
            failures,
            e.message,
            _stamp(next_at),
        )
        waits = Waiting(change_id, change.pair.key, failures, next_at, e.message)
        refused = isinstance(e, Refused)
        self.chat.failed_again(channel.platform, channel.channel, waits, refused=refused)
        return waiting(e.message, next_at)

    async def retry_waiting(
        self, pair_of: Callable[[str], Pair | None], *, all_now: bool = False
    ) -> int:
        """Send the owed deliveries whose time has come (with ``all_now``, every one: a
        start sends what is owed first), in order per channel; returns how many went out."""
        async with self._turn:
            now = self.clock.now()
            sent = 0

            async def send(line: tuple[str, str]) -> None:
                nonlocal sent
                platform, name = line
                notifier = self.notifiers.get(platform)
                if notifier is None or isinstance(notifier, NotStarted):
                    return  # not connected in this run: the line waits for a run that is
                _, went = await self._send_line(
                    notifier, platform, name, now, pair_of=pair_of, due_or_not=all_now
                )
                sent += went

            lines = self.chat.waiting_channels()
            await _each_platform_apart([(line[0], line) for line in lines], send)
            return sent

    async def _retry(
        self,
        notifier: Notifier,
        platform: str,
        name: str,
        w: Waiting,
        change: Change | None,
        now: datetime,
    ) -> tuple[_Tried, Route]:
        channel = self._channel(platform, name, w.pair_key)
        if change is None or channel is None:
            # Unsubscribed while it waited (or the change is gone): nobody wants it now.
            self.chat.done_waiting(platform, name, w.change_id)
            return _Tried.SETTLED, Route(Action.DROP, "not delivered", "no longer wanted")
        # Decide again with the change as it is now: later sources, a mute, a pause, a digest.
        delivered = self.chat.delivered(channel, w.change_id)
        r = route(change, channel, delivered, now)
        tried = _Tried.SETTLED
        with atomic(self.chat.connection):
            if r.action is Action.QUEUE:
                self.chat.queue(channel, change, now)
        if r.action in (Action.POST, Action.UPDATE):
            r, took = await self._send(notifier, channel, change, delivered, r, now, w)
            tried = _Tried.SENT if took else _Tried.FAILED
        with atomic(self.chat.connection):
            if tried is _Tried.SETTLED:
                self.chat.done_waiting(platform, name, w.change_id)
            self.chat.record_decision(channel, change, r, now)
        return tried, r

    async def flush_digests(self, pair_of: Callable[[str], Pair | None]) -> int:
        """Send every digest that is due now; returns how many went out."""
        async with self._turn:
            now = self.clock.now()
            sent = 0
            for platform, name in self.chat.queued_channels():
                notifier = self.notifiers.get(platform)
                if notifier is None or isinstance(notifier, NotStarted):
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
        wait = self.chat.digest_wait(platform, name)
        if wait is not None and now < wait.next_at:
            return None  # its last try failed; the platform gets a rest
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
        """Post one channel's digest; whether it went out (if not, its changes stay held).

        The held changes are the digest's outbox: they leave the queue in the transaction
        that records the platform's answer. Like a post, a digest is noted as tried before
        it is sent, and a digest tried before is sent with that time and the same key, so
        that a platform that can look finds the message an unanswered try left (and brings
        it up to date with what was held since) instead of posting the digest again.
        """
        channel = held.channel
        ids = [str(change.change_id) for change in held.changes]
        alerts = tuple(alert_from_change(change) for change in held.changes)
        try:
            tried_at = self.chat.digest_tried(channel.platform, channel.channel)
            self.chat.trying_digest(channel.platform, channel.channel, ids, now)
            # Named by its first try, as stored: each try of this digest has the same key.
            first = self.chat.digest_tried(channel.platform, channel.channel) or now
            digest = Digest(held.reason, alerts, key=digest_key(first))
            await notifier.digest(channel.channel, digest, tried_at=tried_at)
        except DeliveryError as e:
            # The held alerts stay queued: a later flush tries the digest again.
            if isinstance(e, Refused):
                self.chat.digest_refused(channel.platform, channel.channel)
            if e.permanent:
                log.warning("digest for %s not delivered: %s", channel.key, e)
                self.on_gone(channel, str(e))
            else:
                self._digest_waits(channel, e, now)
            return False
        except Exception as e:
            # As above, and the other channels' digests still go out: even when the store is
            # what failed, and the wait cannot be noted (the next flush then tries again).
            log.exception("digest for %s not delivered", channel.key)
            failed = DeliveryError(channel.channel, f"unexpected error: {type(e).__name__}")
            try:
                self._digest_waits(channel, failed, now)
            except Exception:
                log.exception("digest for %s: its wait could not be noted", channel.key)
            return False
        with atomic(self.chat.connection):
            self.chat.digest_went(channel.platform, channel.channel)
            for change in held.changes:
                # Delivered, with no message to edit: later sources do not alert again.
                self.chat.record_delivery(channel, change, None, now)
            self.chat.clear_queue(channel.platform, channel.channel, ids)
        return True

    def _digest_waits(self, channel: Channel, e: DeliveryError, now: datetime) -> None:
        """Hold a digest the platform did not take until its next try: as long as the
        platform asks when it could not be looked for (it is up), else longer after each
        failure in a row."""
        before = self.chat.digest_wait(channel.platform, channel.channel)
        failures = before.failures if before else 0
        if isinstance(e, CannotCheck):
            next_at = now + e.retry_after
            log.info(
                "digest for %s waits until %s: it was tried before, and %s",
                channel.key, _stamp(next_at), e,
            )  # fmt: skip
        else:
            failures += 1
            next_at = next_digest_try(failures, now)
            log.warning(
                "digest for %s not delivered (attempt %d): %s; its alerts stay held, "
                "next attempt at %s",
                channel.key, failures, e, _stamp(next_at),
            )  # fmt: skip
        wait = DigestWait(failures, next_at, str(e))
        self.chat.digest_waits(channel.platform, channel.channel, wait)

    def _channel(self, platform: str, name: str, pair_key: str) -> Channel | None:
        for channel in self.channels(pair_key):
            if channel.platform == platform and channel.channel == name:
                return self.chat.with_settings(channel)
        return None
