"""The history store: what each feed told us, every mention with its evidence, each pair's
current descriptor, and the changes we reported. SQLite or PostgreSQL (through
``watchers.db``); the schema is created or migrated when the store opens."""

from __future__ import annotations

import errno
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from watchers import migrations
from watchers.db import (
    SESSION_LOCKS,
    Database,
    Params,
    as_database,
    open_database,
    redact,
    session_lock_id,
)
from watchers.diff import word_diff
from watchers.errors import DatabaseError, StoreError
from watchers.extraction.canonical import canonical
from watchers.fetch import Validators
from watchers.model import (
    Change,
    ChangeKind,
    ChangeStatus,
    Heard,
    Level,
    Mention,
    Pair,
    PairHistory,
    PairState,
    SeenDescriptor,
    Source,
    SpeakerState,
    StoredMention,
    from_iso,
    to_iso,
)
from watchers.reading import to_read

__all__ = [
    "MIGRATIONS",
    "PairHistory",
    "PairState",
    "SeenDescriptor",
    "SpeakerState",
    "Store",
    "StoredChange",
]

SEEN_RETENTION = timedelta(days=90)
"""How long an entry a feed no longer lists is remembered as seen. Feeds list their latest
items; one that drops an item rarely brings it back months later, and remembering every id
for ever would grow the store and each poll's look-up without bound."""

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
    # 2: what the alert rules remember: each speaker's words, the descriptors a pair had
    # lately (flip-flop), a change's identity, tiers and revisions (syndication), and the
    # last decision per pair ("why").
    """
    CREATE TABLE speaker_state (
        pair_key TEXT NOT NULL,
        speaker TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        canonical TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (pair_key, speaker)
    );
    CREATE TABLE pair_descriptors (
        pair_key TEXT NOT NULL,
        canonical TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (pair_key, canonical)
    );
    ALTER TABLE changes ADD COLUMN canonical TEXT;
    ALTER TABLE changes ADD COLUMN before_canonical TEXT;
    ALTER TABLE changes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE changes ADD COLUMN updated_at TEXT;
    ALTER TABLE changes ADD COLUMN before_tier TEXT;
    ALTER TABLE changes ADD COLUMN after_tier TEXT;
    ALTER TABLE changes ADD COLUMN tier_arrow TEXT NOT NULL DEFAULT '';
    ALTER TABLE changes ADD COLUMN span_start INTEGER;
    ALTER TABLE changes ADD COLUMN span_end INTEGER;
    CREATE TABLE pair_decisions (
        pair_key TEXT PRIMARY KEY,
        decided_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        change_id INTEGER REFERENCES changes (id)
    );
    """,
    # 3: established words apart from reported ones: a change's status (pending while one
    # outlet alone reported it), when the established words were said again against it, the
    # levels it went through; and a hash of each seen entry's text, so an entry edited in
    # place is read again and a feed that re-dates every item is not.
    """
    ALTER TABLE changes ADD COLUMN status TEXT NOT NULL DEFAULT 'established';
    ALTER TABLE changes ADD COLUMN challenged_at TEXT;
    ALTER TABLE changes ADD COLUMN settled_at TEXT;
    CREATE TABLE change_levels (
        change_id INTEGER NOT NULL REFERENCES changes (id),
        revision INTEGER NOT NULL,
        level TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (change_id, revision)
    );
    INSERT INTO change_levels (change_id, revision, level, at)
        SELECT id, revision, level, COALESCE(updated_at, detected_at) FROM changes;
    ALTER TABLE seen_entries ADD COLUMN content_hash TEXT;
    CREATE INDEX mentions_by_entry ON mentions (feed, entry_id);
    """,
    # 4: which revision of each change the chat layer has turned into owed deliveries. A
    # change (or a later revision of it) is recorded unrouted in the transaction that finds
    # it, so a crash before it reaches the outbox loses nothing; changes from before this
    # step count as routed.
    """
    ALTER TABLE changes ADD COLUMN routed_revision INTEGER;
    UPDATE changes SET routed_revision = revision;
    CREATE INDEX changes_unrouted ON changes (id)
        WHERE routed_revision IS NULL OR routed_revision < revision;
    """,
    # 5: for `status`, each feed's last success and last failure, kept after the other.
    """
    ALTER TABLE feed_state ADD COLUMN last_ok_at TEXT;
    ALTER TABLE feed_state ADD COLUMN last_failed_at TEXT;
    ALTER TABLE feed_state ADD COLUMN last_failure TEXT;
    UPDATE feed_state SET last_ok_at = last_polled_at WHERE last_error IS NULL;
    UPDATE feed_state SET last_failed_at = last_polled_at, last_failure = last_error
        WHERE last_error IS NOT NULL;
    """,
    # 6: how long each feed took to answer (the slowest start first in the next cycle), and
    # the hash of the last body read whole from a server that sends no validators (an
    # unchanged body is not read again, after a restart too).
    """
    ALTER TABLE feed_state ADD COLUMN answer_seconds REAL;
    ALTER TABLE feed_state ADD COLUMN body_sha256 TEXT;
    ALTER TABLE feed_state ADD COLUMN body_read_at TEXT;
    """,
)


def _mention_row(mention: Mention) -> tuple[object, ...]:
    e, x = mention.entry, mention.extraction
    return (
        x.pair.key,
        x.descriptor,
        x.canonical,
        x.speaker,
        x.sentence,
        e.feed,
        e.entry_id,
        e.url,
        e.title,
        to_iso(e.published),
        int(mention.official),
        to_iso(mention.seen_at),
    )


@dataclass(frozen=True)
class PollOutcome:
    """A poll's outcome that wrote nothing else (a 304, a failed fetch), kept to be written
    with others (``Store.record_polls``)."""

    feed: str
    at: datetime
    validators: Validators | None
    error: str | None
    answer_seconds: float | None = None


