"""One database seam for every store: SQLite by default, PostgreSQL for scale.

The stores write SQLite's dialect against a ``Database``, which mirrors the parts of
``sqlite3.Connection`` they use (``execute``, ``executemany``, ``executescript``, ``with db:``
for a transaction, ``lastrowid``, ``rowcount``). On PostgreSQL it translates the few
differences, so that the same store classes and the same ordered migration steps run on both:

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- in ``ON CONFLICT ... DO UPDATE``, a bare column on the right of ``=`` names the row already
  there (SQLite's reading; PostgreSQL calls it ambiguous), so it is qualified with the table;
- in DDL, ``INTEGER`` becomes ``BIGINT``, ``INTEGER PRIMARY KEY`` an identity column, and
  every table gets a last column ``rowid`` (an identity, or a copy of its integer key), so
  ``ORDER BY rowid`` keeps insertion order as in SQLite;
- ``PRAGMA user_version`` reads and sets the one row of a ``schema_version`` table; the
  other PRAGMAs (journal mode, foreign keys) have no meaning there and are skipped;
- ``lastrowid`` is the last identity the connection drew (``lastval()``);
- a transaction that changes the schema, or reads ``user_version``, first takes a lock on
  the schema, so that processes starting together migrate one after the other.

Either database's errors come out as ``DatabaseError``, a ``StoreError``.

Transactions are as in ``sqlite3``: a write outside ``with db:`` opens one that the next
``with`` block ends; on PostgreSQL ``with db:`` opens it at once, so what the block reads is
read in the same transaction as what it writes, and ``lock()`` holds until it ends.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

from watchers.errors import DatabaseError

Dialect = Literal["sqlite", "postgresql"]
Params = Sequence[Any]


def is_postgres_url(target: str) -> bool:
    """Whether a ``[store]`` location names a PostgreSQL server rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def redact(target: str) -> str:
    """A store location safe to log: a URL's password is replaced by ``***``."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", target)


def as_database(connection: Database | sqlite3.Connection) -> Database:
    """A store's connection as a ``Database`` (a bare ``sqlite3`` connection is wrapped)."""
    if isinstance(connection, sqlite3.Connection):
        return SqliteDatabase(connection)
    return connection


class Cursor:
    """The rows of one statement, and what it changed."""

    def __init__(
        self,
        rows: list[tuple[Any, ...]],
        rowcount: int | Callable[[], int],
        lastrowid: Any = None,
        description: Sequence[tuple[Any, ...]] | None = None,
    ) -> None:
        self.description = description
        """One tuple per column of the rows, its name first (as in sqlite3); None for none."""
        self._rows = rows
        self._next = 0
        self._rowcount = rowcount
        self._lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        """How many rows the statement changed (-1 when the driver does not say)."""
        if callable(self._rowcount):
            self._rowcount = self._rowcount()  # a write sent in a pipeline: its answer
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        """The id the last INSERT gave its row (for a table with an integer id)."""
        if callable(self._lastrowid):
            self._lastrowid = self._lastrowid()  # asked once, on PostgreSQL
        return None if self._lastrowid is None else int(self._lastrowid)

    # Any, as in sqlite3: the stores know the shape of the rows they ask for.
    def fetchone(self) -> Any:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        """The rows not fetched yet."""
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())


