"""Databases for the tests: a SQLite file, or a fresh PostgreSQL database per test.

PostgreSQL is the server named by ``$PW_TEST_POSTGRES`` (default: the local one on
127.0.0.1:5432, user postgres). When it cannot be reached, tests that need it skip saying
so, unless ``PW_REQUIRE_SERVICES=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest

from watchers.store import Store

SERVER = os.environ.get("PW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@cache
def _unreachable() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it can."""
    try:
        import psycopg
    except ImportError as e:  # pragma: no cover - psycopg is a dependency
        return f"psycopg is not installed: {e}"
    try:
        with psycopg.connect(SERVER, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as e:
        return f"PostgreSQL at {SERVER} is unreachable: {' '.join(str(e).split())}"
    return None


def require_postgres() -> None:
    """Skip the test (or fail it, with PW_REQUIRE_SERVICES=1) when PostgreSQL is missing."""
    reason = _unreachable()
    if reason is None:
        return
    if os.environ.get("PW_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (PW_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(f"{reason}; set PW_TEST_POSTGRES to a server to run this test")


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards."""
    import psycopg

    require_postgres()
    name = f"pw_test_{secrets.token_hex(6)}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def store_location(kind: str, folder: Path) -> Iterator[str]:
    """Where a store of ``kind`` ("sqlite" or "postgresql") lives for one test."""
    if kind == "sqlite":
        yield str(folder / "store.sqlite3")
    else:
        with fresh_postgres() as url:
            yield url


def mention_count(store: Store, pair_key: str | None = None) -> int:
    """How many mentions ``store`` holds, of one pair or in all."""
    if pair_key is None:
        (count,) = store.connection.execute("SELECT count(*) FROM mentions").fetchone()
    else:
        (count,) = store.connection.execute(
            "SELECT count(*) FROM mentions WHERE pair_key = ?", (pair_key,)
        ).fetchone()
    return int(count)


def listed(entry_ids: Iterable[str]) -> dict[str, str]:
    """Entry ids as a feed's document lists them, each with its text's hash (all one here)."""
    return dict.fromkeys(entry_ids, "same text")


def unseen(store: Store, feed: str, entry_ids: Iterable[str]) -> set[str]:
    """Which of these entry ids the watcher would read as new, the feed's text unchanged."""
    return set(store.entries_to_read(feed, listed(entry_ids)))