_POLL_OK = """INSERT INTO feed_state (feed, etag, last_modified, last_polled_at,
   first_polled_at, last_ok_at, answer_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (feed) DO UPDATE SET etag = excluded.etag,
     last_modified = excluded.last_modified, last_error = NULL,
     last_polled_at = excluded.last_polled_at,
     first_polled_at = COALESCE(first_polled_at, excluded.first_polled_at),
     last_ok_at = excluded.last_ok_at,
     answer_seconds = COALESCE(excluded.answer_seconds, answer_seconds)"""

_POLL_FAILED = """INSERT INTO feed_state (feed, last_error, last_polled_at, last_failure,
   last_failed_at, answer_seconds) VALUES (?, ?, ?, ?, ?, ?)
   ON CONFLICT (feed) DO UPDATE SET last_error = excluded.last_error,
     last_polled_at = excluded.last_polled_at,
     last_failure = excluded.last_failure,
     last_failed_at = excluded.last_failed_at,
     answer_seconds = COALESCE(excluded.answer_seconds, answer_seconds)"""


_SEEN_UPSERT = """ON CONFLICT (feed, entry_id) DO UPDATE SET
     seen_at = CASE WHEN seen_at < ? THEN excluded.seen_at ELSE seen_at END,
     content_hash = COALESCE(excluded.content_hash, content_hash)
   WHERE seen_at < ? OR (excluded.content_hash IS NOT NULL
                         AND content_hash IS NOT excluded.content_hash)"""
"""An entry seen again: its ``seen_at`` refreshed once it is older than the time given
(twice), its hash kept up to date."""

_SEEN_FROM_ARRAYS = f"""INSERT INTO seen_entries (feed, entry_id, seen_at, content_hash)
   SELECT ?, listed.entry_id, ?, listed.content_hash
   FROM unnest(?::text[], ?::text[]) AS listed(entry_id, content_hash)
   {_SEEN_UPSERT}"""
"""``Store.mark_seen`` on PostgreSQL: the feed, when, the entries' ids and hashes (arrays of
the same length), and twice the time before which a row's ``seen_at`` is refreshed."""

_MENTION_COLUMNS = """pair_key, descriptor, canonical, speaker, sentence, feed, entry_id,
   entry_url, entry_title, published, official, seen_at"""

_MENTIONS_FROM_ARRAYS = f"""INSERT INTO mentions ({_MENTION_COLUMNS})
   SELECT {_MENTION_COLUMNS}
   FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
     ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
     WITH ORDINALITY AS listed({_MENTION_COLUMNS}, place)
   ORDER BY place
   RETURNING id"""
"""``_mention_inserts`` on PostgreSQL: each column of ``_mention_row`` as an array. The rows
go in in the arrays' order (a plain ``unnest`` does not promise it), so their ids, drawn as
they go in, rise in that order: ``_mention_ids`` sorts them to map them to the mentions."""


def _seen_values(
    feed: str, listing: Sequence[tuple[str, str]], seen_at: str, stale: str
) -> tuple[str, tuple[object, ...]]:
    """``Store.mark_seen`` of these entries (id, hash) in one statement of their values."""
    values = ", ".join(["(?, ?, ?, ?)"] * len(listing))
    return (
        f"""INSERT INTO seen_entries (feed, entry_id, seen_at, content_hash) VALUES {values}
            {_SEEN_UPSERT}""",
        (*(v for e, h in listing for v in (feed, e, seen_at, h)), stale, stale),
    )


def _up_to(mention_id: int | None) -> tuple[str, tuple[object, ...]]:
    """The condition, and its parameter, keeping mentions with ids up to ``mention_id``."""
    return ("", ()) if mention_id is None else (" AND id <= ?", (mention_id,))


def _poll_row(outcome: PollOutcome) -> tuple[str, tuple[object, ...]]:
    """The upsert of ``feed_state`` that remembers a poll's outcome, and its parameters."""
    at = to_iso(outcome.at)
    if outcome.error is None:
        v = outcome.validators or Validators()
        params = (outcome.feed, v.etag, v.last_modified, at, at, at, outcome.answer_seconds)
        return _POLL_OK, params
    error = outcome.error
    return _POLL_FAILED, (outcome.feed, error, at, error, at, outcome.answer_seconds)


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


def plain_reason(e: BaseException, path: str = "") -> str:
    """What a database or file error means for the operator: read-only, full, or which."""
    cause = e.__cause__ if isinstance(e, StoreError) and e.__cause__ is not None else e
    name = getattr(cause, "sqlite_errorname", "") or ""
    number = getattr(cause, "errno", None)
    store = f"the store {path}" if path else "the store"
    if name.startswith("SQLITE_READONLY") or number in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{store} is read-only here ({cause}): the file and its folder must be writable"
    if name.startswith("SQLITE_FULL") or number == errno.ENOSPC:
        return f"the disk holding {store} is full ({cause})"
    if name.startswith("SQLITE_IOERR"):
        return f"a disk error writing {store} (a full or failing disk?): {cause}"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot create or open {store} ({cause}): its folder must exist and be writable"
    return f"{store} failed: {cause}"