class Database(Protocol):
    """A connection to the store's database, speaking SQLite's dialect on both kinds."""

    dialect: Dialect

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement."""
        ...

    def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        """Run one statement for each row of parameters."""
        ...

    def read_all(self, reads: Sequence[tuple[str, Params]]) -> list[list[Any]]:
        """Run several reads (statements with no side effect); the rows of each, in order.
        In a ``pipeline`` they are sent together and answered in one round trip."""
        ...

    def write_alone(self, sql: str, params: Params = ()) -> None:
        """Run one write, kept whole or not at all by itself; inside an open transaction it
        joins that transaction instead."""
        ...

    def executescript(self, script: str) -> None:
        """Run several statements separated by ``;`` (a migration step)."""
        ...

    def tables(self) -> list[str]:
        """The names of the stores' tables."""
        ...

    def columns(self, table: str) -> list[str]:
        """A table's columns, in order (PostgreSQL's hidden ``rowid`` left out)."""
        ...

    def resume_ids(self) -> None:
        """After rows were inserted with their ids (an import), new rows get the next ids."""
        ...

    def lock(self, key: str) -> None:
        """Hold a lock on ``key`` until the current transaction ends (other processes wait)."""
        ...

    def pipeline(self) -> contextlib.AbstractContextManager[None]:
        """Inside the block, writes are sent without waiting for each answer: on PostgreSQL
        they go in one round trip when it ends (their errors come out there), and a read
        waits for the writes before it. Nothing changes on SQLite."""
        ...

    def lock_all(self, keys: Sequence[str]) -> None:
        """Hold locks on ``keys``, taken in the order given, in one statement (see ``lock``)."""
        ...

    def commit(self) -> None:
        """End the current transaction, keeping its writes."""
        ...

    def rollback(self) -> None:
        """End the current transaction, dropping its writes."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        ...

    def __enter__(self) -> Database:
        """Open a transaction (or join the one open): the block's writes are kept together."""
        ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """End the transaction the outermost block opened: commit, or roll back on error."""
        ...


def open_database(target: str | Path) -> Database:
    """Connect to a PostgreSQL URL, or open (creating its folder) a SQLite file."""
    location = str(target)
    if is_postgres_url(location):
        return PostgresDatabase.connect(location)
    return SqliteDatabase.connect(location)


@contextlib.contextmanager
def _failures(driver_error: type[Exception]) -> Iterator[None]:
    """The driver's errors raised inside the block, as ``DatabaseError``."""
    try:
        yield
    except driver_error as e:
        raise DatabaseError(f"the store failed: {e}") from e


def _sqlite_errors() -> contextlib.AbstractContextManager[None]:
    return _failures(sqlite3.Error)


def _postgres_errors() -> contextlib.AbstractContextManager[None]:
    import psycopg

    return _failures(psycopg.Error)


