"""The history store: what each feed told us, every mention with its evidence, each pair's
current descriptor, and the changes we reported. SQLite; the schema is created or migrated
when the store opens."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchers.errors import StoreError
from watchers.fetch import Validators
from watchers.model import Change, Mention

# Each step moves the schema from version i to i + 1; never edit a step once released.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feed_state (
        feed TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        first_polled_at TEXT,
        last_polled_at TEXT,
        last_error TEXT
    );
    CREATE TABLE seen_entries (
        feed TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, entry_id)
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        pair_key TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        speaker TEXT,
        sentence TEXT NOT NULL,
        feed TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_url TEXT,
        entry_title TEXT NOT NULL,
        published TEXT,
        official INTEGER NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX mentions_by_pair ON mentions (pair_key, seen_at);
    CREATE TABLE pair_state (
        pair_key TEXT PRIMARY KEY,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        mention_id INTEGER NOT NULL REFERENCES mentions (id)
    );
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        pair_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        before TEXT,
        after TEXT NOT NULL,
        quote TEXT NOT NULL,
        speaker TEXT,
        level TEXT NOT NULL,
        detected_at TEXT NOT NULL
    );
    CREATE INDEX changes_by_pair ON changes (pair_key, detected_at);
    CREATE TABLE change_sources (
        change_id INTEGER NOT NULL REFERENCES changes (id),
        feed TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        published TEXT,
        official INTEGER NOT NULL
    );
    """,
)


@dataclass(frozen=True)
class PairState:
    """A pair's current descriptor and when it was first and last seen."""

    pair_key: str
    descriptor: str
    canonical: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class StoredChange:
    """A change as the store remembers it, for history listings."""

    pair_key: str
    kind: str
    before: str | None
    after: str
    quote: str
    level: str
    detected_at: datetime


def _iso(t: datetime | None) -> str | None:
    return t.astimezone(UTC).isoformat() if t else None


def _time(s: str) -> datetime:
    return datetime.fromisoformat(s)


