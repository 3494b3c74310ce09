"""One way every store creates and upgrades its tables: ordered steps, each run once.

A store names its *component* (``history``, ``chat``) and lists its steps: step ``i`` moves
the component's tables from version ``i - 1`` to ``i``. A step, once released, is never
edited; a change of schema is a new step at the end. ``migrate`` runs the steps a database
has not run yet, each in its own transaction with the version it reaches, and refuses a
database newer than the program.

Where a database keeps its versions is a ``Ledger``. ``DatabaseLedger`` keeps one row per
component in ``schema_versions``, not the file's single ``PRAGMA user_version``: the history
and chat stores share one database, so one number cannot say where both are. It runs on
SQLite and on PostgreSQL alike through ``watchers.db``, which reads the steps' SQLite
dialect on PostgreSQL; there, processes starting together (workers) take the steps one
after the other, and a step another process took meanwhile is not taken again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Protocol

from watchers.db import Database, as_database
from watchers.errors import DatabaseError, StoreError

Step = str
"""The SQL statements of one step, separated by ``;``, with no parameters."""


class Ledger(Protocol):
    """Where a database keeps the schema version of each component, and runs steps."""

    def version(self, component: str) -> int | None:
        """The component's version, or None when the ledger has never seen it."""
        ...

    def run(self, component: str, version: int, step: Step) -> None:
        """Run one step (none when empty) and record ``version``, in one transaction."""
        ...


def migrate(
    ledger: Ledger,
    component: str,
    steps: Sequence[Step],
    *,
    adopt: Callable[[], int] | None = None,
) -> int:
    """Bring ``component`` up to ``len(steps)``; returns the version it was at.

    ``adopt`` tells the version of a database written before the ledger kept it (read from
    the markers older programs left); it is asked only when the ledger has no entry.
    """
    found = ledger.version(component)
    adopted = found is None and adopt is not None
    if found is None:
        found = adopt() if adopt is not None else 0
    if found > len(steps):
        raise StoreError(
            f"the {component} tables are at version {found}, newer than this program's "
            f"{len(steps)}; upgrade partnership-watch"
        )
    if adopted and found:
        ledger.run(component, found, "")  # from now on the ledger knows
    for number, step in enumerate(steps[found:], start=found + 1):
        ledger.run(component, number, step)
    return found


_LEDGER = """CREATE TABLE IF NOT EXISTS schema_versions (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
)"""


class DatabaseLedger:
    """The ``schema_versions`` table of a store's database, SQLite or PostgreSQL alike."""

    def __init__(self, connection: Database | sqlite3.Connection) -> None:
        self.connection = as_database(connection)

    def version(self, component: str) -> int | None:
        """The component's version, or None when it has no row yet."""
        try:
            with self.connection:
                self.connection.execute(_LEDGER)
            row = self.connection.execute(
                "SELECT version FROM schema_versions WHERE component = ?", (component,)
            ).fetchone()
        except DatabaseError as e:
            raise StoreError(f"cannot read the schema versions: {e}") from e
        return None if row is None else int(row[0])

    def run(self, component: str, version: int, step: Step) -> None:
        """Run the step and record the version, all or nothing."""
        # executescript takes no parameters; the component name is ours, never user input.
        if not component.isidentifier():
            raise ValueError(f"a component is named like an identifier, not {component!r}")
        record = (
            "INSERT INTO schema_versions (component, version) "
            f"VALUES ('{component}', {int(version)}) "
            "ON CONFLICT (component) DO UPDATE SET version = excluded.version"
        )
        db = self.connection
        try:
            with db:  # commits the BEGIN below, or rolls it back on error
                # On PostgreSQL this statement waits for another process migrating the same
                # database (the seam locks the schema), which may have taken this step.
                db.execute(_LEDGER)
                row = db.execute(
                    "SELECT version FROM schema_versions WHERE component = ?", (component,)
                ).fetchone()
                if row is not None and int(row[0]) >= version:
                    return
                db.executescript(f"BEGIN; {step}; {record};")
        except DatabaseError as e:
            reason = f"cannot bring the {component} tables to version {version}: {e}"
            raise StoreError(reason) from e


def user_version(connection: Database | sqlite3.Connection) -> int:
    """The file's ``PRAGMA user_version``: where the history store kept its version before."""
    (version,) = as_database(connection).execute("PRAGMA user_version").fetchone()
    return int(version)