class SqliteDatabase:
    """SQLite through the standard library, as the stores were written for."""

    dialect: Dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.raw = connection

    @classmethod
    def connect(cls, path: str) -> SqliteDatabase:
        """Open a SQLite file (or ``:memory:``) with foreign keys on and WAL journaling."""
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous=NORMAL stays consistent after a crash; a power cut may lose
            # the last commits, which the next poll reads again from the feeds
            connection.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as e:
            raise DatabaseError(f"cannot open the store at {path}: {e}") from e
        return cls(connection)

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        with _sqlite_errors():
            cursor = self.raw.execute(sql, tuple(params))
            rows = cursor.fetchall()
            return Cursor(rows, cursor.rowcount, cursor.lastrowid, cursor.description)

    def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        with _sqlite_errors():
            cursor = self.raw.executemany(sql, [tuple(r) for r in rows])
            return Cursor([], cursor.rowcount, cursor.lastrowid)

    def read_all(self, reads: Sequence[tuple[str, Params]]) -> list[list[Any]]:
        return [self.execute(sql, params).fetchall() for sql, params in reads]

    def write_alone(self, sql: str, params: Params = ()) -> None:
        if self.raw.in_transaction:  # inside an open transaction the write joins it
            self.execute(sql, params)
            return
        with self:  # sqlite3 opens a transaction before a write: commit it
            self.execute(sql, params)

    def executescript(self, script: str) -> None:
        with _sqlite_errors():
            self.raw.executescript(script)

    def tables(self) -> list[str]:
        rows = self.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self.execute(f'PRAGMA table_info("{table}")').fetchall()]

    def resume_ids(self) -> None:
        pass  # SQLite gives a new row the id after the largest there by itself

    def lock(self, key: str) -> None:
        pass  # SQLite lets one writer at a time in anyway

    def lock_all(self, keys: Sequence[str]) -> None:
        pass

    def pipeline(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # each statement is a call into the library, no trip

    def commit(self) -> None:
        with _sqlite_errors():
            self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with _sqlite_errors():
            self.raw.__exit__(kind, error, trace)


def _connect(url: str) -> Any:
    """A psycopg connection in autocommit (transactions are opened by the seam, as sqlite3
    opens them) whose commits do not wait for the disk.

    As with SQLite's ``synchronous = NORMAL``, a crash of the server may lose the last
    fraction of a second of commits (never a part of one): the next poll reads those
    entries again, and an alert whose delivery record was lost is posted again. Waiting for
    the disk cost about 5 ms a commit on the development machine, most of a worker's time
    on an unchanged feed.
    """
    import psycopg

    connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
    connection.execute("SET synchronous_commit = off")
    return connection


class PostgresDatabase:
    """PostgreSQL through psycopg 3, translating the stores' SQLite dialect."""

    dialect: Dialect = "postgresql"

    def __init__(self, connection: Any, location: str) -> None:
        self.raw = connection
        self.location = location
        self._depth = 0
        self._pipeline: Any = None

    @classmethod
    def connect(cls, url: str) -> PostgresDatabase:
        """Connect to a PostgreSQL URL (``postgresql://user@host:port/database``)."""
        import psycopg

        try:
            connection = _connect(url)
        except psycopg.Error as e:
            raise DatabaseError(f"cannot open the store at {redact(url)}: {e}") from e
        return cls(connection, url)

    def _run(self, sql: str, params: Params) -> Cursor:
        self._reconnect_if_lost()
        with _postgres_errors():
            return self._statement(_one_statement(sql), params)

    def _statement(self, statement: str, params: Params) -> Cursor:
        pragma = _PRAGMA.match(statement)
        if pragma:
            return self._pragma(pragma.group(1).lower(), pragma.group(2))
        verb = statement.split(None, 1)[0].upper() if statement else ""
        if verb == "BEGIN":
            if not self.in_transaction:
                self.raw.execute("BEGIN")
            return Cursor([], -1)
        if verb in ("COMMIT", "END"):
            self.commit()
            return Cursor([], -1)
        if verb in _WRITES and not self.in_transaction:
            self.raw.execute("BEGIN")  # as sqlite3 does before a write
        if verb in _SCHEMA_CHANGES and self.in_transaction:
            self._lock_schema()
        cursor = self.raw.execute(to_postgres(statement), tuple(params))
        if self._pipeline is not None:
            if verb in _WRITES and " RETURNING " not in statement.upper():
                # its answer comes when the pipeline is sent; asked for before, it is waited for
                lastrowid = self._lastval if verb == "INSERT" else None
                return Cursor([], lambda: self._answered(cursor).rowcount, lastrowid)
            self._pipeline.sync()  # a read waits for its answer, and the writes' before it
        columns = cursor.description  # built anew on each read: read once
        rows = cursor.fetchall() if columns else []
        lastrowid = self._lastval if verb == "INSERT" else None
        names = [(c.name,) for c in columns] if columns else None
        return Cursor(rows, cursor.rowcount, lastrowid, names)

    def _answered(self, cursor: Any) -> Any:
        """A cursor of a write sent in a pipeline, once its answer came."""
        if self._pipeline is not None:
            self._pipeline.sync()
        return cursor

    def _reconnect_if_lost(self) -> None:
        """Connect again after the server went away (a restart, a failover, an idle timeout).

        The statement that found the connection lost failed; the next one, outside a
        transaction, runs on a new connection. Inside one, the transaction is gone: its
        block fails, and the one after it reconnects.
        """
        import psycopg

        if not (self.raw.closed or self.raw.broken) or self._depth > 0:
            return
        try:
            self.raw = _connect(self.location)
        except psycopg.Error as e:
            raise DatabaseError(f"cannot reach the store at {redact(self.location)}: {e}") from e

    def _lastval(self) -> int | None:
        import psycopg

        try:
            with self.raw.transaction():  # a savepoint: a table without an id is no error
                row = self.raw.execute("SELECT lastval()").fetchone()
        except psycopg.Error:
            return None
        return None if row is None else int(row[0])

    def _lock_schema(self) -> None:
        """Hold the schema until this transaction ends: processes starting at once (workers)
        migrate one after the other, and each sees what the one before it did."""
        self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_id("schema"),))

    def _pragma(self, name: str, value: str | None) -> Cursor:
        if name != "user_version":
            return Cursor([], -1)  # journal mode, foreign keys, ...: SQLite's own business
        if self.in_transaction:
            self._lock_schema()  # a migration step reads the version it starts from
        if value is None:
            (table,) = self.raw.execute("SELECT to_regclass('schema_version')").fetchone()
            row = table and self.raw.execute("SELECT version FROM schema_version").fetchone()
            return Cursor([(int(row[0]) if row else 0,)], 1)
        self.raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        row = self.raw.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            self.raw.execute("INSERT INTO schema_version (version) VALUES (%s)", (int(value),))
        else:
            self.raw.execute("UPDATE schema_version SET version = %s", (int(value),))
        return Cursor([], 1)

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        batch = [tuple(r) for r in rows]
        if not batch:
            return Cursor([], 0)
        statement = _one_statement(sql)
        self._reconnect_if_lost()
        with _postgres_errors():
            if not self.in_transaction:
                self.raw.execute("BEGIN")  # as sqlite3 does before a write
            with self.raw.cursor() as cursor:
                cursor.executemany(to_postgres(statement), batch)
                return Cursor([], cursor.rowcount)

    def read_all(self, reads: Sequence[tuple[str, Params]]) -> list[list[Any]]:
        if self._pipeline is None:
            return [self.execute(sql, params).fetchall() for sql, params in reads]
        with _postgres_errors():
            cursors = [
                self.raw.execute(to_postgres(_one_statement(sql)), tuple(params))
                for sql, params in reads
            ]
            self._pipeline.sync()  # one round trip answers them all
            return [cursor.fetchall() for cursor in cursors]

    def write_alone(self, sql: str, params: Params = ()) -> None:
        if self._depth > 0 or self.in_transaction:
            self._run(sql, params)
            return
        # PostgreSQL keeps one statement whole by itself: a BEGIN and a COMMIT around it would
        # be two more round trips, which a worker's poll of an unchanged feed mostly was
        self._reconnect_if_lost()
        with _postgres_errors():
            self.raw.execute(to_postgres(_one_statement(sql)), tuple(params))

    def executescript(self, script: str) -> None:
        for statement in split_statements(script):
            self._run(statement, ())

    def tables(self) -> list[str]:
        rows = self.execute(
            """SELECT table_name FROM information_schema.tables
               WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name != 'schema_version' ORDER BY table_name"""
        ).fetchall()
        return [str(r[0]) for r in rows]

    def columns(self, table: str) -> list[str]:
        rows = self.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = ? AND column_name != 'rowid'
               ORDER BY ordinal_position""",
            (table,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def resume_ids(self) -> None:
        rows = self.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema() AND is_identity = 'YES'"""
        ).fetchall()
        for table, column in rows:
            # the next id is one past the largest there (1 in an empty table)
            self.execute(
                f"""SELECT setval(pg_get_serial_sequence('"{table}"', '{column}'),
                   COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)"""
            )

    def lock(self, key: str) -> None:
        if not self.in_transaction:
            raise DatabaseError("a lock is only held inside a transaction")
        self._run("SELECT pg_advisory_xact_lock(?)", (_lock_id(key),))

    def lock_all(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        if not self.in_transaction:
            raise DatabaseError("a lock is only held inside a transaction")
        # the locks are taken as unnest yields the sorted keys; PostgreSQL does not promise
        # that order, but were two polls ever to lock in different orders it would find the
        # deadlock and fail one of them, whose feed is polled again
        sql = "SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k"
        ids = [_lock_id(key) for key in keys]
        if self._pipeline is not None:  # nothing to read: held once the next read answers
            with _postgres_errors():
                self.raw.execute(to_postgres(sql), (ids,))
            return
        self._run(sql, (ids,))

    @contextlib.contextmanager
    def pipeline(self) -> Iterator[None]:
        if self._pipeline is not None:
            yield
            return
        self._reconnect_if_lost()
        with _postgres_errors(), self.raw.pipeline() as pipeline:
            self._pipeline = pipeline
            try:
                yield
            finally:
                self._pipeline = None

    def commit(self) -> None:
        if self.in_transaction:
            with _postgres_errors():
                self.raw.execute("COMMIT")

    def rollback(self) -> None:
        import psycopg

        if self.in_transaction:
            # a broken connection has no transaction left to keep
            with contextlib.suppress(psycopg.Error):
                self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        status = self.raw.info.transaction_status
        return status in (
            TransactionStatus.ACTIVE,
            TransactionStatus.INTRANS,
            TransactionStatus.INERROR,
        )

    def __enter__(self) -> Database:
        if self._depth == 0 and not self.in_transaction:
            self._run("BEGIN", ())
        self._depth += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return  # the outermost block ends the transaction
        if kind is None:
            self.commit()
        else:
            self.rollback()


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
_SCHEMA_CHANGES = frozenset({"CREATE", "ALTER", "DROP"})
_PRAGMA = re.compile(r"(?is)^PRAGMA\s+(\w+)\s*(?:=\s*(\w+))?$")


def _lock_id(key: str) -> int:
    """A stable 32-bit number for an advisory lock key."""
    return zlib.crc32(key.encode("utf-8"))


def _one_statement(sql: str) -> str:
    """A statement without the blank space and the semicolon around it."""
    return sql.strip().rstrip(";").strip()


SESSION_LOCKS = 0x7077
"""The first number of PostgreSQL's two-number advisory locks that the stores hold for a
session (a feed being polled): a key space apart from the transaction locks' single numbers."""


def session_lock_id(key: str) -> int:
    """The second number of a session lock on ``key``: stable, and within PostgreSQL's int."""
    return zlib.crc32(key.encode("utf-8")) - 2**31


# --- translating the SQLite dialect ----------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<string>'(?:[^']|'')*')
      | (?P<quoted>"(?:[^"]|"")*")
      | (?P<comment>--[^\n]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)

