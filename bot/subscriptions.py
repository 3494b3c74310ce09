"""Which chat channels watch which country pairs, stored in SQLite.

A subscription is one (platform, channel, pair) with its settings: where it came from
(the config file or a chat command), the lowest corroboration level that alerts, a mute
deadline, and a pause with its reason (set when delivery finds the channel gone or closed
to us). Per channel there is one more setting: a daily digest instead of immediate alerts.

Subscriptions from the config file are written here at start and on every config reload
(``load_config``); chat commands may not remove or change them, only mute them for a
while. Chat subscriptions are kept across restarts. A paused channel is resumed by
``/watch add`` of one of its pairs; config subscriptions, which a webhook-only channel
cannot ``/watch add``, are also resumed at each start (``resume_config_pauses``), so the
operator who fixed the channel only restarts the bot.

Every table name starts with ``sub_`` so this module can share one database with the
history store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot.config import SubscriptionSpec
from bot.routing import Channel
from watchers.db import Database, DatabaseError, as_database
from watchers.errors import StoreError
from watchers.model import Level

SCHEMA_VERSION = 2

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS sub_subscriptions (
    platform     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    pair_key     TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('config', 'chat')),
    min_level    TEXT NOT NULL,
    muted_until  TEXT,
    paused_reason TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT,
    PRIMARY KEY (platform, channel, pair_key)
);
CREATE INDEX IF NOT EXISTS sub_subscriptions_pair ON sub_subscriptions (pair_key);
CREATE TABLE IF NOT EXISTS sub_channels (
    platform TEXT NOT NULL,
    channel  TEXT NOT NULL,
    digest   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, channel)
);
"""
# Version 2: when a subscription was paused, for the line that says it was resumed.
_SCHEMA_V2 = "ALTER TABLE sub_subscriptions ADD COLUMN paused_at TEXT"


class Origin(StrEnum):
    """Where a subscription was made."""

    CONFIG = "config"
    CHAT = "chat"


@dataclass(frozen=True)
class Subscription:
    """One channel watching one pair, with its settings and its channel's digest flag."""

    platform: str
    channel: str
    pair_key: str
    source: Origin
    min_level: Level
    muted_until: datetime | None
    paused_reason: str | None
    digest: bool
    created_at: datetime
    created_by: str | None = None
    paused_at: datetime | None = None

    def muted(self, now: datetime) -> bool:
        """True while the mute deadline lies ahead of ``now``."""
        return self.muted_until is not None and now < self.muted_until

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    def as_channel(self) -> Channel:
        """The routing view of this subscription (``bot.routing.Channel``)."""
        return Channel(
            platform=self.platform,
            channel=self.channel,
            pair_key=self.pair_key,
            min_level=self.min_level,
            muted_until=self.muted_until,
            paused=self.paused_reason,
            digest=self.digest,
        )


@dataclass(frozen=True)
class Resumed:
    """A channel whose config subscriptions were resumed: since when and why it was paused."""

    platform: str
    channel: str
    pairs: tuple[str, ...]
    paused_since: datetime | None
    """None for a pause recorded before its time was kept."""
    reason: str


@dataclass(frozen=True)
class ConfigSubscription:
    """A subscription written in the config file."""

    platform: str
    channel: str
    pair_key: str
    min_level: Level = Level.REPORTED


def config_subscriptions(specs: Iterable[SubscriptionSpec]) -> list[ConfigSubscription]:
    """One config subscription per channel and pair named in the config file."""
    return [
        ConfigSubscription(spec.platform, spec.channel, pair.key, spec.level)
        for spec in specs
        for pair in spec.pairs
    ]


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware UTC")
    return value.astimezone(UTC).isoformat()


