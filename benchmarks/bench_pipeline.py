"""The pipeline's speed and memory after fetching: parse, extract, remember and decide.

    python benchmarks/bench_pipeline.py [--feeds N] [--entries M] [--seed S]

Builds N RSS documents of M entries each (~4 KB articles, as bench_extract.py makes them),
then ingests them through the real Watcher into a fresh SQLite store, every pair watched:
once with every entry new, once more with every entry already seen (what most polls of an
unchanged-but-re-sent feed cost). Prints entries per second for both passes, the changes
found, the store's size on disk and the process's peak resident memory. Network time is
left out: fetching is bounded by the feeds' servers, not by this code.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_extract import article  # noqa: E402

from bot.app import SetClock  # noqa: E402
from bot.demo import seed_article  # noqa: E402
from watchers.extraction import default_extractor  # noqa: E402
from watchers.fetch import FetchLimits, make_client  # noqa: E402
from watchers.store import Store  # noqa: E402
from watchers.watcher import FeedSpec, Watcher  # noqa: E402

START = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def feed_document(rng: random.Random, seed_text: str, feed: int, entries: int) -> bytes:
    """An RSS document of ``entries`` generated articles."""
    items = []
    for i in range(entries):
        published = format_datetime(START - timedelta(minutes=feed * entries + i))
        body = escape(article(rng, seed_text))
        items.append(
            f"<item><guid>http://bench.example/{feed}/{i}</guid><title>Item {i}</title>"
            f"<pubDate>{published}</pubDate><description>{body}</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


async def ingest_all(watcher: Watcher, feeds: list[tuple[FeedSpec, bytes]]) -> tuple[float, int]:
    """Seconds to ingest every document once, and the changes found."""
    started = time.perf_counter()
    changes = 0
    for spec, body in feeds:
        result = await watcher.ingest(spec, body, {"content-location": spec.url})
        changes += len(result.changes)
    return time.perf_counter() - started, changes


async def run(feed_count: int, entries: int, seed: int) -> None:
    rng = random.Random(seed)
    seed_text = seed_article()
    documents = [
        (
            FeedSpec(f"feed-{n}", f"http://bench.example/{n}.xml", baseline=False),
            feed_document(rng, seed_text, n, entries),
        )
        for n in range(feed_count)
    ]
    total = feed_count * entries
    size_kb = sum(len(body) for _, body in documents) / 1024
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        store = Store.open(path)
        async with make_client(FetchLimits()) as client:
            watcher = Watcher(
                store=store,
                extractor=default_extractor(),
                client=client,
                clock=SetClock(START),
                is_watched=lambda key: True,
            )
            first, changes = await ingest_all(watcher, documents)
            again, _ = await ingest_all(watcher, documents)
        store.close()
        store_kb = path.stat().st_size / 1024
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents:           {feed_count} feeds x {entries} entries ({size_kb:,.0f} KB)")
    for label, seconds in (("first pass (new):", first), ("second pass (seen):", again)):
        rate, each = total / seconds, seconds * 1000 / total
        print(f"{label:<21}{rate:,.0f} entries/s ({each:.2f} ms each)")
    print(f"changes found:       {changes}")
    print(f"store on disk:       {store_kb:,.0f} KB")
    print(f"peak resident set:   {peak_mb:,.0f} MB for the whole process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args.feeds, args.entries, args.seed))


if __name__ == "__main__":
    main()
