"""The chat store: subscriptions, channel settings, and what each channel got or waits for.

A subscription is one (platform, channel, pair) with its own settings: where it came from
(the config file or a chat command), the lowest corroboration level that alerts, a mute
deadline, and a pause with its reason (set when delivery finds the channel gone or closed
to us). A channel's settings are one row of ``chat_settings``: a daily digest instead of
immediate alerts, its time and zone, and quiet hours.

Subscriptions from the config file are written here at start and on every config reload
(``load_config``); chat commands may not remove or change them, only mute them for a
while. Chat subscriptions are kept across restarts. A paused channel is resumed by
``/watch add`` of one of its pairs; config subscriptions, which a webhook-only channel
cannot ``/watch add``, are also resumed at each start (``resume_config_pauses``), so the
operator who fixed the channel only restarts the bot.

For delivery (``bot.chat.deliver``) it remembers what each channel got (so an update edits
the right message), what waits for a digest or for a platform to come back, and the last
decision per channel and pair for "why".

Every table name starts with ``chat_`` so the store can share one database with the
history store; both are created and upgraded by ``watchers.migrations``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from enum import StrEnum

from bot.chat.decide import Channel, Delivered, QuietHours, Route, Schedule
from bot.config import ConfigHours, SubscriptionSpec
from watchers import migrations
from watchers.db import SESSION_LOCKS, Database, Dialect, Params, as_database, session_lock_id
from watchers.errors import StoreError
from watchers.model import Change, Level, from_iso, to_iso

# Each step moves the chat tables from version i to i + 1; never edit a step once released.
# Steps 1-5 are the tables as release 0.1 kept them, two stores apart (subscriptions, then
# routes); step 6 makes them one store with one settings row per channel.
MIGRATIONS: tuple[str, ...] = (
    """
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
    """,
    # When a subscription was paused, for the line that says it was resumed.
    "ALTER TABLE sub_subscriptions ADD COLUMN paused_at TEXT",
    """
CREATE TABLE IF NOT EXISTS route_deliveries (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    change_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    message_ref TEXT,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (platform, channel, change_id)
);
CREATE TABLE IF NOT EXISTS route_decisions (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    pair_key TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    change_id TEXT,
    PRIMARY KEY (platform, channel, pair_key)
);
CREATE TABLE IF NOT EXISTS route_queue (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    change_id TEXT NOT NULL,
    pair_key TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    PRIMARY KEY (platform, channel, change_id)
);
CREATE TABLE IF NOT EXISTS route_channels (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    quiet_start TEXT,
    quiet_end TEXT,
    zone TEXT NOT NULL DEFAULT 'UTC',
    digest_at TEXT NOT NULL DEFAULT '08:00',
    PRIMARY KEY (platform, channel)
);
    """,
    # Alerts a platform did not take, waiting to be tried again.
    """
CREATE TABLE IF NOT EXISTS route_retries (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    change_id TEXT NOT NULL,
    pair_key TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    failures INTEGER NOT NULL,
    next_at TEXT NOT NULL,
    error TEXT NOT NULL,
    PRIMARY KEY (platform, channel, change_id)
);
    """,
    # The daily digest keeps a time zone of its own, so lifting the quiet hours (whose zone
    # it shared) no longer moves it. A digest time set with quiet hours stays in their zone.
    """