def _from_iso(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


_SELECT = """
SELECT s.platform, s.channel, s.pair_key, s.source, s.min_level, s.muted_until,
       s.paused_reason, COALESCE(c.digest, 0), s.created_at, s.created_by, s.paused_at
FROM sub_subscriptions AS s
LEFT JOIN sub_channels AS c ON c.platform = s.platform AND c.channel = s.channel
"""


def _row(row: tuple[object, ...]) -> Subscription:
    platform, channel, pair_key, source, level, muted, paused, digest, created, by, since = row
    created_at = _from_iso(str(created))
    assert created_at is not None
    return Subscription(
        platform=str(platform),
        channel=str(channel),
        pair_key=str(pair_key),
        source=Origin(str(source)),
        min_level=Level(str(level)),
        muted_until=_from_iso(None if muted is None else str(muted)),
        paused_reason=None if paused is None else str(paused),
        digest=bool(digest),
        created_at=created_at,
        created_by=None if by is None else str(by),
        paused_at=_from_iso(None if since is None else str(since)),
    )


class SubscriptionStore:
    """Subscriptions and channel settings in a database connection owned by the caller."""

    def __init__(self, conn: Database | sqlite3.Connection) -> None:
        self._conn = as_database(conn)

    @property
    def connection(self) -> Database:
        """The database connection, shared with the history and route stores."""
        return self._conn

    def ensure_schema(self) -> None:
        """Create or migrate the ``sub_`` tables to the current version."""
        try:
            with self._conn:
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS sub_schema (version INTEGER NOT NULL)"
                )
                row = self._conn.execute("SELECT MAX(version) FROM sub_schema").fetchone()
                version = row[0] if row and row[0] is not None else 0
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"subscription tables are at version {version}, newer than this "
                        f"program ({SCHEMA_VERSION}); upgrade partnership-watch"
                    )
                if version < 1:
                    for statement in _SCHEMA_V1.split(";"):
                        if statement.strip():
                            self._conn.execute(statement)
                    self._conn.execute("INSERT INTO sub_schema (version) VALUES (1)")
                if version < 2:
                    self._conn.execute(_SCHEMA_V2)
                    self._conn.execute("INSERT INTO sub_schema (version) VALUES (2)")
        except DatabaseError as e:
            raise StoreError(f"cannot prepare the subscription tables: {e}") from e

    # reading

    def get(self, platform: str, channel: str, pair_key: str) -> Subscription | None:
        """The subscription of one channel to one pair, if any."""
        row = self._conn.execute(
            _SELECT + " WHERE s.platform = ? AND s.channel = ? AND s.pair_key = ?",
            (platform, channel, pair_key),
        ).fetchone()
        return None if row is None else _row(row)

    def for_channel(self, platform: str, channel: str) -> list[Subscription]:
        """Every subscription of one channel, by pair key."""
        rows = self._conn.execute(
            _SELECT + " WHERE s.platform = ? AND s.channel = ? ORDER BY s.pair_key",
            (platform, channel),
        ).fetchall()
        return [_row(r) for r in rows]

    def channels_for(self, pair_key: str, *, include_paused: bool = False) -> list[Subscription]:
        """The subscriptions a change of this pair is routed to (paused ones left out)."""
        where = " WHERE s.pair_key = ?"
        if not include_paused:
            where += " AND s.paused_reason IS NULL"
        rows = self._conn.execute(
            _SELECT + where + " ORDER BY s.platform, s.channel", (pair_key,)
        ).fetchall()
        return [_row(r) for r in rows]

    def route_channels(self, pair_key: str) -> list[Channel]:
        """Every channel watching a pair, paused ones included, as the router takes them."""
        return [s.as_channel() for s in self.channels_for(pair_key, include_paused=True)]

    def all(self) -> list[Subscription]:
        """Every subscription, by platform, channel and pair."""
        rows = self._conn.execute(
            _SELECT + " ORDER BY s.platform, s.channel, s.pair_key"
        ).fetchall()
        return [_row(r) for r in rows]

    def digest(self, platform: str, channel: str) -> bool:
        """Whether the channel asked for a daily digest instead of immediate alerts."""
        row = self._conn.execute(
            "SELECT digest FROM sub_channels WHERE platform = ? AND channel = ?",
            (platform, channel),
        ).fetchone()
        return bool(row[0]) if row else False

    # writing

    def add(
        self,
        platform: str,
        channel: str,
        pair_key: str,
        *,
        now: datetime,
        min_level: Level = Level.REPORTED,
        created_by: str | None = None,
    ) -> Subscription:
        """Subscribe a channel from chat; an existing subscription is resumed, not duplicated."""
        with self._conn:
            self._conn.execute(
                """INSERT INTO sub_subscriptions
                   (platform, channel, pair_key, source, min_level, created_at, created_by)
                   VALUES (?, ?, ?, 'chat', ?, ?, ?)
                   ON CONFLICT (platform, channel, pair_key)
                   DO UPDATE SET paused_reason = NULL, paused_at = NULL""",
                (platform, channel, pair_key, min_level.value, _iso(now), created_by),
            )
        found = self.get(platform, channel, pair_key)
        assert found is not None
        return found

    def remove(self, platform: str, channel: str, pair_key: str) -> bool:
        """Remove a chat subscription; True when one was removed (config ones stay)."""
        with self._conn:
            cur = self._conn.execute(
                """DELETE FROM sub_subscriptions
                   WHERE platform = ? AND channel = ? AND pair_key = ? AND source = 'chat'""",
                (platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def set_level(self, platform: str, channel: str, pair_key: str, level: Level) -> bool:
        """Set the lowest level that alerts; True when the subscription exists."""
        with self._conn:
            cur = self._conn.execute(
                """UPDATE sub_subscriptions SET min_level = ?
                   WHERE platform = ? AND channel = ? AND pair_key = ?""",
                (level.value, platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def mute(self, platform: str, channel: str, pair_key: str, until: datetime | None) -> bool:
        """Mute a subscription until a time, or unmute with None; True when it exists."""
        with self._conn:
            cur = self._conn.execute(
                """UPDATE sub_subscriptions SET muted_until = ?
                   WHERE platform = ? AND channel = ? AND pair_key = ?""",
                (None if until is None else _iso(until), platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def pause_channel(self, platform: str, channel: str, reason: str, *, now: datetime) -> int:
        """Pause every subscription of a channel delivery cannot reach; returns how many.

        Zero means the channel was paused already: report the problem only when it is not.
        """
        with self._conn:
            cur = self._conn.execute(
                """UPDATE sub_subscriptions SET paused_reason = ?, paused_at = ?
                   WHERE platform = ? AND channel = ? AND paused_reason IS NULL""",
                (reason, _iso(now), platform, channel),
            )
        return cur.rowcount

    def resume_channel(self, platform: str, channel: str) -> int:
        """Lift the pause from every subscription of a channel; returns how many."""
        with self._conn:
            cur = self._conn.execute(
                """UPDATE sub_subscriptions SET paused_reason = NULL, paused_at = NULL
                   WHERE platform = ? AND channel = ? AND paused_reason IS NOT NULL""",
                (platform, channel),
            )
        return cur.rowcount

    def resume_config_pauses(self) -> list[Resumed]:
        """Lift the pause from every config subscription; per channel, what was resumed.

        Delivery pauses a channel it cannot reach; the operator who then fixes the bot's
        permissions (or a webhook, which has no bot to run ``/watch add``) restarts it.
        Chat subscriptions stay paused until ``/watch add``: someone in the channel decides.
        """
        paused = [
            s for s in self.all() if s.source is Origin.CONFIG and s.paused_reason is not None
        ]
        channels: dict[tuple[str, str], list[Subscription]] = {}
        for sub in paused:
            channels.setdefault((sub.platform, sub.channel), []).append(sub)
        resumed = []
        with self._conn:
            for (platform, channel), subs in channels.items():
                self._conn.execute(
                    """UPDATE sub_subscriptions SET paused_reason = NULL, paused_at = NULL
                       WHERE platform = ? AND channel = ? AND source = 'config'""",
                    (platform, channel),
                )
                # The first pause is the one that stopped the channel; later ones followed it.
                first = min(subs, key=lambda s: s.paused_at or datetime.min.replace(tzinfo=UTC))
                resumed.append(
                    Resumed(
                        platform,
                        channel,
                        tuple(s.pair_key for s in subs),
                        first.paused_at,
                        str(first.paused_reason),
                    )
                )
        return resumed

    def set_digest(self, platform: str, channel: str, on: bool) -> None:
        """Switch the channel's daily digest on or off."""
        with self._conn:
            self._conn.execute(
                """INSERT INTO sub_channels (platform, channel, digest) VALUES (?, ?, ?)
                   ON CONFLICT (platform, channel) DO UPDATE SET digest = excluded.digest""",
                (platform, channel, int(on)),
            )

    def load_config(self, subscriptions: Iterable[ConfigSubscription], *, now: datetime) -> None:
        """Make the config-made subscriptions exactly these, keeping mutes and pauses.

        A chat subscription the config now also names becomes a config one; a config
        subscription the config no longer names is removed.
        """
        wanted = {(s.platform, s.channel, s.pair_key): s for s in subscriptions}
        with self._conn:
            existing = self._conn.execute(
                "SELECT platform, channel, pair_key FROM sub_subscriptions WHERE source = 'config'"
            ).fetchall()
            for platform, channel, pair_key in existing:
                if (platform, channel, pair_key) not in wanted:
                    self._conn.execute(
                        """DELETE FROM sub_subscriptions
                           WHERE platform = ? AND channel = ? AND pair_key = ?""",
                        (platform, channel, pair_key),
                    )
            for sub in wanted.values():
                self._conn.execute(
                    """INSERT INTO sub_subscriptions
                       (platform, channel, pair_key, source, min_level, created_at)
                       VALUES (?, ?, ?, 'config', ?, ?)
                       ON CONFLICT (platform, channel, pair_key) DO UPDATE SET
                           source = 'config', min_level = excluded.min_level""",
                    (sub.platform, sub.channel, sub.pair_key, sub.min_level.value, _iso(now)),
                )
