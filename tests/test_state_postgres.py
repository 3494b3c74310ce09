"""The way from one process to workers: the whole state exported from a SQLite store and
imported into a PostgreSQL one (and back) is the same state, and the PostgreSQL store goes on
from it, new rows taking ids of their own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.distributed import Dispatches
from bot.state import export_lines, import_lines, open_state
from tests.databases import fresh_postgres
from tests.fakes import rewording
from tests.test_state import NOW, fill

pytestmark = pytest.mark.postgres


def test_the_state_moves_from_sqlite_to_postgresql_and_back(tmp_path: Path) -> None:
    sqlite = open_state(tmp_path / "one-process.sqlite3")
    fill(sqlite)
    exported = list(export_lines(sqlite, NOW))

    with fresh_postgres() as url:
        postgres = open_state(url)
        counts = import_lines(postgres, exported)
        assert counts["history"] > 0 and counts["subscriptions"] == 2
        Dispatches(postgres.connection, NOW)  # workers ran here: their job tables are no state
        lines = list(export_lines(postgres, NOW))
        assert lines[1:] == exported[1:]
        assert json.loads(lines[0])["schemas"] == {
            **json.loads(exported[0])["schemas"],
            "workers": 1,
        }

        # the store goes on: a new change gets the next id, not one already imported
        before = {c.change_id for c in postgres.changes_of(rewording(at=NOW).pair, limit=100)}
        new_id = str(postgres.record_change(rewording(at=NOW)))
        assert new_id not in before and before
        again = list(export_lines(postgres, NOW))
        postgres.close()

    back = open_state(tmp_path / "back.sqlite3")
    import_lines(back, again)
    assert list(export_lines(back, NOW))[1:] == again[1:]
    sqlite.close()
    back.close()