# Words that are never a column in the right-hand side of an upsert's SET or WHERE.
_KEYWORDS = frozenset(
    {
        *("AND", "OR", "NOT", "NULL", "IS", "IN", "CASE", "WHEN", "THEN", "ELSE", "END"),
        *("TRUE", "FALSE", "LIKE", "BETWEEN", "EXCLUDED", "WHERE", "SET", "DO", "UPDATE"),
        *("NOTHING", "ON", "CONFLICT", "RETURNING", "AS", "DISTINCT"),
    }
)


def _tokens(sql: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(sql)]


def split_statements(script: str) -> list[str]:
    """The statements of a script, split at each ``;`` outside quotes and comments."""
    statements: list[str] = []
    current: list[str] = []
    for kind, text in _tokens(script):
        if kind == "other" and text == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(text)
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


@functools.lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """One statement of the stores' SQLite dialect, in PostgreSQL's (kept: the stores say the
    same few hundred statements over and over)."""
    tokens = _tokens(sql)
    words = [t.upper() for kind, t in tokens if kind == "word"]
    if words[:2] in (["CREATE", "TABLE"], ["ALTER", "TABLE"]):
        tokens = _ddl(tokens, create=words[0] == "CREATE")
    elif words[:1] == ["INSERT"]:
        tokens = _insert(tokens)
    tokens = _null_safe(tokens)
    out = []
    for kind, text in tokens:
        if kind == "other" and text == "?":
            out.append("%s")
        elif kind in ("string", "quoted", "comment", "other"):
            out.append(text.replace("%", "%%"))
        else:
            out.append(text)
    return "".join(out)