class Store:
    """The SQLite history store. One connection, used from one thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating the file and its folder if needed) and migrate the store."""
        target = str(path)
        try:
            if target != ":memory:":
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(target)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            store = cls(connection)
            store.migrate()
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"cannot open the store at {target}: {e}") from e
        return store

    def migrate(self) -> None:
        """Bring the schema up to the latest version."""
        (version,) = self.connection.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the store has schema version {version}, newer than this program's "
                f"{len(MIGRATIONS)}; upgrade partnership-watch"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.connection:
                self.connection.executescript(f"BEGIN; {script}; PRAGMA user_version = {number};")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    # feeds

    def validators(self, feed: str) -> Validators:
        """The ETag and Last-Modified last seen for a feed."""
        row = self.connection.execute(
            "SELECT etag, last_modified FROM feed_state WHERE feed = ?", (feed,)
        ).fetchone()
        return Validators(*row) if row else Validators()

    def has_been_polled(self, feed: str) -> bool:
        """Whether a feed has had a successful poll before (its baseline exists)."""
        row = self.connection.execute(
            "SELECT first_polled_at FROM feed_state WHERE feed = ?", (feed,)
        ).fetchone()
        return bool(row and row[0])

    def record_poll(
        self, feed: str, now: datetime, validators: Validators | None, error: str | None
    ) -> None:
        """Remember a poll's outcome; validators only change on success."""
        with self.connection:
            self.connection.execute(
                "INSERT INTO feed_state (feed) VALUES (?) ON CONFLICT (feed) DO NOTHING", (feed,)
            )
            if error is None:
                v = validators or Validators()
                self.connection.execute(
                    """UPDATE feed_state SET etag = ?, last_modified = ?, last_error = NULL,
                       last_polled_at = ?, first_polled_at = COALESCE(first_polled_at, ?)
                       WHERE feed = ?""",
                    (v.etag, v.last_modified, _iso(now), _iso(now), feed),
                )
            else:
                self.connection.execute(
                    "UPDATE feed_state SET last_error = ?, last_polled_at = ? WHERE feed = ?",
                    (error, _iso(now), feed),
                )

    def unseen_entries(self, feed: str, entry_ids: Iterable[str]) -> set[str]:
        """Which of these entry ids the feed has not given us before."""
        ids = set(entry_ids)
        seen = {
            row[0]
            for row in self.connection.execute(
                "SELECT entry_id FROM seen_entries WHERE feed = ?", (feed,)
            )
        }
        return ids - seen

    def mark_seen(self, feed: str, entry_ids: Iterable[str], now: datetime) -> None:
        """Remember entries so the next poll skips them."""
        with self.connection:
            self.connection.executemany(
                "INSERT OR IGNORE INTO seen_entries (feed, entry_id, seen_at) VALUES (?, ?, ?)",
                [(feed, entry_id, _iso(now)) for entry_id in entry_ids],
            )

    # mentions and pair state

    def record_mention(self, mention: Mention) -> int:
        """Store a mention with its evidence; returns its id."""
        e, x = mention.entry, mention.extraction
        with self.connection:
            cursor = self.connection.execute(
                """INSERT INTO mentions (pair_key, descriptor, canonical, speaker, sentence, feed,
                   entry_id, entry_url, entry_title, published, official, seen_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    x.pair.key,
                    x.descriptor,
                    x.canonical,
                    x.speaker,
                    x.sentence,
                    e.feed,
                    e.entry_id,
                    e.url,
                    e.title,
                    _iso(e.published),
                    int(mention.official),
                    _iso(mention.seen_at),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def pair_state(self, pair_key: str) -> PairState | None:
        """The pair's current descriptor, or None before its first mention."""
        row = self.connection.execute(
            """SELECT pair_key, descriptor, canonical, first_seen, last_seen
               FROM pair_state WHERE pair_key = ?""",
            (pair_key,),
        ).fetchone()
        if row is None:
            return None
        return PairState(row[0], row[1], row[2], _time(row[3]), _time(row[4]))

    def set_pair_state(self, mention: Mention, mention_id: int) -> None:
        """Make this mention's descriptor the pair's current one (or refresh last_seen)."""
        x, now = mention.extraction, _iso(mention.seen_at)
        with self.connection:
            self.connection.execute(
                """INSERT INTO pair_state (pair_key, descriptor, canonical, first_seen, last_seen,
                   mention_id) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (pair_key) DO UPDATE SET
                     first_seen = CASE WHEN canonical = excluded.canonical
                                  THEN first_seen ELSE excluded.first_seen END,
                     descriptor = excluded.descriptor, canonical = excluded.canonical,
                     last_seen = excluded.last_seen, mention_id = excluded.mention_id""",
                (x.pair.key, x.descriptor, x.canonical, now, now, mention_id),
            )

    def mentions_count(self, pair_key: str | None = None) -> int:
        """How many mentions are stored (for one pair, or in all)."""
        if pair_key is None:
            return int(self.connection.execute("SELECT count(*) FROM mentions").fetchone()[0])
        return int(
            self.connection.execute(
                "SELECT count(*) FROM mentions WHERE pair_key = ?", (pair_key,)
            ).fetchone()[0]
        )

    # changes

    def record_change(self, change: Change) -> int:
        """Store a reported change and its sources; returns its id."""
        with self.connection:
            cursor = self.connection.execute(
                """INSERT INTO changes (pair_key, kind, before, after, quote, speaker, level,
                   detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    change.pair.key,
                    change.kind.value,
                    change.before,
                    change.after,
                    change.quote,
                    change.speaker,
                    change.level.value,
                    _iso(change.detected_at),
                ),
            )
            change_id = cursor.lastrowid
            assert change_id is not None
            self.connection.executemany(
                """INSERT INTO change_sources (change_id, feed, url, title, published, official)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    (change_id, s.feed, s.url, s.title, _iso(s.published), int(s.official))
                    for s in change.sources
                ],
            )
        return change_id

    def recent_changes(self, pair_key: str, limit: int = 10) -> list[StoredChange]:
        """The pair's latest reported changes, newest first."""
        rows = self.connection.execute(
            """SELECT pair_key, kind, before, after, quote, level, detected_at FROM changes
               WHERE pair_key = ? ORDER BY detected_at DESC, id DESC LIMIT ?""",
            (pair_key, limit),
        ).fetchall()
        return [StoredChange(r[0], r[1], r[2], r[3], r[4], r[5], _time(r[6])) for r in rows]
