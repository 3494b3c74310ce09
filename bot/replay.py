"""``partnership-watch replay DIR``: an archive of dated feed snapshots, through the pipeline.

The archive is a folder of snapshot folders, each named by the UTC time it was taken and
holding one document per feed, named after the feed::

    DIR/
      watchlist.toml                 (optional: used when no --config is given)
      2023-09-10T08-00Z/asia-desk.xml
      2023-09-10T12-00Z/asia-desk.xml
      2023-09-10T12-30Z/region-wire.rss

Snapshots are taken in time order, with the clock set to each snapshot's time, through the
same parse, extract, remember and decide code as a live poll (no network), and the alerts
are printed: a new alert in full, and a later source of a reported change as an update.
A feed named in the config takes its settings (official, baseline) from there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import TextIO

from bot.alert import Alert, alert_from_change
from bot.app import SetClock
from bot.config import Config
from bot.render.common import level_line
from bot.render.json import alert_to_json
from bot.render.text import render_text
from watchers.detect import Rules
from watchers.errors import ConfigError, Problem
from watchers.model import Change
from watchers.ports import Extractor
from watchers.store import Store
from watchers.tiers import Lexicon
from watchers.watcher import FeedSpec, Ingester

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".json")
# 2023-09-10T12-00Z, 2023-09-10T1200Z, 2023-09-10T12:00:00+00:00, 20230910T120000Z
_STAMP = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})[T_ ](\d{2})[-:]?(\d{2})(?:[-:]?(\d{2}))?(?:Z|\+00:?00)?$"
)


def snapshot_time(name: str) -> datetime | None:
    """The UTC time a snapshot folder's name gives, or None when it is not a time."""
    m = _STAMP.match(name)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Snapshot:
    """One archived document of one feed, and when it was taken."""

    at: datetime
    feed: str
    path: Path


def find_snapshots(directory: Path) -> list[Snapshot]:
    """Every snapshot under ``directory`` in time order; ConfigError for what cannot be read."""
    if not directory.is_dir():
        raise ConfigError([Problem(str(directory), "-", "is not a folder of snapshots")])
    problems: list[Problem] = []
    found: list[Snapshot] = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        at = snapshot_time(folder.name)
        if at is None:
            problems.append(
                Problem(str(folder), "-", "folder name is not a UTC time like 2023-09-10T12-00Z")
            )
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
                found.append(Snapshot(at, path.stem, path))
    if problems:
        raise ConfigError(problems)
    if not found:
        raise ConfigError([Problem(str(directory), "-", "holds no feed snapshots")])
    return sorted(found, key=lambda s: (s.at, s.feed))


@dataclass(frozen=True)
class ReplayEvent:
    """One thing a replay reports: a new alert, or an update of a reported one."""

    kind: str  # "alert" or "update"
    alert: Alert


@dataclass
class ReplayResult:
    """What a replay did: snapshots read, events reported, feeds that failed."""

    snapshots: int = 0
    events: list[ReplayEvent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def alerts(self) -> list[Alert]:
        """The new alerts, without their updates."""
        return [e.alert for e in self.events if e.kind == "alert"]


def _event(change: Change) -> ReplayEvent:
    return ReplayEvent("update" if change.revision else "alert", alert_from_change(change))


def _feed(config: Config, name: str) -> FeedSpec:
    for feed in config.feeds:
        if feed.name == name:
            return feed
    return FeedSpec(name=name, url=f"replay:{name}")


def _snapshots_by_time(snapshots: list[Snapshot]) -> Iterator[tuple[datetime, list[Snapshot]]]:
    for at, group in groupby(snapshots, key=lambda s: s.at):
        yield at, list(group)


async def replay(
    config: Config,
    directory: Path,
    *,
    extractor: Extractor,
    emit: Callable[[ReplayEvent], None] = lambda e: None,
    rules: Rules | None = None,
    lexicon: Lexicon | None = None,
) -> ReplayResult:
    """Feed every snapshot under ``directory`` through the pipeline, in time order."""
    snapshots = find_snapshots(directory)
    clock = SetClock(snapshots[0].at)
    result = ReplayResult()
    store = Store.open(":memory:")
    try:
        ingester = Ingester(
            store=store,
            extractor=extractor,
            clock=clock,
            is_watched=config.watched_keys().__contains__,
            rules=rules or Rules(),
            lexicon=lexicon,
        )
        for at, group in _snapshots_by_time(snapshots):
            clock.current = at
            for snap in group:
                feed = _feed(config, snap.feed)
                headers = {"content-location": snap.path.resolve().as_uri()}
                polled = await ingester.ingest(feed, snap.path.read_bytes(), headers)
                result.snapshots += 1
                if polled.error:
                    result.errors.append(f"{snap.path}: {polled.error}")
                for change in polled.changes:
                    event = _event(change)
                    result.events.append(event)
                    emit(event)
    finally:
        store.close()
    return result


def print_event(out: TextIO, fmt: str) -> Callable[[ReplayEvent], None]:
    """An ``emit`` that prints events as text or as one JSON object per line."""

    def emit(event: ReplayEvent) -> None:
        a = event.alert
        if fmt == "json":
            out.write(json.dumps({"event": event.kind, **alert_to_json(a)}, ensure_ascii=False))
            out.write("\n")
        elif event.kind == "alert":
            out.write(render_text(a) + "\n\n")
        else:
            latest = a.sources[-1] if a.sources else None
            via = f" (+ {latest.feed})" if latest else ""
            out.write(f"update {a.alert_id}: {a.title} · {level_line(a)}{via}\n\n")
        out.flush()

    return emit
