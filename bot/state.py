"""The whole state as versioned JSON Lines: for backups, and for moving between stores.

``partnership-watch export`` writes, and ``partnership-watch import`` reads back:

- a first line naming the format, its version and each store's schema version::

      {"format": "partnership-watch-state", "version": 1, "exported_at": "...",
       "schemas": {"backfill": 1, "chat": 4, "history": 2}}

- then one line per stored row, ``{"section": ..., "table": ..., "row": {column: value}}``,
  table by table in an order that import can insert as it reads. The sections are
  ``history`` (mentions, each pair's words, changes and their sources, feed state),
  ``subscriptions``, ``channel settings`` (digest, quiet hours, who alerts ping),
  ``owed deliveries`` (alerts held for a digest or waiting for a retry) and ``deliveries``
  (what each channel got, which later updates edit). Rows of a table this program does not
  know are kept under ``other``.

Import goes into an empty store, all of it in one transaction: a file with any problem (a
newer version, an unknown table or column) is refused whole, with every problem listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.backfill import DoneItems
from bot.chat.pings import PingStore
from bot.chat.store import ChatStore
from watchers.db import Database
from watchers.errors import ConfigError, Problem
from watchers.store import Store

FORMAT = "partnership-watch-state"
VERSION = 1
"""Raised when a line's shape changes; import reads this version and older."""

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "history",
        (
            "feed_state",
            "seen_entries",
            "mentions",
            "pair_state",
            "changes",
            "change_sources",
            "change_levels",
            "speaker_state",
            "pair_descriptors",
            "pair_decisions",
            "backfill_done",
        ),
    ),
    ("subscriptions", ("chat_subscriptions",)),
    ("channel settings", ("chat_settings", "chat_pings")),
    ("owed deliveries", ("chat_queue", "chat_retries", "chat_digest_waits")),
    ("deliveries", ("chat_deliveries", "chat_decisions")),
)
"""Tables in an order where every row's references come before it."""

LEDGER = "schema_versions"
"""Where each component's schema version is kept (``watchers.migrations``): not carried."""


def open_state(path: str | Path) -> Store:
    """The history store at ``path`` with every other store's tables created or migrated."""
    store = Store.open(path)
    ChatStore(store.connection)
    PingStore(store.connection)
    DoneItems(store.connection)
    return store


QUEUE_TABLES = ("procrastinate_", "dist_")
"""Prefixes of the job queue's tables on PostgreSQL (``bot.distributed``): jobs in flight,
not state to carry."""


def _tables(connection: Database) -> list[str]:
    return [t for t in connection.tables() if t != LEDGER and not t.startswith(QUEUE_TABLES)]


def _ordered(connection: Database) -> list[tuple[str, str]]:
    """(section, table) for every table with rows to carry, known ones first in order."""
    present = set(_tables(connection))
    known = [(s, t) for s, tables in SECTIONS for t in tables if t in present]
    named = {t for _, t in known}
    return known + [("other", t) for t in sorted(present - named)]


def schema_versions(connection: Database) -> dict[str, int]:
    """Each component's schema version."""
    rows = connection.execute(f"SELECT component, version FROM {LEDGER} ORDER BY component")
    return {r[0]: int(r[1]) for r in rows}


def export_lines(store: Store, now: datetime) -> Iterator[str]:
    """The state as JSON Lines, header first."""
    connection = store.connection
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.isoformat(),
        "schemas": schema_versions(connection),
    }
    yield json.dumps(header)
    for section, table in _ordered(connection):
        columns = connection.columns(table)
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = connection.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid')
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            yield json.dumps({"section": section, "table": table, "row": row}, ensure_ascii=False)


def import_lines(store: Store, lines: Iterable[str], source: str = "state") -> dict[str, int]:
    """Insert an export into an empty store, all or nothing; returns rows per section."""
    connection = store.connection
    records, problems = _read(lines, source, schema_versions(connection))
    tables = set(_tables(connection))
    columns = {t: _columns(connection, t) for t in tables}
    for number, record in records:
        table = record["table"]
        if table not in tables:
            problems.append(Problem(source, f"line {number}", f"unknown table {table!r}"))
            continue
        unknown = set(record["row"]) - columns[table]
        if unknown:
            names = ", ".join(sorted(unknown))
            problems.append(Problem(source, f"line {number}", f"{table}: unknown column {names}"))
    nonempty = [t for t in {r["table"] for _, r in records} & tables if _has_rows(connection, t)]
    if nonempty:
        problems.append(
            Problem(str(source), "-", f"the store is not empty ({', '.join(sorted(nonempty))})")
        )
    if problems:
        raise ConfigError(problems)
    counts: dict[str, int] = {}
    with store.transaction():
        for _, record in records:
            row = record["row"]
            names = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" * len(row))
            connection.execute(
                f'INSERT INTO "{record["table"]}" ({names}) VALUES ({marks})', list(row.values())
            )
            counts[record["section"]] = counts.get(record["section"], 0) + 1
        if any(r["table"] == "changes" and "routed_revision" not in r["row"] for _, r in records):
            # An export from before the outbox: its store delivered (or gave up) those changes
            # already, so they are not owed to the channels again here.
            connection.execute(
                "UPDATE changes SET routed_revision = revision WHERE routed_revision IS NULL"
            )
        connection.resume_ids()  # rows made after the import get ids of their own
    return counts


def _read(
    lines: Iterable[str], source: str, ours: dict[str, int]
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    problems: list[Problem] = []
    records: list[tuple[int, dict[str, Any]]] = []
    header: dict[str, Any] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(source, f"line {number}", f"not JSON ({e.msg})"))
            continue
        if header is None:
            header = record if isinstance(record, dict) else {}
            problems.extend(_check_header(header, source, ours))
            continue
        if not (
            isinstance(record, dict)
            and isinstance(record.get("table"), str)
            and isinstance(record.get("row"), dict)
        ):
            problems.append(Problem(source, f"line {number}", "expected a table and a row"))
            continue
        record.setdefault("section", "other")
        records.append((number, record))
    if header is None:
        problems.append(Problem(source, "-", "is empty: no state to import"))
    return records, problems


def _check_header(header: dict[str, Any], source: str, ours: dict[str, int]) -> list[Problem]:
    if header.get("format") != FORMAT:
        return [Problem(source, "line 1", f"not a {FORMAT} file")]
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION:
        return [
            Problem(source, "line 1", f"version {version} is newer than this program's {VERSION}")
        ]
    problems = []
    for name, theirs in (header.get("schemas") or {}).items():
        if isinstance(theirs, int) and theirs > ours.get(name, theirs):
            problems.append(
                Problem(
                    source,
                    "line 1",
                    f"the {name} store was at schema {theirs}, newer than this program's "
                    f"{ours[name]}; upgrade partnership-watch",
                )
            )
    return problems


def _columns(connection: Database, table: str) -> set[str]:
    return set(connection.columns(table))


def _has_rows(connection: Database, table: str) -> bool:
    return connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