class Store:
    """The history store. One connection, used from one thread."""

    def __init__(self, connection: Database | sqlite3.Connection, path: str = "") -> None:
        self.connection = as_database(connection)
        self.path = path
        """Where the store is, for error messages (a URL without its password)."""
        self._in_transaction = False
        self._held: list[tuple[str, str, tuple[object, ...]]] | None = None
        self._claimed_polled: dict[str, bool] = {}
        """Whether each feed ``claim_feeds`` holds had been polled, read with the claim: no
        other process polls it meanwhile, so ``has_been_polled`` need not ask again."""

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating a SQLite file and its folder if needed) and migrate the store.

        ``path`` is a SQLite file, ``:memory:``, or a ``postgresql://`` URL.
        """
        target = redact(str(path))
        try:
            connection = open_database(path)
        except DatabaseError as e:
            raise StoreError(f"cannot open the store: {plain_reason(e, target)}") from e
        try:
            store = cls(connection, target)
            store.migrate()
        except (OSError, DatabaseError, StoreError) as e:
            connection.close()
            raise StoreError(f"cannot open the store: {plain_reason(e, target)}") from e
        except BaseException:
            connection.close()
            raise
        return store

    def migrate(self) -> None:
        """Bring the schema up to the latest version."""
        migrations.migrate(
            migrations.DatabaseLedger(self.connection),
            "history",
            MIGRATIONS,
            adopt=lambda: migrations.user_version(self.connection),
        )

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes kept all together or not at all; a database failure is a StoreError.

        Nested uses join the outermost one, so a whole feed document is remembered at once:
        a failure half-way (a locked or full disk) leaves no entry marked seen without its
        mentions and changes, and the next poll reads it again.
        """
        if self._in_transaction:
            yield
            return
        self._in_transaction = True
        try:
            with self.connection:  # commits, or rolls back when the block raises
                yield
        except (DatabaseError, sqlite3.Error) as e:  # the seam's, or a bare connection's
            raise StoreError(plain_reason(e, self.path)) from e
        finally:
            self._in_transaction = False

    @contextmanager
    def document(self) -> Iterator[None]:
        """A transaction (``transaction``) holding its writes to its end (``writes_at_end``)
        whose statements that need no answer (its start, its locks, its writes, its commit)
        go with the next one that does: on PostgreSQL it waits on its reads only."""
        with self.connection.pipeline(), self.transaction(), self.writes_at_end():
            yield

    def _write_one(self, sql: str, params: tuple[object, ...]) -> None:
        """One write kept whole by itself, or as part of the transaction open; a database
        failure is a StoreError. On PostgreSQL, alone, it is one round trip, not three."""
        if self._held is not None:
            self._held.append(("", sql, params))  # with the block's other writes, at its end
            return
        if self._in_transaction:
            self.connection.execute(sql, params)
            return
        try:
            self.connection.write_alone(sql, params)
        except (DatabaseError, sqlite3.Error) as e:
            raise StoreError(plain_reason(e, self.path)) from e

    @contextmanager
    def writes_at_end(self) -> Iterator[None]:
        """Hold the writes the block makes whose answers nobody reads (pairs' words,
        established words, last decisions, seen entries, the poll's outcome), and write them
        when it ends: each table's rows in the order made, a statement for each run of like
        rows, all sent together (on PostgreSQL one round trip, not one each). Reads of those
        tables in the block see them as they were before it (``Ingester`` keeps the pairs'
        histories itself meanwhile, and reads nothing after marking entries seen)."""
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            yield
            held, self._held = self._held, None
            self._send(held)
        finally:
            self._held = None

    def send_held_writes(self) -> None:
        """Send the writes ``writes_at_end`` holds so far now, not at its end. On
        PostgreSQL, in a document's pipeline, they run before the statements that follow
        (a lock that may wait), with the next one that needs an answer."""
        if self._held:
            held, self._held = self._held, []
            self._send(held)

    def _send(self, held: list[tuple[str, str, tuple[object, ...]]]) -> None:
        """Write held writes: each table's rows in the order made, a statement for each run
        of like rows, all sent together."""
        with self.transaction(), self.connection.pipeline():
            for table in dict.fromkeys(t for t, _, _ in held):
                rows = [(sql, params) for t, sql, params in held if t == table]
                for sql, run in itertools.groupby(rows, key=lambda r: r[0]):
                    self.connection.executemany(sql, [params for _, params in run])

    def _write(self, table: str, sql: str, params: tuple[object, ...]) -> None:
        """Run one upsert of ``table`` now, or at the end of ``writes_at_end``."""
        if self._held is None:
            self.connection.execute(sql, params)
        else:
            self._held.append((table, sql, params))

    # feeds

    def validators(self, feed: str) -> Validators:
        """The ETag and Last-Modified last seen for a feed."""
        row = self.connection.execute(
            "SELECT etag, last_modified FROM feed_state WHERE feed = ?", (feed,)
        ).fetchone()
        return Validators(*row) if row else Validators()

    def has_been_polled(self, feed: str) -> bool:
        """Whether a feed has had a successful poll before (its baseline exists)."""
        if feed in self._claimed_polled:
            return self._claimed_polled[feed]
        row = self.connection.execute(
            "SELECT first_polled_at FROM feed_state WHERE feed = ?", (feed,)
        ).fetchone()
        return bool(row and row[0])

    def last_polls(self) -> dict[str, datetime]:
        """When each feed was last polled (successfully or not)."""
        rows = self.connection.execute(
            "SELECT feed, last_polled_at FROM feed_state WHERE last_polled_at IS NOT NULL"
        ).fetchall()
        return {r[0]: from_iso(r[1]) for r in rows}

    def lock_pairs(self, pair_keys: Iterable[str]) -> None:
        """Hold the pairs until the transaction ends, so processes decide on a pair in turn.

        Two workers reading one syndicated story from two feeds would otherwise both find
        the pair unchanged and both report the change. Taken in one order: no deadlock.
        """
        self.connection.lock_all([f"pair:{key}" for key in sorted(set(pair_keys))])

    def answer_seconds(self) -> dict[str, float]:
        """How long each feed took to answer its last fetch (fetched or failed)."""
        rows = self.connection.execute(
            "SELECT feed, answer_seconds FROM feed_state WHERE answer_seconds IS NOT NULL"
        ).fetchall()
        return {r[0]: float(r[1]) for r in rows}

    def last_body(self, feed: str) -> tuple[str, datetime] | None:
        """The hash of the body last read whole (see ``record_body``) and when, or None."""
        row = self.connection.execute(
            "SELECT body_sha256, body_read_at FROM feed_state WHERE feed = ?", (feed,)
        ).fetchone()
        return (row[0], from_iso(row[1])) if row and row[0] else None

    def record_body(self, feed: str, sha256: str, at: datetime) -> None:
        """Remember the hash of a body read whole from a server that sent no validators."""
        self._write_one(
            "UPDATE feed_state SET body_sha256 = ?, body_read_at = ? WHERE feed = ?",
            (sha256, to_iso(at), feed),
        )

    def record_poll(
        self,
        feed: str,
        now: datetime,
        validators: Validators | None,
        error: str | None,
        *,
        answer_seconds: float | None = None,
    ) -> None:
        """Remember a poll's outcome; validators only change on success. ``answer_seconds``
        is how long the server took to answer (or to fail), when it was asked."""
        # one statement either way: on PostgreSQL each is a round trip
        self._claimed_polled.pop(feed, None)  # asked again, should this poll have counted
        self._write_one(*_poll_row(PollOutcome(feed, now, validators, error, answer_seconds)))

    def record_polls(self, outcomes: Sequence[PollOutcome]) -> None:
        """Remember several polls' outcomes in one transaction (a statement for each run of
        successes or failures), sent together: a batch's 304s cost the database one round
        trip, not one each."""
        if not outcomes:
            return
        rows = [_poll_row(o) for o in outcomes]
        for outcome in outcomes:
            self._claimed_polled.pop(outcome.feed, None)
        with self.connection.pipeline(), self.transaction():  # one round trip on PostgreSQL
            for sql, run in itertools.groupby(rows, key=lambda r: r[0]):
                self.connection.executemany(sql, [params for _, params in run])

    def claim_feeds(self, feeds: Sequence[str]) -> dict[str, Validators]:
        """The feeds no other process is polling now, taken for this one, each with the
        validators last seen for it; one statement for them all.

        On PostgreSQL each feed is held by a session lock until ``release_feeds`` (or until
        this connection ends: a killed worker's feeds are free at once). A session holds
        its own locks again, so callers sharing this store's connection keep apart by
        themselves. SQLite serves one process, which takes every feed.
        """
        names = list(dict.fromkeys(feeds))
        if not names:
            return {}
        if self.connection.dialect != "postgresql":
            found = self.validators_of(names)
            return {name: found.get(name, Validators()) for name in names}
        try:
            rows = self.connection.execute(
                f"""SELECT f.name, s.etag, s.last_modified, s.first_polled_at IS NOT NULL
                    FROM unnest(?::text[], ?::int[]) AS f(name, lock_id)
                    LEFT JOIN feed_state AS s ON s.feed = f.name
                    WHERE pg_try_advisory_lock({SESSION_LOCKS}, f.lock_id)""",
                (names, [session_lock_id(f"feed:{name}") for name in names]),
            ).fetchall()
        except DatabaseError as e:
            raise StoreError(plain_reason(e, self.path)) from e
        self._claimed_polled.update((r[0], bool(r[3])) for r in rows)
        return {r[0]: Validators(r[1], r[2]) for r in rows}

    def release_feeds(self, feeds: Sequence[str]) -> None:
        """Let other processes poll feeds ``claim_feeds`` took (one statement)."""
        names = list(dict.fromkeys(feeds))
        for name in names:
            self._claimed_polled.pop(name, None)
        if not names or self.connection.dialect != "postgresql":
            return
        try:
            self.connection.execute(
                f"SELECT pg_advisory_unlock({SESSION_LOCKS}, k) FROM unnest(?::int[]) AS k",
                ([session_lock_id(f"feed:{name}") for name in names],),
            )
        except DatabaseError as e:
            raise StoreError(plain_reason(e, self.path)) from e

    def validators_of(self, feeds: Sequence[str]) -> dict[str, Validators]:
        """The validators last seen for each of these feeds that has any row (see
        ``validators``), a few hundred feeds to a statement."""
        names = list(dict.fromkeys(feeds))
        found: dict[str, Validators] = {}
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.connection.execute(
                f"SELECT feed, etag, last_modified FROM feed_state WHERE feed IN ({marks})",
                chunk,
            ).fetchall()
            found.update((r[0], Validators(r[1], r[2])) for r in rows)
        return found

    def entries_to_read(self, feed: str, fingerprints: Mapping[str, str]) -> dict[str, bool]:
        """Which of these entries (id to text hash) to read: id to True when edited in place.

        An entry not seen before is read; one seen with another hash was edited and is read
        again; one seen with the same hash, or seen before hashes were kept, is not.
        """
        ids = list(fingerprints)
        known: dict[str, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            known.update(
                self.connection.execute(
                    f"""SELECT entry_id, content_hash FROM seen_entries
                        WHERE feed = ? AND entry_id IN ({marks})""",
                    (feed, *chunk),
                ).fetchall()
            )
        return to_read(fingerprints, known)

    def seen_entries(self, feed: str, most: int) -> dict[str, str | None] | None:
        """The entries seen of a feed (id to the hash of their text), or None when there are
        more than ``most``."""
        if self._claimed_polled.get(feed) is False:
            # claimed here and never polled well: its entries are remembered as seen only
            # with a successful poll, so there are none (a round trip saved a first poll)
            return {}
        rows = self.connection.execute(
            "SELECT entry_id, content_hash FROM seen_entries WHERE feed = ? LIMIT ?",
            (feed, most + 1),
        ).fetchall()
        return None if len(rows) > most else {r[0]: r[1] for r in rows}

    def mark_seen(self, feed: str, listed: Mapping[str, str], now: datetime) -> None:
        """Remember the entries a feed's document lists, so the next polls skip them.

        ``listed`` maps entry ids to the hash of their text (kept so that an edit in place is
        noticed). ``seen_at`` is when the feed last listed an entry (refreshed
        at most daily); entries it has not listed for ``SEEN_RETENTION`` are forgotten. Only a
        document's entries are refreshed before that, so a feed that was quiet for months
        keeps what it still lists.
        """
        stale, seen_at = to_iso(now - timedelta(days=1)), to_iso(now)
        listing = list(listed.items())
        with self.transaction():
            # a few hundred entries to a statement, not one each: the database parses and
            # runs one statement for a document's entries (its ids are distinct: no row is
            # touched twice by one statement); on PostgreSQL one statement of the same text
            # for any document, the entries as two arrays, which the driver and the server
            # read and plan once rather than for each count of rows
            if self.connection.dialect == "postgresql" and listing:
                ids, hashes = [e for e, _ in listing], [h for _, h in listing]
                params = (feed, seen_at, ids, hashes, stale, stale)
                self._write("seen_entries", _SEEN_FROM_ARRAYS, params)
            elif listing:
                for start in range(0, len(listing), 500):
                    chunk = listing[start : start + 500]
                    self._write("seen_entries", *_seen_values(feed, chunk, seen_at, stale))
            self._write(
                "seen_entries",
                "DELETE FROM seen_entries WHERE feed = ? AND seen_at < ?",
                (feed, to_iso(now - SEEN_RETENTION)),
            )

    def counted(self, feed: str, entry_id: str) -> set[tuple[str, str]]:
        """The (pair key, canonical words) already counted from one entry of a feed."""
        rows = self.connection.execute(
            "SELECT DISTINCT pair_key, canonical FROM mentions WHERE feed = ? AND entry_id = ?",
            (feed, entry_id),
        ).fetchall()
        return {(r[0], r[1]) for r in rows}

    # mentions and pair state

    def record_mention(self, mention: Mention) -> int:
        """Store a mention with its evidence; returns its id."""
        return self.record_mentions([mention])[0]

    def record_mentions(self, mentions: Sequence[Mention]) -> list[int]:
        """Store mentions with their evidence, many to a statement; returns their ids in order."""
        with self.transaction():
            inserts = _mention_inserts(mentions, self.connection.dialect)
            return _mention_ids(self.connection.read_all(inserts))

    def pair_state(self, pair_key: str) -> PairState | None:
        """The pair's current descriptor, or None before its first mention."""
        row = self.connection.execute(
            """SELECT pair_key, descriptor, canonical, first_seen, last_seen
               FROM pair_state WHERE pair_key = ?""",
            (pair_key,),
        ).fetchone()
        if row is None:
            return None
        return PairState(row[0], row[1], row[2], from_iso(row[3]), from_iso(row[4]))

    def set_pair_state(self, mention: Mention, mention_id: int) -> None:
        """Make this mention's descriptor the pair's current one (or refresh last_seen)."""
        x, now = mention.extraction, to_iso(mention.seen_at)
        with self.transaction():
            self._write(
                "pair_state",
                """INSERT INTO pair_state (pair_key, descriptor, canonical, first_seen, last_seen,
                   mention_id) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (pair_key) DO UPDATE SET
                     first_seen = CASE WHEN canonical = excluded.canonical
                                  THEN first_seen ELSE excluded.first_seen END,
                     descriptor = excluded.descriptor, canonical = excluded.canonical,
                     last_seen = excluded.last_seen, mention_id = excluded.mention_id""",
                (x.pair.key, x.descriptor, x.canonical, now, now, mention_id),
            )

    def set_established(
        self, pair_key: str, descriptor: str, at: datetime, *, up_to: int | None = None
    ) -> None:
        """Make ``descriptor`` the pair's established words (a report confirmed by time).

        ``up_to``: the evidence is looked for among mentions with ids up to this one only
        (a document's later entries, stored with it, are not yet known to its earlier ones).
        """
        canon = canonical(descriptor)
        # the evidence: the latest mention of these words (any of the pair's, failing that)
        upto, params = _up_to(up_to)
        row = self.connection.execute(
            f"""SELECT id FROM mentions WHERE pair_key = ?{upto}
               ORDER BY (canonical = ? OR descriptor = ?) DESC, id DESC LIMIT 1""",
            (pair_key, *params, canon, descriptor),
        ).fetchone()
        if row is None:
            raise StoreError(f"no mention of {pair_key} to establish {descriptor!r} by")
        with self.transaction():
            self._write(
                "pair_state",
                """INSERT INTO pair_state (pair_key, descriptor, canonical, first_seen, last_seen,
                   mention_id) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (pair_key) DO UPDATE SET
                     first_seen = CASE WHEN canonical = excluded.canonical
                                  THEN first_seen ELSE excluded.first_seen END,
                     descriptor = excluded.descriptor, canonical = excluded.canonical,
                     last_seen = CASE WHEN last_seen > excluded.last_seen
                                 THEN last_seen ELSE excluded.last_seen END,
                     mention_id = excluded.mention_id""",
                (pair_key, descriptor, canon, to_iso(at), to_iso(at), row[0]),
            )

    # changes

    def record_change(self, change: Change) -> int:
        """Store a reported change and its sources; returns its id."""
        with self.transaction():
            cursor = self.connection.execute(
                """INSERT INTO changes (pair_key, kind, before, after, quote, speaker, level,
                   detected_at, canonical, before_canonical, revision, updated_at, before_tier,
                   after_tier, tier_arrow, span_start, span_end, status)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    change.pair.key,
                    change.kind.value,
                    change.before,
                    change.after,
                    change.quote,
                    change.speaker,
                    change.level.value,
                    to_iso(change.detected_at),
                    canonical(change.after),
                    canonical(change.before) if change.before is not None else None,
                    change.revision,
                    to_iso(change.detected_at),
                    change.before_tier,
                    change.after_tier,
                    change.tier_arrow,
                    change.span[0] if change.span else None,
                    change.span[1] if change.span else None,
                    change.status.value,
                ),
            )
            change_id = cursor.lastrowid
            assert change_id is not None
            self._insert_sources(change_id, change.sources)
            self._note_level(change_id, change.revision, change.level, change.detected_at)
        return change_id

    def _note_level(self, change_id: int, revision: int, level: Level, at: datetime) -> None:
        self.connection.execute(
            """INSERT INTO change_levels (change_id, revision, level, at) VALUES (?, ?, ?, ?)
               ON CONFLICT (change_id, revision) DO UPDATE SET level = excluded.level""",
            (change_id, revision, level.value, to_iso(at)),
        )

    def level_history(self, change_id: str) -> list[tuple[Level, datetime]]:
        """The levels a change went through, each with when it reached it, oldest first."""
        rows = self.connection.execute(
            "SELECT level, at FROM change_levels WHERE change_id = ? ORDER BY revision",
            (int(change_id),),
        ).fetchall()
        steps: list[tuple[Level, datetime]] = []
        for level, at in rows:
            if not steps or steps[-1][0].value != level:
                steps.append((Level(level), from_iso(at)))
        return steps

    def settle_change(self, change: Change, at: datetime) -> None:
        """Store a pending change's new status: established by evidence or time, or lapsed."""
        if change.change_id is None:
            raise StoreError("a change must have its id to be settled")
        with self.transaction():
            self.connection.execute(
                "UPDATE changes SET status = ?, settled_at = ? WHERE id = ?",
                (change.status.value, to_iso(at), int(change.change_id)),
            )

    def challenge_change(self, change_id: str, at: datetime) -> None:
        """Note that the established words were said again while this change was pending."""
        with self.transaction():
            self.connection.execute(
                "UPDATE changes SET challenged_at = ? WHERE id = ?", (to_iso(at), int(change_id))
            )

    def _insert_sources(self, change_id: int, sources: Iterable[Source]) -> None:
        self.connection.executemany(
            """INSERT INTO change_sources (change_id, feed, url, title, published, official)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                (change_id, s.feed, s.url, s.title, to_iso(s.published), int(s.official))
                for s in sources
            ],
        )

    def update_change(self, change: Change, now: datetime) -> None:
        """Store a later state of a reported change: its new sources, level and revision."""
        if change.change_id is None:
            raise StoreError("a change must have its id to be updated")
        change_id = int(change.change_id)
        known = {(s.feed, s.url) for s in self._sources(change_id)}
        with self.transaction():
            self.connection.execute(
                """UPDATE changes SET level = ?, revision = ?, updated_at = ?, status = ?,
                   settled_at = CASE WHEN status != ? THEN ? ELSE settled_at END
                   WHERE id = ?""",
                (
                    change.level.value,
                    change.revision,
                    to_iso(now),
                    change.status.value,
                    change.status.value,
                    to_iso(now),
                    change_id,
                ),
            )
            self._insert_sources(
                change_id, [s for s in change.sources if (s.feed, s.url) not in known]
            )
            self._note_level(change_id, change.revision, change.level, now)

    def _sources(self, change_id: int) -> tuple[Source, ...]:
        rows = self.connection.execute(
            """SELECT feed, url, title, published, official FROM change_sources
               WHERE change_id = ? ORDER BY rowid""",
            (change_id,),
        ).fetchall()
        return tuple(
            Source(r[0], r[1], r[2], from_iso(r[3]) if r[3] else None, bool(r[4])) for r in rows
        )

    _CHANGE_COLUMNS = """id, pair_key, kind, before, after, quote, speaker, level, detected_at,
        revision, before_tier, after_tier, tier_arrow, span_start, span_end, status"""

    def _change(self, row: tuple[object, ...], pair: Pair) -> Change:
        (cid, _key, kind, before, after, quote, speaker, level, detected_at, revision,
         before_tier, after_tier, tier_arrow, span_start, span_end, status) = row  # fmt: skip
        return Change(
            pair=pair,
            kind=ChangeKind(str(kind)),
            before=None if before is None else str(before),
            after=str(after),
            diff=word_diff(None if before is None else str(before), str(after)),
            quote=str(quote),
            sources=self._sources(int(str(cid))),
            detected_at=from_iso(str(detected_at)),
            speaker=None if speaker is None else str(speaker),
            span=(int(str(span_start)), int(str(span_end))) if span_start is not None else None,
            level=Level(str(level)),
            before_tier=None if before_tier is None else str(before_tier),
            after_tier=None if after_tier is None else str(after_tier),
            tier_arrow=str(tier_arrow or ""),
            change_id=str(cid),
            revision=int(str(revision)),
            status=ChangeStatus(str(status)),
        )

    def change(self, change_id: str, pair: Pair) -> Change | None:
        """A reported change by id, in its latest state, with all its sources."""
        row = self.connection.execute(
            f"SELECT {self._CHANGE_COLUMNS} FROM changes WHERE id = ?", (int(change_id),)
        ).fetchone()
        return None if row is None else self._change(row, pair)

    def changes_of(self, pair: Pair, limit: int = 10) -> list[Change]:
        """The pair's latest reported changes, newest first, each in its latest state."""
        rows = self.connection.execute(
            f"""SELECT {self._CHANGE_COLUMNS} FROM changes WHERE pair_key = ?
                ORDER BY detected_at DESC, id DESC LIMIT ?""",
            (pair.key, limit),
        ).fetchall()
        return [self._change(r, pair) for r in rows]

    def recent_changes(self, pair_key: str, limit: int = 10) -> list[StoredChange]:
        """The pair's latest reported changes, newest first."""
        rows = self.connection.execute(
            """SELECT pair_key, kind, before, after, quote, level, detected_at FROM changes
               WHERE pair_key = ? ORDER BY detected_at DESC, id DESC LIMIT ?""",
            (pair_key, limit),
        ).fetchall()
        return [StoredChange(r[0], r[1], r[2], r[3], r[4], r[5], from_iso(r[6])) for r in rows]

    # what the alert rules remember

    def remember_words(self, mention: Mention) -> None:
        """Note a mention's descriptor as used by the pair (and by its speaker) at its time."""
        x, now = mention.extraction, to_iso(mention.seen_at)
        with self.transaction():
            self._write(
                "pair_descriptors",
                """INSERT INTO pair_descriptors (pair_key, canonical, descriptor, first_seen,
                   last_seen) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (pair_key, canonical) DO UPDATE SET
                     descriptor = excluded.descriptor, last_seen = excluded.last_seen""",
                (x.pair.key, x.canonical, x.descriptor, now, now),
            )
            if x.speaker:
                self._write(
                    "speaker_state",
                    """INSERT INTO speaker_state (pair_key, speaker, descriptor, canonical,
                       first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (pair_key, speaker) DO UPDATE SET
                         first_seen = CASE WHEN canonical = excluded.canonical
                                      THEN first_seen ELSE excluded.first_seen END,
                         descriptor = excluded.descriptor, canonical = excluded.canonical,
                         last_seen = excluded.last_seen""",
                    (x.pair.key, x.speaker, x.descriptor, x.canonical, now, now),
                )

    def pair_history(self, pair: Pair, *, recent: int = 10) -> PairHistory:
        """What the alert rules need to know of ``pair``: state, recent words, last changes.

        Its ``heard`` is left empty: ``heard`` gives it for the words about to be decided.
        """
        return self.pair_histories([pair], recent=recent)[pair.key]

    def pair_histories(self, pairs: Iterable[Pair], *, recent: int = 10) -> dict[str, PairHistory]:
        """``pair_history`` of each pair (by key), read for all of them in a few statements."""
        return self.histories_and_mentions(pairs, (), recent=recent)[0]

    def histories_and_mentions(
        self, pairs: Iterable[Pair], mentions: Sequence[Mention], *, recent: int = 10
    ) -> tuple[dict[str, PairHistory], list[int]]:
        """``pair_histories`` of ``pairs``, as they were before ``mentions``, then
        ``record_mentions`` of these (their ids, in order): on PostgreSQL, in a document's
        pipeline, one round trip for both, so that a document holds its pairs' locks for one
        trip less."""
        histories, ids, _ = self.histories_and_mentions_with(pairs, mentions, (), recent=recent)
        return histories, ids

    def histories_and_mentions_with(
        self,
        pairs: Iterable[Pair],
        mentions: Sequence[Mention],
        reads: Sequence[tuple[str, Params]],
        *,
        recent: int = 10,
    ) -> tuple[dict[str, PairHistory], list[int], list[list[Any]]]:
        """``histories_and_mentions``, and the rows of other ``reads`` sent in the same round
        trip on PostgreSQL (before the mentions are stored)."""
        by_key = {p.key: p for p in pairs}
        keys = list(by_key)
        history_reads = self._history_reads(keys, recent) if keys else []
        inserts = _mention_inserts(mentions, self.connection.dialect)
        with self.transaction():
            rows = self.connection.read_all([*history_reads, *reads, *inserts])
        first_insert = len(history_reads) + len(reads)
        ids = _mention_ids(rows[first_insert:])
        answers = rows[len(history_reads) : first_insert]
        if not keys:
            return {}, ids, answers
        words, speakers, latest, states = rows[: len(history_reads)]
        return self._histories(by_key, words, speakers, latest, states), ids, answers

    def _history_reads(self, keys: Sequence[str], recent: int) -> list[tuple[str, Params]]:
        """The four reads of ``pair_histories``, sent together: on PostgreSQL one round trip
        in a document's pipeline."""
        marks = ", ".join("?" * len(keys))
        return [
            (
                f"""SELECT pair_key, canonical, descriptor, last_seen FROM (
                      SELECT pair_key, canonical, descriptor, last_seen, ROW_NUMBER() OVER (
                        PARTITION BY pair_key ORDER BY last_seen DESC, canonical) AS n
                      FROM pair_descriptors WHERE pair_key IN ({marks})) AS ranked
                    WHERE n <= ? ORDER BY pair_key, n""",
                (*keys, recent),
            ),
            (
                f"""SELECT pair_key, speaker, descriptor, canonical, first_seen, last_seen
                    FROM speaker_state WHERE pair_key IN ({marks})
                    ORDER BY pair_key, speaker""",
                keys,
            ),
            # each pair's latest change and latest asymmetry
            (
                f"""SELECT {self._CHANGE_COLUMNS}, challenged_at FROM (
                      SELECT {self._CHANGE_COLUMNS}, challenged_at, ROW_NUMBER() OVER (
                        PARTITION BY pair_key, kind = ? ORDER BY detected_at DESC, id DESC
                      ) AS n
                      FROM changes WHERE pair_key IN ({marks})) AS ranked
                    WHERE n = 1""",
                (ChangeKind.ASYMMETRY.value, *keys),
            ),
            (
                f"""SELECT pair_key, descriptor, canonical, first_seen, last_seen
                    FROM pair_state WHERE pair_key IN ({marks})""",
                keys,
            ),
        ]

    def _histories(
        self,
        by_key: Mapping[str, Pair],
        words: list[Any],
        speakers: list[Any],
        latest: list[Any],
        states: list[Any],
    ) -> dict[str, PairHistory]:
        """Each pair's history from the rows of ``_history_reads``."""
        # the rows grouped by pair once, in the order they were read
        asymmetry_kind = ChangeKind.ASYMMETRY.value
        changes = {r[1]: r for r in latest if r[2] != asymmetry_kind}
        asymmetries = {r[1]: r for r in latest if r[2] == asymmetry_kind}
        state_of = {r[0]: r for r in states}
        words_of: dict[str, list[SeenDescriptor]] = {}
        for r in words:
            words_of.setdefault(r[0], []).append(SeenDescriptor(r[1], r[2], from_iso(r[3])))
        speakers_of: dict[str, list[SpeakerState]] = {}
        for r in speakers:
            speakers_of.setdefault(r[0], []).append(
                SpeakerState(r[0], r[1], r[2], r[3], from_iso(r[4]), from_iso(r[5]))
            )
        histories = {}
        for key, pair in by_key.items():
            change, asymmetry, state = changes.get(key), asymmetries.get(key), state_of.get(key)
            histories[key] = PairHistory(
                challenged_at=from_iso(change[-1]) if change and change[-1] else None,
                current=PairState(
                    state[0], state[1], state[2], from_iso(state[3]), from_iso(state[4])
                )
                if state
                else None,
                recent=tuple(words_of.get(key, ())),
                speakers=tuple(speakers_of.get(key, ())),
                latest_change=self._change(change[:-1], pair) if change else None,
                latest_asymmetry=self._change(asymmetry[:-1], pair) if asymmetry else None,
            )
        return histories

    def heard(
        self, pair_key: str, canon: str, since: datetime, *, up_to: int | None = None
    ) -> tuple[Heard, ...]:
        """The pair's mentions of these (canonical) words since ``since``, newest first;
        only those with ids up to ``up_to`` when it is given (see ``set_established``)."""
        upto, params = _up_to(up_to)
        rows = self.connection.execute(
            f"""SELECT canonical, feed, entry_id, entry_url, entry_title, published, official,
               seen_at FROM mentions WHERE pair_key = ? AND canonical = ? AND seen_at >= ?{upto}
               ORDER BY seen_at DESC, id DESC LIMIT 500""",
            (pair_key, canon, to_iso(since), *params),
        ).fetchall()
        return tuple(
            Heard(r[0], r[2], Source(r[1], r[3], r[4], from_iso(r[5] or None), bool(r[6])),
                  from_iso(r[7]))
            for r in rows
        )  # fmt: skip

    def record_decision(
        self, pair_key: str, at: datetime, outcome: str, reason: str, change_id: str | None
    ) -> None:
        """Remember the last decision taken for a pair, for "why"."""
        with self.transaction():
            self._write(
                "pair_decisions",
                """INSERT INTO pair_decisions (pair_key, decided_at, outcome, reason, change_id)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (pair_key) DO UPDATE SET decided_at = excluded.decided_at,
                     outcome = excluded.outcome, reason = excluded.reason,
                     change_id = excluded.change_id""",
                (pair_key, to_iso(at), outcome, reason, int(change_id) if change_id else None),
            )

    def last_decision(self, pair_key: str) -> tuple[str, str, datetime] | None:
        """The last decision for a pair as (outcome, reason, when), or None."""
        row = self.connection.execute(
            "SELECT outcome, reason, decided_at FROM pair_decisions WHERE pair_key = ?",
            (pair_key,),
        ).fetchone()
        return None if row is None else (row[0], row[1], from_iso(row[2]))

    # a pair's story (read only; see watchers.history)

    def mentions_of(self, pair_key: str, since: datetime | None = None) -> list[StoredMention]:
        """Every stored mention of a pair, oldest first; from ``since`` (article time) on."""
        rows = self.connection.execute(
            """SELECT descriptor, canonical, speaker, feed, entry_id, entry_url, entry_title,
                      published, official, seen_at
               FROM mentions WHERE pair_key = ? ORDER BY COALESCE(published, seen_at), id""",
            (pair_key,),
        ).fetchall()
        found = [
            StoredMention(
                descriptor=r[0],
                canonical=r[1],
                speaker=r[2],
                feed=r[3],
                entry_id=r[4],
                url=r[5],
                title=r[6],
                published=from_iso(r[7]) if r[7] else None,
                official=bool(r[8]),
                seen_at=from_iso(r[9]),
            )
            for r in rows
        ]
        return found if since is None else [m for m in found if m.at >= since]


def _mention_inserts(mentions: Sequence[Mention], dialect: str) -> list[tuple[str, Params]]:
    """Statements storing ``mentions``, each returning their ids: on PostgreSQL one, of the
    same text however many there are (a column of rows to each array); on SQLite 500 rows to
    a statement."""
    if dialect == "postgresql":
        columns = [list(c) for c in zip(*map(_mention_row, mentions), strict=True)]
        return [(_MENTIONS_FROM_ARRAYS, columns)] if mentions else []
    inserts: list[tuple[str, Params]] = []
    for start in range(0, len(mentions), 500):
        chunk = mentions[start : start + 500]
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        inserts.append(
            (
                f"INSERT INTO mentions ({_MENTION_COLUMNS}) VALUES {values} RETURNING id",
                [value for m in chunk for value in _mention_row(m)],
            )
        )
    return inserts


def _mention_ids(answers: Sequence[list[Any]]) -> list[int]:
    """The ids the statements of ``_mention_inserts`` returned, in the order of the mentions."""
    # Ids are drawn as the rows go in, in the order of the mentions (on PostgreSQL the
    # insert orders them: see _MENTIONS_FROM_ARRAYS); RETURNING does not promise that order.
    return [i for rows in answers for i in sorted(int(r[0]) for r in rows)]