ALTER TABLE route_channels ADD COLUMN digest_zone TEXT NOT NULL DEFAULT 'UTC';
UPDATE route_channels SET digest_zone = zone WHERE quiet_start IS NOT NULL;
    """,
    # One store: every table named chat_, and a channel's settings in one row.
    """
    CREATE TABLE chat_settings (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        digest INTEGER NOT NULL DEFAULT 0,
        digest_at TEXT NOT NULL DEFAULT '08:00',
        digest_zone TEXT NOT NULL DEFAULT 'UTC',
        quiet_start TEXT,
        quiet_end TEXT,
        quiet_zone TEXT NOT NULL DEFAULT 'UTC',
        PRIMARY KEY (platform, channel)
    );
    INSERT INTO chat_settings (platform, channel, digest_at, digest_zone, quiet_start,
                               quiet_end, quiet_zone)
        SELECT platform, channel, digest_at, digest_zone, quiet_start, quiet_end, zone
        FROM route_channels;
    INSERT INTO chat_settings (platform, channel, digest)
        SELECT platform, channel, digest FROM sub_channels WHERE true
        ON CONFLICT (platform, channel) DO UPDATE SET digest = excluded.digest;
    DROP TABLE route_channels;
    DROP TABLE sub_channels;
    DROP INDEX sub_subscriptions_pair;
    ALTER TABLE sub_subscriptions RENAME TO chat_subscriptions;
    CREATE INDEX chat_subscriptions_pair ON chat_subscriptions (pair_key);
    ALTER TABLE route_deliveries RENAME TO chat_deliveries;
    ALTER TABLE route_decisions RENAME TO chat_decisions;
    ALTER TABLE route_queue RENAME TO chat_queue;
    ALTER TABLE route_retries RENAME TO chat_retries;
    DROP TABLE IF EXISTS sub_schema;
    DROP TABLE IF EXISTS route_schema
    """,
    # Quiet hours and the digest can be set in the config file: which of a channel's
    # settings the file holds (chat commands then leave them alone).
    """
    ALTER TABLE chat_settings ADD COLUMN config_sets TEXT NOT NULL DEFAULT ''
    """,
    # When an owed post was first tried: a try whose answer never came (a lost connection,
    # a killed process) may have reached the platform, which is then asked before posting.
    "ALTER TABLE chat_retries ADD COLUMN tried_at TEXT",
    # When the digest holding a queued change was first tried: as for an owed post, a try
    # whose answer never came may have reached the platform, which is then asked first.
    "ALTER TABLE chat_queue ADD COLUMN tried_at TEXT",
    # A channel's digest that its platform did not take waits before the next try, longer
    # after each failure in a row, instead of being tried again at every flush.
    """
CREATE TABLE chat_digest_waits (
    platform TEXT NOT NULL,
    channel  TEXT NOT NULL,
    failures INTEGER NOT NULL,
    next_at  TEXT NOT NULL,
    error    TEXT NOT NULL,
    PRIMARY KEY (platform, channel)
)
    """,
)


def _adopt(connection: Database) -> Callable[[], int]:
    """The chat version of a file from release 0.1, read from its two schema tables."""

    def version() -> int:
        if connection.dialect != "sqlite":
            return 0  # release 0.1 kept its store in SQLite only
        def newest(table: str) -> int:
            exists = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            if exists is None:
                return 0
            (found,) = connection.execute(f"SELECT MAX(version) FROM {table}").fetchone()
            return int(found or 0)

        subscriptions, routes = newest("sub_schema"), newest("route_schema")
        if routes == 0:
            return subscriptions
        if subscriptions != 2:
            # 0.1 always prepared the subscription tables first: this file is not its own.
            raise StoreError(
                f"the chat tables are in an unknown state (subscriptions at version "
                f"{subscriptions}, routes at {routes}); open the file with 0.1 once first"
            )
        return 2 + routes

    return version


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
        """The routing view of this subscription (``bot.chat.decide.Channel``)."""
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


def config_hours(specs: Iterable[SubscriptionSpec]) -> dict[tuple[str, str], ConfigHours]:
    """The quiet hours and digest the config file sets, by (platform, channel)."""
    return {(s.platform, s.channel): s.hours for s in specs if s.hours is not None}


_SELECT = """
SELECT s.platform, s.channel, s.pair_key, s.source, s.min_level, s.muted_until,
       s.paused_reason, COALESCE(c.digest, 0), s.created_at, s.created_by, s.paused_at
FROM chat_subscriptions AS s
LEFT JOIN chat_settings AS c ON c.platform = s.platform AND c.channel = s.channel
"""


def _row(row: tuple[object, ...]) -> Subscription:
    platform, channel, pair_key, source, level, muted, paused, digest, created, by, since = row
    created_at = from_iso(str(created))
    assert created_at is not None
    return Subscription(
        platform=str(platform),
        channel=str(channel),
        pair_key=str(pair_key),
        source=Origin(str(source)),
        min_level=Level(str(level)),
        muted_until=from_iso(None if muted is None else str(muted)),
        paused_reason=None if paused is None else str(paused),
        digest=bool(digest),
        created_at=created_at,
        created_by=None if by is None else str(by),
        paused_at=from_iso(None if since is None else str(since)),
    )


@contextmanager
def atomic(connection: Database) -> Iterator[None]:
    """One transaction; used inside another, it joins that one instead of committing it."""
    if connection.in_transaction:
        yield
        return
    connection.execute("BEGIN")
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


@dataclass(frozen=True)
class Owed:
    """What one channel is owed: how many deliveries, since when, and the first one's state."""

    platform: str
    channel: str
    count: int
    since: datetime
    error: str
    """The last failure of the first in line ("" before its first attempt)."""
    next_at: datetime


