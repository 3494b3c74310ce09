"""A worker whose start fails part-way leaves no connection of its own open on the server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import psycopg
import pytest

from bot import distributed
from bot.config import load_config
from tests.databases import fresh_postgres
from watchers.countries import default_countries
from watchers.errors import PartnershipWatchError
from watchers.store import Store

pytestmark = pytest.mark.postgres


def sessions_left(url: str) -> int:
    """Sessions the server still has on ``url``'s database, besides the one asking: a closed
    connection's session ends a moment after the close, so this waits up to ten seconds for
    them to go before it counts them."""
    name = url.rsplit("/", 1)[1]
    left = -1
    with psycopg.connect(url) as asking:
        for _ in range(100):
            row = asking.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()
            assert row is not None
            left = int(row[0])
            if left == 0:
                break
            time.sleep(0.1)
    return left


def test_a_worker_whose_document_connections_fail_to_open_leaves_none_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_postgres() as url:
        path = tmp_path / "watchlist.toml"
        path.write_text(
            f'[store]\nurl = "{url}"\n\n[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/rss"\n',
            encoding="utf-8",
        )
        config = load_config(path, default_countries())
        opened: list[Store] = []
        real_open = Store.open

        def third_fails(target: str | Path) -> Store:
            if len(opened) == 2:
                raise PartnershipWatchError("the server refused a third connection")
            store = real_open(target)
            opened.append(store)
            return store

        Store.open(url).close()  # the store's tables, as the app's start makes them
        monkeypatch.setattr(Store, "open", third_fails)  # the app's and the documents'
        with pytest.raises(PartnershipWatchError, match="refused a third connection"):
            asyncio.run(distributed.run_worker(config))
        monkeypatch.undo()
        assert len(opened) == 2  # the app's own store and one document connection
        assert sessions_left(url) == 0
