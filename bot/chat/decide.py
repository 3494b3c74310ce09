"""Which channel gets which change, when and how: the channel controls, as pure decisions.

For one change and one subscribed channel, ``route`` decides: post it now, update the
message the channel already has, queue it for a digest, hold it until it is corroborated
enough, or drop it, with the reason "why" shows. ``digest_due`` decides when a channel's
queued alerts go out; ``next_try`` decides when an alert the platform did not take (it was
down) is tried again, and when it is given up. No clock, store or network here: the router
around it does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from watchers.model import Change, Level

LEVELS = (Level.REPORTED, Level.MULTI_SOURCE, Level.OFFICIAL)


def reaches(level: Level, minimum: Level) -> bool:
    """Whether ``level`` is at least ``minimum`` (reported < multi-source < official)."""
    return LEVELS.index(level) >= LEVELS.index(minimum)


DIGEST_AT = time(8, 0)
"""When a daily digest goes out unless the channel chose another time."""

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_clock(text: str) -> time:
    """``"07:30"`` (or ``"7:30"``) as a time of day; ValueError when it is not one."""
    # Stricter than time.fromisoformat, which also takes seconds and UTC offsets: an
    # offset would make a time that cannot be compared with a zone's local time.
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a time of day like 07:30")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class QuietHours:
    """A daily span (in a time zone) in which alerts wait for a digest; may cross midnight."""

    start: time
    end: time
    zone: str = "UTC"

    def _local(self, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self.zone))

    def active(self, now: datetime) -> bool:
        """Whether ``now`` falls inside the quiet hours."""
        t = self._local(now).time()
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def ends(self, now: datetime) -> datetime:
        """When the current (or next) quiet span ends, in UTC."""
        local = self._local(now)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)

    @classmethod
    def parse(cls, text: str, zone: str = "UTC") -> QuietHours:
        """``"22:00-07:00"`` in ``zone``; ValueError when it is not such a span or zone."""
        try:
            start, end = (parse_clock(part) for part in re.split(r"[-–]", text))
            ZoneInfo(zone)
        except (ValueError, KeyError) as e:
            raise ValueError(
                f'quiet hours must look like "22:00-07:00" in a known zone: {e}'
            ) from e
        if start == end:
            raise ValueError("quiet hours must start and end at different times")
        return cls(start, end, zone)


@dataclass(frozen=True)
class Schedule:
    """A channel's own hours: its quiet hours, and when its daily digest goes out."""

    quiet: QuietHours | None = None
    digest_at: time = DIGEST_AT
    digest_zone: str = "UTC"


@dataclass(frozen=True)
class Channel:
    """One channel's subscription to one pair, with the channel's own settings."""

    platform: str
    channel: str
    pair_key: str
    min_level: Level = Level.REPORTED
    muted_until: datetime | None = None
    paused: str | None = None
    """Why delivery to this channel stopped (gone, forbidden), or None."""
    digest: bool = False
    """A daily digest instead of immediate alerts."""
    digest_at: time = DIGEST_AT
    """When the daily digest goes out, in ``digest_zone``."""
    digest_zone: str = "UTC"
    quiet: QuietHours | None = None

    @property
    def key(self) -> str:
        """``platform:channel``."""
        return f"{self.platform}:{self.channel}"

    def muted(self, now: datetime) -> bool:
        """Whether a mute is in force at ``now``."""
        return self.muted_until is not None and now < self.muted_until


class Action(StrEnum):
    """What to do with a change for one channel."""

    POST = "post"
    UPDATE = "update"
    QUEUE = "queue"
    HOLD = "hold"
    DROP = "drop"
    RETRY = "retry"


@dataclass(frozen=True)
class Route:
    """The decision for one change and one channel: what to do, and why in words."""

    action: Action
    decision: str
    """Short, for "why": alerted, updated, queued, below the channel's level, muted, paused."""
    reason: str


@dataclass(frozen=True)
class Delivered:
    """What a channel already has of a change: its revision and the message to edit."""

    revision: int
    message_ref: str | None = None
    """None when the change went out in a digest: there is no message of its own to edit."""


