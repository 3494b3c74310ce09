"""``partnership-watch backfill PATH``: years of archived news into the history, alerting nothing.

Two kinds of archive:

- a JSON Lines file of articles, one object a line::

      {"url": "https://...", "title": "...", "text": "...", "published": "2023-09-10T08:00:00Z",
       "feed": "Asia desk"}

  ``text`` (or ``title``) and ``published`` are required; ``feed`` names the feed the
  article belongs to (give the name of a configured feed, so that its next live poll is not
  taken for a first one), ``url`` is its link and its identity in the feed, unless ``id``
  gives the feed's own id for it (its ``<guid>``): an article still listed by the live feed is
  then known as read;
- a replay folder of dated feed snapshots, as ``partnership-watch replay`` reads them.

Each article or snapshot goes through the same parse, extract and remember code as a live
poll, in time order, with the clock set to its time, but as if no pair were watched: every
mention is stored and each pair's words are kept up to date, and no change is recorded or
sent. Each item is remembered as done in the same transaction as what it added, so a backfill
stopped half-way (Ctrl-C, a crash, a full disk) runs again from where it stopped without
counting anything twice.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from bot.app import SetClock
from bot.config import Config
from bot.replay import find_snapshots
from watchers import migrations
from watchers.db import Database, as_database
from watchers.errors import InputError
from watchers.ports import Extractor
from watchers.store import Store
from watchers.tiers import Lexicon
from watchers.watcher import FeedSpec, Ingester, PollResult

log = logging.getLogger(__name__)

DEFAULT_FEED = "archive"
"""The feed of an archived article that names none."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE backfill_done (
        item TEXT PRIMARY KEY,
        done_at TEXT NOT NULL
    )
    """,
)
"""The ``backfill`` component's steps (``watchers.migrations``): the items loaded so far."""


@dataclass(frozen=True)
class Article:
    """One archived article, as a line of the JSONL archive gives it."""

    feed: str
    url: str | None
    title: str
    text: str
    published: datetime
    feed_id: str | None = None
    """The feed's own id for the article, when the archive gives it."""

    @property
    def entry_id(self) -> str:
        """Its identity in the feed: the feed's id, else the link, else a digest of its words."""
        if self.feed_id:
            return self.feed_id
        if self.url:
            return self.url
        digest = hashlib.sha1(f"{self.title}\x1f{self.text}".encode()).hexdigest()
        return f"sha1:{digest}"


@dataclass(frozen=True)
class Item:
    """One unit of a backfill: an article or a snapshot, with its time and its done-key."""

    at: datetime
    feed: str
    key: str
    body: Callable[[], bytes]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Archive:
    """What an archive holds, in time order, and what of it could not be read."""

    items: list[Item]
    skipped: list[str] = field(default_factory=list)
    """One line per record that was left out, and why."""


@dataclass
class BackfillSummary:
    """What a backfill did."""

    items: int = 0
    done_before: int = 0
    """Items an earlier, interrupted run had already loaded."""
    loaded: int = 0
    entries: int = 0
    mentions: int = 0
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    def lines(self) -> list[str]:
        """The summary as a few readable lines."""
        span = (
            f", {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}" if self.first and self.last else ""
        )
        out = [
            f"backfill: {self.loaded} of {self.items} items loaded{span}: "
            f"{self.entries} articles, {self.mentions} mentions",
        ]
        if self.done_before:
            out.append(f"  {self.done_before} items were loaded by an earlier run and skipped")
        if self.skipped:
            out.append(f"  {len(self.skipped)} records left out:")
            out.extend(f"    {s}" for s in self.skipped[:20])
            if len(self.skipped) > 20:
                out.append(f"    ... and {len(self.skipped) - 20} more")
        if self.failed:
            out.append(f"  {len(self.failed)} items failed (run again to retry them):")
            out.extend(f"    {f}" for f in self.failed[:20])
        return out


# ---------------------------------------------------------------------------
# Reading archives (no store, no clock)


def parse_published(value: object) -> datetime:
    """An ISO date or date-time as aware UTC; ValueError when it is neither."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('"published" must be an ISO date such as 2023-09-10T08:00:00Z')
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_article(line: str) -> Article:
    """One JSONL line as an article; ValueError saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg})") from e
    if not isinstance(record, dict):
        raise ValueError("expected an object")
    strings = {}
    for key in ("id", "url", "title", "text", "feed"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f'"{key}" must be a string')
        strings[key] = (value or "").strip()
    if not strings["text"] and not strings["title"]:
        raise ValueError('an article needs a "text" or a "title"')
    return Article(
        feed=strings["feed"] or DEFAULT_FEED,
        url=strings["url"] or None,
        title=strings["title"],
        text=strings["text"],
        published=parse_published(record.get("published")),
        feed_id=strings["id"] or None,
    )


def article_document(article: Article) -> bytes:
    """The article as a one-item RSS document, read by the same parser as a live feed."""
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    link = f"<link>{escape(article.url)}</link>" if article.url else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(article.feed)}</title><item>"
        f"<title>{escape(html.escape(article.title, quote=False))}</title>{link}"
        f'<guid isPermaLink="false">{escape(article.entry_id)}</guid>'
        f"<description>{escape(body)}</description>"
        f"<pubDate>{format_datetime(article.published, usegmt=True)}</pubDate>"
        "</item></channel></rss>"
    ).encode()