def _null_safe(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """SQLite's ``a IS b`` and ``a IS NOT b`` (equal or not, NULL alike) in PostgreSQL's words."""
    significant = [i for i, (k, _) in enumerate(tokens) if k not in ("space", "comment")]
    words = [tokens[i][1].upper() if tokens[i][0] == "word" else "" for i in significant]
    plain = {"NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN"}
    out = list(tokens)
    for n, i in enumerate(significant):
        if words[n] != "IS" or n + 1 >= len(words):
            continue
        if words[n + 1] == "NOT" and n + 2 < len(words) and words[n + 2] not in plain:
            out[i] = ("word", "IS DISTINCT FROM")
            out[significant[n + 1]] = ("word", "")
        elif words[n + 1] not in plain and words[n + 1] != "NOT":
            out[i] = ("word", "IS NOT DISTINCT FROM")
    return out


def _ddl(tokens: list[tuple[str, str]], *, create: bool) -> list[tuple[str, str]]:
    """INTEGER as BIGINT, INTEGER PRIMARY KEY as an identity, and a ``rowid`` if none."""
    significant = [i for i, (k, _) in enumerate(tokens) if k not in ("space", "comment")]
    id_column: str | None = None
    drop: set[int] = set()
    for n, i in enumerate(significant):
        if tokens[i][0] != "word" or tokens[i][1].upper() != "INTEGER":
            continue
        following = [tokens[j][1].upper() for j in significant[n + 1 : n + 4]]
        if following[:2] == ["PRIMARY", "KEY"]:
            id_column = tokens[significant[n - 1]][1]
            tokens[i] = ("word", "BIGINT GENERATED BY DEFAULT AS IDENTITY")
            if following[2:3] == ["AUTOINCREMENT"]:
                drop.add(significant[n + 3])
        else:
            tokens[i] = ("word", "BIGINT")
    out = [t for i, t in enumerate(tokens) if i not in drop]
    if create:
        # The table's columns end at its last ")": a rowid for insertion order goes there. In
        # SQLite an integer primary key is the rowid; here it is a copy of that column.
        rowid = (
            f"rowid BIGINT GENERATED ALWAYS AS ({id_column}) STORED"
            if id_column
            else "rowid BIGINT GENERATED BY DEFAULT AS IDENTITY"
        )
        last = max(i for i, (k, t) in enumerate(out) if k == "other" and t == ")")
        out.insert(last, ("word", f", {rowid}"))
    return out


def _insert(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """INSERT OR IGNORE as ON CONFLICT DO NOTHING; upsert columns read from the table."""
    words = [(i, t.upper()) for i, (k, t) in enumerate(tokens) if k == "word"]
    if [w for _, w in words[1:3]] == ["OR", "IGNORE"]:
        drop = {words[1][0], words[1][0] + 1, words[2][0], words[2][0] + 1}  # with spaces
        tokens = [t for i, t in enumerate(tokens) if i not in drop]
        return [*tokens, ("space", " "), ("word", "ON CONFLICT DO NOTHING")]
    if [w for _, w in words[1:3]] == ["OR", "REPLACE"]:
        raise DatabaseError("INSERT OR REPLACE has no PostgreSQL form here; use an upsert")
    upper = [t.upper() if k == "word" else t for k, t in tokens]
    try:
        start = next(
            i
            for i in range(len(tokens))
            if upper[i] == "UPDATE" and "DO" in upper[max(0, i - 2) : i]
        )
    except StopIteration:
        return tokens
    table = next(t for i, (k, t) in enumerate(tokens) if k == "word" and i > words[1][0])
    return tokens[: start + 1] + _qualify(tokens[start + 1 :], table)


def _qualify(tokens: list[tuple[str, str]], table: str) -> list[tuple[str, str]]:
    """Bare columns of an upsert's SET values and WHERE, as columns of ``table``."""
    out = []
    depth = 0
    target = True  # the next word at depth 0 after SET or "," is a column being set
    significant = [i for i, (k, _) in enumerate(tokens) if k not in ("space", "comment")]
    for position, i in enumerate(significant):
        kind, text = tokens[i]
        before = tokens[significant[position - 1]][1] if position else ""
        after = tokens[significant[position + 1]][1] if position + 1 < len(significant) else ""
        if kind == "other":
            depth += text == "("
            depth -= text == ")"
            if text == "," and depth == 0:
                target = True
        elif kind == "word":
            upper = text.upper()
            if upper in ("SET", "WHERE"):
                target = upper == "SET"
            elif target and depth == 0 and after == "=":
                target = False
            elif (
                upper not in _KEYWORDS
                and before != "."
                and after not in (".", "(")
                and upper != "RETURNING"
            ):
                tokens[i] = ("word", f"{table}.{text}")
    out = tokens
    return out