def _at(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
"""How long an alert waits after each failed try in a row; after the last, it is given up."""


def next_try(failures: int, now: datetime) -> datetime | None:
    """When to try again after ``failures`` failed tries in a row, or None to give up."""
    if failures < 1:
        raise ValueError("next_try is asked after a failure")
    if failures > len(RETRY_AFTER):
        return None
    return now + RETRY_AFTER[failures - 1]


def next_digest_try(failures: int, now: datetime) -> datetime:
    """When to try a digest again after ``failures`` failed tries in a row.

    Waits grow as an alert's do, but a digest is never given up: its held changes are the
    channel's alerts, and they would be lost; it is tried at the longest wait from then on.
    """
    if failures < 1:
        raise ValueError("next_digest_try is asked after a failure")
    return now + RETRY_AFTER[min(failures, len(RETRY_AFTER)) - 1]


def waiting(error: str, next_at: datetime) -> Route:
    """The decision for an alert that waits for its channel's platform to come back."""
    return Route(Action.RETRY, "waiting to retry", f"{error}; next try at {_at(next_at)}")


def given_up(failures: int, error: str) -> Route:
    """The decision for an alert whose platform kept failing through every retry."""
    return Route(Action.DROP, "not delivered", f"gave up after {failures} tries: {error}")


def route(change: Change, channel: Channel, delivered: Delivered | None, now: datetime) -> Route:
    """What ``channel`` gets of ``change`` at ``now``, given what it already has."""
    if channel.paused:
        return Route(Action.DROP, "paused", f"delivery is paused: {channel.paused}")
    if delivered is not None:
        if delivered.revision >= change.revision:
            return Route(Action.DROP, "alerted", "this channel has this alert already")
        if delivered.message_ref is None:
            # One change, one alert: a digest line is not posted again for a later source.
            return Route(Action.DROP, "alerted", "this channel had this alert in a digest")
        if channel.muted(now):
            return Route(Action.DROP, "muted", f"muted until {_at(channel.muted_until or now)}")
        return Route(
            Action.UPDATE,
            "updated",
            f"another source; now {change.level.value} with {len(change.sources)} sources",
        )
    if not reaches(change.level, channel.min_level):
        return Route(
            Action.HOLD,
            "below the channel's level",
            f"{change.level.value} so far; this channel waits for {channel.min_level.value}",
        )
    if channel.muted(now):
        return Route(Action.DROP, "muted", f"muted until {_at(channel.muted_until or now)}")
    if channel.digest:
        return Route(Action.QUEUE, "queued for the daily digest", "this channel takes a digest")
    if channel.quiet is not None and channel.quiet.active(now):
        ends = channel.quiet.ends(now)
        return Route(Action.QUEUE, "queued for quiet hours", f"quiet hours until {_at(ends)}")
    reached = f" on reaching {change.level.value}" if change.revision else ""
    return Route(Action.POST, "alerted", f"{change.kind.value}{reached}")


def next_daily(channel: Channel, after: datetime) -> datetime:
    """The first daily-digest time of ``channel`` strictly after ``after``, in UTC."""
    local = after.astimezone(ZoneInfo(channel.digest_zone))
    at = local.replace(
        hour=channel.digest_at.hour, minute=channel.digest_at.minute, second=0, microsecond=0
    )
    if at <= local:
        at += timedelta(days=1)
    return at.astimezone(UTC)


def digest_due(channel: Channel, oldest_queued: datetime | None, now: datetime) -> str | None:
    """Why the channel's queued alerts go out now, or None while they wait."""
    if oldest_queued is None or channel.paused:
        return None
    if channel.digest:
        return "daily digest" if now >= next_daily(channel, oldest_queued) else None
    if channel.quiet is not None and channel.quiet.active(now):
        return None
    if channel.quiet is not None:
        return "quiet hours ended"
    return "alerts held back earlier"  # digest or quiet hours were switched off meanwhile