def read_jsonl(path: Path) -> Archive:
    """The articles of a JSONL archive in time order, and the lines left out."""
    articles: list[Article] = []
    skipped: list[str] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    articles.append(parse_article(line))
                except ValueError as e:
                    skipped.append(f"{path.name} line {number}: {e}")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path}: {e}") from e
    seen: set[tuple[str, str]] = set()
    items = []
    for a in sorted(articles, key=lambda a: (a.published, a.feed, a.entry_id)):
        key = (a.feed, a.entry_id)
        if key in seen:
            skipped.append(f"{path.name}: {a.entry_id} is in the archive twice; read once")
            continue
        seen.add(key)
        done_key = f"article\t{a.feed}\t{a.entry_id}"
        items.append(Item(a.published, a.feed, done_key, partial(article_document, a)))
    return Archive(items, skipped)


def read_snapshots(directory: Path) -> Archive:
    """The snapshots of a replay folder in time order."""
    items = [
        Item(
            s.at,
            s.feed,
            f"snapshot\t{s.at.isoformat()}\t{s.feed}",
            s.path.read_bytes,
            {"content-location": s.path.resolve().as_uri()},
        )
        for s in find_snapshots(directory)
    ]
    return Archive(items)


def read_archive(path: Path) -> Archive:
    """A JSONL file of articles or a folder of snapshots, by what ``path`` is."""
    if path.is_dir():
        return read_snapshots(path)
    if not path.exists():
        raise InputError(f"no archive at {path}")
    return read_jsonl(path)


# ---------------------------------------------------------------------------
# Loading


class DoneItems:
    """Which archive items are in the history already (kept in the history store's file)."""

    def __init__(self, connection: Database | sqlite3.Connection) -> None:
        self.connection = connection = as_database(connection)
        migrations.migrate(migrations.DatabaseLedger(connection), "backfill", MIGRATIONS)

    def done(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` were loaded before."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.connection.execute(
                    f"SELECT item FROM backfill_done WHERE item IN ({marks})", chunk
                )
            )
        return found

    def mark(self, key: str, at: datetime) -> None:
        """Note ``key`` as loaded (inside the caller's transaction)."""
        self.connection.execute(
            "INSERT INTO backfill_done (item, done_at) VALUES (?, ?)", (key, at.isoformat())
        )


class Progress(Protocol):
    """What a backfill tells as it goes: the number of items, then one step per item."""

    def start(self, total: int) -> None:
        """``total`` items are to be loaded."""
        ...

    def step(self, item: Item) -> None:
        """``item`` is loaded (called inside its transaction: raising undoes it)."""
        ...


class Silent:
    """A progress that tells nothing."""

    def start(self, total: int) -> None:
        """Nothing to tell."""

    def step(self, item: Item) -> None:
        """Nothing to tell."""


def _feed(config: Config, name: str) -> FeedSpec:
    for feed in config.feeds:
        if feed.name == name:
            return FeedSpec(name=feed.name, url=feed.url, official=feed.official, baseline=False)
    return FeedSpec(name=name, url=f"backfill:{name}", baseline=False)


async def backfill(
    config: Config,
    store: Store,
    archive: Archive,
    *,
    extractor: Extractor,
    lexicon: Lexicon | None = None,
    progress: Progress | None = None,
) -> BackfillSummary:
    """Load ``archive`` into ``store`` in time order, recording no change; resumable."""
    progress = progress or Silent()
    done = DoneItems(store.connection)
    already = done.done([i.key for i in archive.items])
    todo = [i for i in archive.items if i.key not in already]
    summary = BackfillSummary(
        items=len(archive.items), done_before=len(already), skipped=list(archive.skipped)
    )
    progress.start(len(todo))
    if not todo:
        return summary
    clock = SetClock(todo[0].at)
    ingester = Ingester(
        store=store,
        extractor=extractor,
        clock=clock,
        # as if nobody watched: words and mentions are remembered, no change is made
        is_watched=lambda key: False,
        rules=config.alerts,
        lexicon=lexicon,
    )
    for item in todo:
        clock.current = item.at
        result = await _load(ingester, store, done, item, _feed(config, item.feed), progress)
        if result.error:
            summary.failed.append(f"{item.key.replace(chr(9), ' ')}: {result.error}")
            continue
        summary.loaded += 1
        summary.entries += result.new_entries
        summary.mentions += result.mentions
        summary.first = summary.first or item.at
        summary.last = item.at
    return summary


class _Undo(Exception):
    """Leaves a failed item's transaction, so that nothing of it is kept."""

    def __init__(self, result: PollResult) -> None:
        self.result = result


async def _load(
    ingester: Ingester,
    store: Store,
    done: DoneItems,
    item: Item,
    feed: FeedSpec,
    progress: Progress,
) -> PollResult:
    """One item and its done-mark in one transaction: both are kept, or neither."""
    try:
        body = item.body()
    except OSError as e:
        progress.step(item)
        return PollResult(feed.name, error=f"cannot read: {e.strerror}")
    try:
        # the ingester's own transactions join this one
        with store.transaction():
            result = await ingester.ingest(feed, body, item.headers)
            if result.error is not None:
                raise _Undo(result)
            done.mark(item.key, item.at)
            progress.step(item)
    except _Undo as undone:
        progress.step(item)
        return undone.result
    return result