@dataclass(frozen=True)
class Waiting:
    """An alert waiting for its channel's platform to take it."""

    change_id: str
    pair_key: str
    failures: int
    """Failed tries in a row; 0 for an alert that lined up behind another."""
    next_at: datetime
    error: str
    tried_at: datetime | None = None
    """When a post of it was first tried; None while it never was."""


@dataclass(frozen=True)
class DigestWait:
    """A channel's digest that its platform did not take, and when it is tried again."""

    failures: int
    """Failed tries in a row; 0 when the platform only asked to wait (it was up)."""
    next_at: datetime
    error: str


_SUBSCRIBED = "SELECT DISTINCT pair_key FROM chat_subscriptions WHERE paused_reason IS NULL"


def subscribed_read(pair_keys: Collection[str], dialect: Dialect) -> tuple[str, Params]:
    """The read (SQL and parameters) of ``ChatStore.subscribed_among``, one row for each of
    these pairs (at least one) a channel is subscribed to and not paused: on PostgreSQL of
    one text however many pairs are asked (the keys as one array), which the driver and
    the server read once; on SQLite with a list of them."""
    keys = sorted(pair_keys)
    if dialect == "postgresql":
        return f"{_SUBSCRIBED} AND pair_key = ANY(?::text[])", (keys,)
    return f"{_SUBSCRIBED} AND pair_key IN ({', '.join('?' * len(keys))})", tuple(keys)


