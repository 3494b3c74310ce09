"""The one migration helper every store opens through: ordered steps, each run once."""

from __future__ import annotations

import sqlite3

import pytest

from watchers.errors import StoreError
from watchers.migrations import DatabaseLedger, migrate

STEPS = (
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    "ALTER TABLE notes ADD COLUMN author TEXT; CREATE INDEX notes_by_author ON notes (author)",
)


def columns(conn: sqlite3.Connection) -> list[str]:
    return [row[1] for row in conn.execute("PRAGMA table_info(notes)")]


def test_steps_run_in_order_once_each(conn: sqlite3.Connection) -> None:
    ledger = DatabaseLedger(conn)
    assert migrate(ledger, "notes", STEPS[:1]) == 0
    conn.execute("INSERT INTO notes (text) VALUES ('kept')")
    conn.commit()

    assert migrate(ledger, "notes", STEPS) == 1
    assert migrate(ledger, "notes", STEPS) == 2

    assert columns(conn) == ["id", "text", "author"]
    assert conn.execute("SELECT text, author FROM notes").fetchall() == [("kept", None)]
    assert ledger.version("notes") == 2


def test_components_keep_their_own_versions_in_one_file(conn: sqlite3.Connection) -> None:
    ledger = DatabaseLedger(conn)
    migrate(ledger, "notes", STEPS)
    migrate(ledger, "other", ("CREATE TABLE other (x INTEGER)",))
    assert (ledger.version("notes"), ledger.version("other"), ledger.version("none")) == (
        2,
        1,
        None,
    )


def test_a_failing_step_leaves_nothing_of_itself(conn: sqlite3.Connection) -> None:
    ledger = DatabaseLedger(conn)
    broken = (*STEPS, "ALTER TABLE notes ADD COLUMN tag TEXT; ALTER TABLE missing ADD x TEXT")
    with pytest.raises(StoreError, match="cannot bring the notes tables to version 3"):
        migrate(ledger, "notes", broken)
    assert ledger.version("notes") == 2
    assert columns(conn) == ["id", "text", "author"]


def test_a_database_newer_than_the_program_is_refused(conn: sqlite3.Connection) -> None:
    migrate(DatabaseLedger(conn), "notes", STEPS)
    with pytest.raises(StoreError, match="notes tables are at version 2, newer than this"):
        migrate(DatabaseLedger(conn), "notes", STEPS[:1])


def test_an_older_marker_is_adopted_once(conn: sqlite3.Connection) -> None:
    conn.executescript(f"BEGIN; {STEPS[0]}; COMMIT;")  # as an older program left it
    asked: list[int] = []

    def adopt() -> int:
        asked.append(1)
        return 1

    assert migrate(DatabaseLedger(conn), "notes", STEPS, adopt=adopt) == 1
    assert migrate(DatabaseLedger(conn), "notes", STEPS, adopt=adopt) == 2
    assert asked == [1]
    assert columns(conn) == ["id", "text", "author"]
