"""Database statements per feed poll on PostgreSQL: the round trips a worker waits on.

    python benchmarks/bench_statements.py [--feeds 200] [--hosts 32]
                                          [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Polls the farm of ``bench_farm.py`` (its first N feeds) with our watcher on a new PostgreSQL
database, once cold (every entry new) and once warm (a tenth of the feeds gained an item,
the rest answer 304), and counts the statements the store sends through the database seam
(an ``executemany`` counted once: psycopg pipelines its rows; writes sent together in a
pipeline counted once, as "pipeline"), by kind, per feed: the round trips it waits on. Unlike a
time, the count does not depend on how busy the machine is. The job queue's own statements
(a worker's taking and finishing of each poll job) are not counted: this runs the watcher
without the queue. With ``--batches``, the feeds are polled as a worker's poll jobs poll
them (claimed eight at a time, ``Watcher.poll_batch``, freed), the claims counted, and
each document's pairs looked up in the chat subscriptions as a worker's are (every pair:
its config names none).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_farm  # noqa: E402

from watchers import db  # noqa: E402


def count_statements() -> collections.Counter[str]:
    """Count every statement the PostgreSQL seam sends from now on, by its first word."""
    counts: collections.Counter[str] = collections.Counter()
    seam = db.PostgresDatabase
    statement, executemany, commit = seam._statement, seam.executemany, seam.commit
    write_alone = seam.write_alone

    pipeline = seam.pipeline

    def counted_statement(self: Any, sql: str, params: Any) -> db.Cursor:
        verb = sql.split(None, 1)[0].upper() if sql else "?"
        sent_later = verb == "BEGIN" or (verb in db._WRITES and " RETURNING " not in sql.upper())
        if self._pipeline is None or not sent_later:  # a read in a pipeline waits
            counts[verb] += 1
        return statement(self, sql, params)

    def counted_executemany(self: Any, sql: str, rows: Any) -> db.Cursor:
        if self._pipeline is None:
            counts["executemany"] += 1
        return executemany(self, sql, rows)

    def counted_pipeline(self: Any) -> Any:
        if self._pipeline is None:
            counts["pipeline"] += 1  # its writes, sent together
        return pipeline(self)

    def counted_write_alone(self: Any, sql: str, params: Any = ()) -> None:
        if self._depth > 0 or self.in_transaction:  # counted as the seam's statement
            return write_alone(self, sql, params)
        counts[sql.split(None, 1)[0].upper()] += 1
        return write_alone(self, sql, params)

    read_all = seam.read_all

    def counted_read_all(self: Any, reads: Any) -> list[list[Any]]:
        if self._pipeline is not None:  # sent together, one wait (else each is counted)
            counts["SELECT"] += 1
        return read_all(self, reads)

    def counted_commit(self: Any) -> None:
        if self._pipeline is None:  # in a pipeline, it goes when the pipeline is sent
            counts["COMMIT"] += self.in_transaction
        commit(self)

    seam._statement = counted_statement  # type: ignore[method-assign]
    seam.executemany = counted_executemany  # type: ignore[method-assign]
    seam.commit = counted_commit  # type: ignore[method-assign]
    seam.write_alone = counted_write_alone  # type: ignore[method-assign]
    seam.pipeline = counted_pipeline  # type: ignore[method-assign]
    seam.read_all = counted_read_all  # type: ignore[method-assign]
    return counts


async def poll_batches(urls: list[str], store_url: str, size: int = 8) -> dict[str, int]:
    """Poll the feeds as a worker's poll jobs do, two batches at once (16 polls at most),
    each pair watched when a chat channel subscribed to it, as in a worker with no pairs
    in its config."""
    from bot.app import Watchlist
    from bot.chat.store import ChatStore
    from watchers.extraction import default_extractor
    from watchers.fetch import FetchLimits, make_client
    from watchers.store import Store
    from watchers.watcher import FeedSpec, Watcher

    class Clock:
        def now(self) -> datetime:
            return datetime.now(UTC)

    feeds = [FeedSpec(f"feed {i}", url) for i, url in enumerate(urls)]
    store = Store.open(store_url)
    failed = 0
    places = asyncio.Semaphore(2)
    async with make_client(FetchLimits()) as client:
        watcher = Watcher(
            store=store,
            extractor=default_extractor(),
            client=client,
            clock=Clock(),
            is_watched=Watchlist(frozenset(), ChatStore(store.connection)),
        )

        async def batch(specs: list[Any]) -> None:
            nonlocal failed
            async with places:
                claimed = store.claim_feeds([s.name for s in specs])
                try:
                    async for result in watcher.poll_batch(specs, claimed, claimed=True):
                        failed += result.error is not None
                finally:
                    store.release_feeds(list(claimed))

        await asyncio.gather(*(batch(feeds[i : i + size]) for i in range(0, len(feeds), size)))
    entries = store.connection.execute("SELECT COUNT(*) FROM seen_entries").fetchone()[0]
    store.close()
    return {"failed": failed, "entries": entries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--batches", action="store_true", help="poll as a worker's jobs do")
    args = parser.parse_args()
    import psycopg

    read_end, write_end = os.pipe()
    farm = subprocess.Popen(
        [sys.executable, bench_farm.__file__, "--serve", "--hosts", str(args.hosts),
         "--ready", str(write_end)],
        pass_fds=(write_end,),
    )  # fmt: skip
    os.close(write_end)
    database = f"pw_bench_statements_{os.getpid()}"
    try:
        with os.fdopen(read_end) as ready:
            port = int(ready.readline())
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {database}")
        url = args.postgres.rsplit("/", 1)[0] + f"/{database}"
        urls = [bench_farm.feed_url(args.hosts, port, n) for n in range(args.feeds)]
        from bot.chat.store import ChatStore
        from watchers.store import Store

        schema = Store.open(url)  # the schema, not counted
        ChatStore(schema.connection)
        schema.close()
        counts = count_statements()
        for phase in ("cold", "warm"):
            if phase == "warm":
                bench_farm.bump(port, args.feeds)
            counts.clear()
            if args.batches:
                result = asyncio.run(poll_batches(urls, url))
            else:
                result = asyncio.run(bench_farm.poll_ours(urls, url, 16, 0))
            total = sum(counts.values())
            kinds = ", ".join(f"{k} {v / args.feeds:.1f}" for k, v in counts.most_common())
            print(
                f"{phase}: {total / args.feeds:.1f} statements per feed ({kinds}); "
                f"{result['entries']} entries, {result['failed']} failed"
            )
    finally:
        farm.kill()
        farm.wait()
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


if __name__ == "__main__":
    main()