class ChatStore:
    """Subscriptions, channel settings and delivery records in a caller's database connection."""

    def __init__(self, connection: Database | sqlite3.Connection) -> None:
        self.connection = connection = as_database(connection)
        migrations.migrate(
            migrations.DatabaseLedger(connection), "chat", MIGRATIONS, adopt=_adopt(connection)
        )

    # reading

    def get(self, platform: str, channel: str, pair_key: str) -> Subscription | None:
        """The subscription of one channel to one pair, if any."""
        row = self.connection.execute(
            _SELECT + " WHERE s.platform = ? AND s.channel = ? AND s.pair_key = ?",
            (platform, channel, pair_key),
        ).fetchone()
        return None if row is None else _row(row)

    def for_channel(self, platform: str, channel: str) -> list[Subscription]:
        """Every subscription of one channel, by pair key."""
        rows = self.connection.execute(
            _SELECT + " WHERE s.platform = ? AND s.channel = ? ORDER BY s.pair_key",
            (platform, channel),
        ).fetchall()
        return [_row(r) for r in rows]

    def channels_for(self, pair_key: str, *, include_paused: bool = False) -> list[Subscription]:
        """The subscriptions a change of this pair is routed to (paused ones left out)."""
        where = " WHERE s.pair_key = ?"
        if not include_paused:
            where += " AND s.paused_reason IS NULL"
        rows = self.connection.execute(
            _SELECT + where + " ORDER BY s.platform, s.channel", (pair_key,)
        ).fetchall()
        return [_row(r) for r in rows]

    def subscribed_among(self, pair_keys: Collection[str]) -> set[str]:
        """Which of these pairs a channel is subscribed to and not paused: ``channels_for``
        of each, in one query."""
        if not pair_keys:
            return set()
        read = subscribed_read(pair_keys, self.connection.dialect)
        rows = self.connection.execute(*read).fetchall()
        return {str(r[0]) for r in rows}

    def route_channels(self, pair_key: str) -> list[Channel]:
        """Every channel watching a pair, paused ones included, as the router takes them."""
        return [s.as_channel() for s in self.channels_for(pair_key, include_paused=True)]

    def all(self) -> list[Subscription]:
        """Every subscription, by platform, channel and pair."""
        rows = self.connection.execute(
            _SELECT + " ORDER BY s.platform, s.channel, s.pair_key"
        ).fetchall()
        return [_row(r) for r in rows]

    def digest(self, platform: str, channel: str) -> bool:
        """Whether the channel asked for a daily digest instead of immediate alerts."""
        row = self.connection.execute(
            "SELECT digest FROM chat_settings WHERE platform = ? AND channel = ?",
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
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_subscriptions
                   (platform, channel, pair_key, source, min_level, created_at, created_by)
                   VALUES (?, ?, ?, 'chat', ?, ?, ?)
                   ON CONFLICT (platform, channel, pair_key)
                   DO UPDATE SET paused_reason = NULL, paused_at = NULL""",
                (platform, channel, pair_key, min_level.value, to_iso(now), created_by),
            )
        found = self.get(platform, channel, pair_key)
        assert found is not None
        return found

    def remove(self, platform: str, channel: str, pair_key: str) -> bool:
        """Remove a chat subscription; True when one was removed (config ones stay)."""
        with atomic(self.connection):
            cur = self.connection.execute(
                """DELETE FROM chat_subscriptions
                   WHERE platform = ? AND channel = ? AND pair_key = ? AND source = 'chat'""",
                (platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def set_level(self, platform: str, channel: str, pair_key: str, level: Level) -> bool:
        """Set the lowest level that alerts; True when the subscription exists."""
        with atomic(self.connection):
            cur = self.connection.execute(
                """UPDATE chat_subscriptions SET min_level = ?
                   WHERE platform = ? AND channel = ? AND pair_key = ?""",
                (level.value, platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def mute(self, platform: str, channel: str, pair_key: str, until: datetime | None) -> bool:
        """Mute a subscription until a time, or unmute with None; True when it exists."""
        with atomic(self.connection):
            cur = self.connection.execute(
                """UPDATE chat_subscriptions SET muted_until = ?
                   WHERE platform = ? AND channel = ? AND pair_key = ?""",
                (None if until is None else to_iso(until), platform, channel, pair_key),
            )
        return cur.rowcount > 0

    def pause_channel(self, platform: str, channel: str, reason: str, *, now: datetime) -> int:
        """Pause every subscription of a channel delivery cannot reach; returns how many.

        Zero means the channel was paused already: report the problem only when it is not.
        """
        with atomic(self.connection):
            cur = self.connection.execute(
                """UPDATE chat_subscriptions SET paused_reason = ?, paused_at = ?
                   WHERE platform = ? AND channel = ? AND paused_reason IS NULL""",
                (reason, to_iso(now), platform, channel),
            )
        return cur.rowcount

    def resume_channel(self, platform: str, channel: str) -> int:
        """Lift the pause from every subscription of a channel; returns how many."""
        with atomic(self.connection):
            cur = self.connection.execute(
                """UPDATE chat_subscriptions SET paused_reason = NULL, paused_at = NULL
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
        with atomic(self.connection):
            for (platform, channel), subs in channels.items():
                self.connection.execute(
                    """UPDATE chat_subscriptions SET paused_reason = NULL, paused_at = NULL
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
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_settings (platform, channel, digest) VALUES (?, ?, ?)
                   ON CONFLICT (platform, channel) DO UPDATE SET digest = excluded.digest""",
                (platform, channel, int(on)),
            )

    def load_config(self, subscriptions: Iterable[ConfigSubscription], *, now: datetime) -> None:
        """Make the config-made subscriptions exactly these, keeping mutes and pauses.

        A chat subscription the config now also names becomes a config one; a config
        subscription the config no longer names is removed.
        """
        wanted = {(s.platform, s.channel, s.pair_key): s for s in subscriptions}
        with atomic(self.connection):
            existing = self.connection.execute(
                "SELECT platform, channel, pair_key FROM chat_subscriptions WHERE source = 'config'"
            ).fetchall()
            for platform, channel, pair_key in existing:
                if (platform, channel, pair_key) not in wanted:
                    self.connection.execute(
                        """DELETE FROM chat_subscriptions
                           WHERE platform = ? AND channel = ? AND pair_key = ?""",
                        (platform, channel, pair_key),
                    )
            for sub in wanted.values():
                self.connection.execute(
                    """INSERT INTO chat_subscriptions
                       (platform, channel, pair_key, source, min_level, created_at)
                       VALUES (?, ?, ?, 'config', ?, ?)
                       ON CONFLICT (platform, channel, pair_key) DO UPDATE SET
                           source = 'config', min_level = excluded.min_level""",
                    (sub.platform, sub.channel, sub.pair_key, sub.min_level.value, to_iso(now)),
                )

    def load_config_hours(self, hours: dict[tuple[str, str], ConfigHours]) -> None:
        """Apply the quiet hours and digest the config file sets; what it no longer sets is
        the channel's to set from chat again (kept as it was)."""
        with self.connection:
            self.connection.execute("UPDATE chat_settings SET config_sets = ''")
        for (platform, channel), h in hours.items():
            if h.sets_quiet:
                self.set_quiet_hours(platform, channel, h.quiet)
            if h.sets_digest:
                self.set_digest(platform, channel, h.digest_at is not None)
                if h.digest_at is not None:
                    self.set_digest_time(platform, channel, h.digest_at, h.zone)
            sets = ",".join(
                n for n, on in (("quiet", h.sets_quiet), ("digest", h.sets_digest)) if on
            )
            with self.connection:
                self.connection.execute(
                    """INSERT INTO chat_settings (platform, channel, config_sets) VALUES (?, ?, ?)
                       ON CONFLICT (platform, channel) DO UPDATE SET
                         config_sets = excluded.config_sets""",
                    (platform, channel, sets),
                )

    def config_sets(self, platform: str, channel: str) -> frozenset[str]:
        """Which of the channel's settings (``quiet``, ``digest``) the config file holds."""
        row = self.connection.execute(
            "SELECT config_sets FROM chat_settings WHERE platform = ? AND channel = ?",
            (platform, channel),
        ).fetchone()
        return frozenset(row[0].split(",")) - {""} if row else frozenset()

    def delivered(self, channel: Channel, change_id: str) -> Delivered | None:
        """What ``channel`` already has of a change, or None."""
        row = self.connection.execute(
            """SELECT revision, message_ref FROM chat_deliveries
               WHERE platform = ? AND channel = ? AND change_id = ?""",
            (channel.platform, channel.channel, change_id),
        ).fetchone()
        return None if row is None else Delivered(int(row[0]), row[1])

    def record_delivery(
        self, channel: Channel, change: Change, ref: str | None, now: datetime
    ) -> None:
        """Remember the revision a channel got, and the message to edit later."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_deliveries (platform, channel, change_id, revision,
                   message_ref, delivered_at) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (platform, channel, change_id) DO UPDATE SET
                     revision = excluded.revision, delivered_at = excluded.delivered_at,
                     message_ref = COALESCE(excluded.message_ref, message_ref)""",
                (
                    channel.platform,
                    channel.channel,
                    change.change_id,
                    change.revision,
                    ref,
                    to_iso(now),
                ),
            )

    def record_decision(self, channel: Channel, change: Change, r: Route, now: datetime) -> None:
        """Remember the last decision for this channel and pair."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_decisions (platform, channel, pair_key, decided_at, decision,
                   reason, change_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (platform, channel, pair_key) DO UPDATE SET
                     decided_at = excluded.decided_at, decision = excluded.decision,
                     reason = excluded.reason, change_id = excluded.change_id""",
                (
                    channel.platform,
                    channel.channel,
                    change.pair.key,
                    to_iso(now),
                    r.decision,
                    r.reason,
                    change.change_id,
                ),
            )

    def last_decision(
        self, platform: str, channel: str, pair_key: str
    ) -> tuple[str, str, datetime] | None:
        """The last decision for a channel and pair: (decision, reason, when)."""
        row = self.connection.execute(
            """SELECT decision, reason, decided_at FROM chat_decisions
               WHERE platform = ? AND channel = ? AND pair_key = ?""",
            (platform, channel, pair_key),
        ).fetchone()
        return None if row is None else (row[0], row[1], from_iso(row[2]))

    def queue(self, channel: Channel, change: Change, now: datetime) -> None:
        """Hold a change for the channel's next digest (once, however often it is updated)."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT OR IGNORE INTO chat_queue (platform, channel, change_id, pair_key,
                   queued_at) VALUES (?, ?, ?, ?, ?)""",
                (channel.platform, channel.channel, change.change_id, change.pair.key, to_iso(now)),
            )

    def queued(self, platform: str, channel: str) -> list[tuple[str, str, datetime]]:
        """The channel's held changes as (change_id, pair_key, queued_at), oldest first."""
        rows = self.connection.execute(
            """SELECT change_id, pair_key, queued_at FROM chat_queue
               WHERE platform = ? AND channel = ? ORDER BY queued_at, rowid""",
            (platform, channel),
        ).fetchall()
        return [(r[0], r[1], from_iso(r[2])) for r in rows]

    def queued_channels(self) -> list[tuple[str, str]]:
        """Every (platform, channel) with held changes."""
        rows = self.connection.execute(
            "SELECT DISTINCT platform, channel FROM chat_queue ORDER BY platform, channel"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def digest_tried(self, platform: str, channel: str) -> datetime | None:
        """When the channel's digest was first tried without its answer being recorded, or
        None: the held changes a try of it showed stay held until one is recorded."""
        row = self.connection.execute(
            """SELECT MIN(tried_at) FROM chat_queue
               WHERE platform = ? AND channel = ? AND tried_at IS NOT NULL""",
            (platform, channel),
        ).fetchone()
        return from_iso(row[0]) if row and row[0] else None

    def trying_digest(
        self, platform: str, channel: str, change_ids: Sequence[str], now: datetime
    ) -> None:
        """Note, before a digest is sent, that it is being tried with these held changes
        (those a try showed before keep that try's time)."""
        with atomic(self.connection):
            self.connection.executemany(
                """UPDATE chat_queue SET tried_at = COALESCE(tried_at, ?)
                   WHERE platform = ? AND channel = ? AND change_id = ?""",
                [(to_iso(now), platform, channel, cid) for cid in change_ids],
            )

    def digest_refused(self, platform: str, channel: str) -> None:
        """Forget that the channel's digest was tried: the platform answered that it did
        not post it, so the next try has nothing to look for."""
        with atomic(self.connection):
            self.connection.execute(
                "UPDATE chat_queue SET tried_at = NULL WHERE platform = ? AND channel = ?",
                (platform, channel),
            )

    def digest_wait(self, platform: str, channel: str) -> DigestWait | None:
        """Why and until when the channel's digest waits after a try that failed, or None."""
        row = self.connection.execute(
            """SELECT failures, next_at, error FROM chat_digest_waits
               WHERE platform = ? AND channel = ?""",
            (platform, channel),
        ).fetchone()
        if row is None:
            return None
        return DigestWait(int(row[0]), from_iso(row[1]), str(row[2]))

    def digest_waits(self, platform: str, channel: str, wait: DigestWait) -> None:
        """Note that the channel's digest failed and waits until ``wait.next_at``."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_digest_waits (platform, channel, failures, next_at, error)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (platform, channel) DO UPDATE SET failures = excluded.failures,
                     next_at = excluded.next_at, error = excluded.error""",
                (platform, channel, wait.failures, to_iso(wait.next_at), wait.error),
            )

    def digest_went(self, platform: str, channel: str) -> None:
        """Forget that the channel's digest waited: a try of it went out."""
        with atomic(self.connection):
            self.connection.execute(
                "DELETE FROM chat_digest_waits WHERE platform = ? AND channel = ?",
                (platform, channel),
            )

    def clear_queue(self, platform: str, channel: str, change_ids: Sequence[str]) -> None:
        """Forget held changes once their digest went out (or nobody wants them); a channel
        left holding nothing has no digest to wait for."""
        with atomic(self.connection):
            self.connection.executemany(
                "DELETE FROM chat_queue WHERE platform = ? AND channel = ? AND change_id = ?",
                [(platform, channel, cid) for cid in change_ids],
            )
            self.connection.execute(
                """DELETE FROM chat_digest_waits WHERE platform = ? AND channel = ?
                   AND NOT EXISTS (SELECT 1 FROM chat_queue AS q
                                   WHERE q.platform = ? AND q.channel = ?)""",
                (platform, channel, platform, channel),
            )

    def wait(self, channel: Channel, waits: Waiting, now: datetime) -> None:
        """Put an alert at the back of the channel's retry line (it keeps its place if in)."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT OR IGNORE INTO chat_retries (platform, channel, change_id, pair_key,
                   queued_at, failures, next_at, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    channel.platform,
                    channel.channel,
                    waits.change_id,
                    waits.pair_key,
                    to_iso(now),
                    waits.failures,
                    to_iso(waits.next_at),
                    waits.error,
                ),
            )

    def failed_again(
        self, platform: str, channel: str, waits: Waiting, *, refused: bool = False
    ) -> None:
        """Note another failed try of a waiting alert, and when to try next.

        ``refused``: the platform answered that it did not post it, so no try of it can be
        in the channel and the next is a first try again (it need not look first).
        """
        with atomic(self.connection):
            self.connection.execute(
                """UPDATE chat_retries SET failures = ?, next_at = ?, error = ?,
                     tried_at = CASE WHEN ? THEN NULL ELSE tried_at END
                   WHERE platform = ? AND channel = ? AND change_id = ?""",
                (
                    waits.failures,
                    to_iso(waits.next_at),
                    waits.error,
                    refused,
                    platform,
                    channel,
                    waits.change_id,
                ),
            )

    def waiting(self, platform: str, channel: str) -> list[Waiting]:
        """The channel's retry line, first in line first."""
        rows = self.connection.execute(
            """SELECT change_id, pair_key, failures, next_at, error, tried_at FROM chat_retries
               WHERE platform = ? AND channel = ? ORDER BY queued_at, rowid""",
            (platform, channel),
        ).fetchall()
        return [
            Waiting(r[0], r[1], int(r[2]), from_iso(r[3]), r[4], from_iso(r[5]) if r[5] else None)
            for r in rows
        ]

    def trying(self, platform: str, channel: str, change_id: str, now: datetime) -> None:
        """Note, before a post of an owed alert is sent, that it is being tried (the first
        try's time is kept): if no answer is recorded, the post may be in the channel."""
        with atomic(self.connection):
            self.connection.execute(
                """UPDATE chat_retries SET tried_at = COALESCE(tried_at, ?)
                   WHERE platform = ? AND channel = ? AND change_id = ?""",
                (to_iso(now), platform, channel, change_id),
            )

    def waiting_channels(self) -> list[tuple[str, str]]:
        """Every (platform, channel) with alerts waiting, the longest-waiting first."""
        rows = self.connection.execute(
            """SELECT platform, channel FROM chat_retries GROUP BY platform, channel
               ORDER BY MIN(queued_at), platform, channel"""
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def owed(self) -> list[Owed]:
        """Every channel with deliveries owed: how many, the oldest's time, its state."""
        rows = self.connection.execute(
            """SELECT platform, channel, COUNT(*), MIN(queued_at),
                 (SELECT error FROM chat_retries AS r WHERE r.platform = o.platform
                   AND r.channel = o.channel ORDER BY queued_at, rowid LIMIT 1),
                 (SELECT next_at FROM chat_retries AS r WHERE r.platform = o.platform
                   AND r.channel = o.channel ORDER BY queued_at, rowid LIMIT 1)
               FROM chat_retries AS o GROUP BY platform, channel
               ORDER BY MIN(queued_at), platform, channel"""
        ).fetchall()
        return [
            Owed(r[0], r[1], int(r[2]), from_iso(r[3]), r[4] or "",
                 from_iso(r[5]))
            for r in rows
        ]  # fmt: skip

    def unrouted(self, *, new_only: bool = False) -> list[tuple[str, str]]:
        """Changes (and later revisions of them; with ``new_only``, changes never routed)
        not yet turned into owed deliveries, as (change_id, pair_key), in the order found."""
        rows = self.connection.execute(
            """SELECT id, pair_key FROM changes
               WHERE routed_revision IS NULL OR (? = 0 AND routed_revision < revision)
               ORDER BY id""",
            (int(new_only),),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def mark_routed(self, change: Change) -> None:
        """Note that this revision of a stored change has its deliveries owed."""
        if change.change_id is None or not change.change_id.isdigit():
            return  # not a stored change: nothing to mark
        with atomic(self.connection):
            self.connection.execute(
                """UPDATE changes SET routed_revision = ?
                   WHERE id = ? AND (routed_revision IS NULL OR routed_revision < ?)""",
                (change.revision, int(change.change_id), change.revision),
            )

    def let_go_unroutable(self, change_id: str) -> None:
        """Mark a change that cannot be read back (its pair is unknown now) as routed."""
        with atomic(self.connection):
            self.connection.execute(
                "UPDATE changes SET routed_revision = revision WHERE id = ?", (int(change_id),)
            )

    def take_channel(self, platform: str, channel: str) -> bool:
        """Whether this process may send to a channel now, taking it if so.

        On PostgreSQL a channel is held by a session lock until ``free_channel`` (or until
        this connection ends: a killed worker's channels are free at once), so two workers
        never send one channel's owed alerts at the same time. A session holds its own
        locks again: callers sharing this connection keep apart by themselves (the
        router's turn). SQLite serves one process, which always may.
        """
        if self.connection.dialect != "postgresql":
            return True
        row = self.connection.execute(
            f"SELECT pg_try_advisory_lock({SESSION_LOCKS}, ?)",
            (session_lock_id(f"channel:{platform}:{channel}"),),
        ).fetchone()
        return bool(row and row[0])

    def free_channel(self, platform: str, channel: str) -> None:
        """Let other processes send to a channel ``take_channel`` took."""
        if self.connection.dialect != "postgresql":
            return
        self.connection.execute(
            f"SELECT pg_advisory_unlock({SESSION_LOCKS}, ?)",
            (session_lock_id(f"channel:{platform}:{channel}"),),
        )

    def done_waiting(self, platform: str, channel: str, change_id: str) -> None:
        """Take an alert out of the retry line: sent, given up, or no longer wanted."""
        with atomic(self.connection):
            self.connection.execute(
                "DELETE FROM chat_retries WHERE platform = ? AND channel = ? AND change_id = ?",
                (platform, channel, change_id),
            )

    def set_quiet_hours(self, platform: str, channel: str, quiet: QuietHours | None) -> None:
        """Set (or with None, lift) a channel's quiet hours."""
        start = quiet.start.isoformat("minutes") if quiet else None
        end = quiet.end.isoformat("minutes") if quiet else None
        zone = quiet.zone if quiet else "UTC"
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_settings (platform, channel, quiet_start, quiet_end,
                   quiet_zone) VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, channel) DO UPDATE
                   SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
                     quiet_zone = excluded.quiet_zone""",
                (platform, channel, start, end, zone),
            )

    def set_digest_time(self, platform: str, channel: str, at: time, zone: str = "UTC") -> None:
        """When the channel's daily digest goes out, in ``zone`` (an IANA name)."""
        with atomic(self.connection):
            self.connection.execute(
                """INSERT INTO chat_settings (platform, channel, digest_at, digest_zone)
                   VALUES (?, ?, ?, ?) ON CONFLICT (platform, channel) DO UPDATE SET
                     digest_at = excluded.digest_at, digest_zone = excluded.digest_zone""",
                (platform, channel, at.isoformat("minutes"), zone),
            )

    def schedule(self, platform: str, channel: str) -> Schedule:
        """The channel's quiet hours and digest time (the defaults when none were set)."""
        return self._schedule(platform, channel) or Schedule()

    def _schedule(self, platform: str, channel: str) -> Schedule | None:
        row = self.connection.execute(
            """SELECT quiet_start, quiet_end, quiet_zone, digest_at, digest_zone FROM chat_settings
               WHERE platform = ? AND channel = ?""",
            (platform, channel),
        ).fetchone()
        if row is None:
            return None
        quiet = None
        if row[0] and row[1]:
            quiet = QuietHours(time.fromisoformat(row[0]), time.fromisoformat(row[1]), row[2])
        return Schedule(quiet, time.fromisoformat(row[3]), row[4])

    def with_settings(self, channel: Channel) -> Channel:
        """``channel`` with the quiet hours and digest time stored for it, if any."""
        s = self._schedule(channel.platform, channel.channel)
        if s is None:
            return channel
        return replace(channel, quiet=s.quiet, digest_at=s.digest_at, digest_zone=s.digest_zone)
