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
Each says the pair's established words and any report still unconfirmed, and the levels the
change went through; at the end, each pair that changed is summed up: its established words,
and every change with its status (pending, established or lapsed) and levels. A feed named in
the config takes its settings (official, baseline) from there.
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
from watchers.detect import Rules, pair_words, settle
from watchers.errors import ConfigError, Problem
from watchers.model import Change, ChangeStatus, Level, Pair
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
    status: ChangeStatus = ChangeStatus.ESTABLISHED
    """Whether the change's words are established yet (see ``watchers.detect``)."""
    levels: tuple[tuple[Level, datetime], ...] = ()
    """The levels the change went through so far, each with when it was reached."""
    established: str | None = None
    """The pair's established words once this poll was taken in."""
    reported: str | None = None
    """Words one outlet alone reported for the pair, not yet confirmed, if any."""


@dataclass(frozen=True)
class ChangeEnd:
    """One change of a pair as it stands when the replay ends."""

    kind: str
    before: str | None
    after: str
    status: ChangeStatus
    levels: tuple[tuple[Level, datetime], ...]


@dataclass(frozen=True)
class PairEnd:
    """A pair that changed, as it stands when the replay ends: why it alerted what it did."""

    pair: Pair
    established: str | None
    reported: str | None
    changes: tuple[ChangeEnd, ...]


@dataclass
class ReplayResult:
    """What a replay did: snapshots read, events reported, feeds that failed."""

    snapshots: int = 0
    events: list[ReplayEvent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pairs: list[PairEnd] = field(default_factory=list)

    @property
    def alerts(self) -> list[Alert]:
        """The new alerts, without their updates."""
        return [e.alert for e in self.events if e.kind == "alert"]


def _event(store: Store, change: Change, at: datetime, rules: Rules) -> ReplayEvent:
    words = pair_words(store.pair_history(change.pair), at, rules)
    levels = store.level_history(change.change_id) if change.change_id else []
    return ReplayEvent(
        "update" if change.revision else "alert",
        alert_from_change(change),
        status=change.status,
        levels=tuple(levels),
        established=words.established,
        reported=words.reported,
    )


def _pair_end(store: Store, pair: Pair, at: datetime, rules: Rules) -> PairEnd:
    history, settled = settle(store.pair_history(pair), at, rules)
    words = pair_words(history, at, rules)
    changes = []
    for c in reversed(store.changes_of(pair, limit=1000)):
        # a report settled by time since the pair's last mention, as ``why`` tells it now
        status = settled.status if settled and settled.change_id == c.change_id else c.status
        levels = tuple(store.level_history(c.change_id)) if c.change_id else ()
        changes.append(ChangeEnd(c.kind.value, c.before, c.after, status, levels))
    return PairEnd(pair, words.established, words.reported, tuple(changes))


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
    emit: Callable[[ReplayEvent | PairEnd], None] = lambda e: None,
    rules: Rules | None = None,
    lexicon: Lexicon | None = None,
) -> ReplayResult:
    """Feed every snapshot under ``directory`` through the pipeline, in time order."""
    snapshots = find_snapshots(directory)
    clock = SetClock(snapshots[0].at)
    result = ReplayResult()
    rules = rules or Rules()
    store = Store.open(":memory:")
    try:
        ingester = Ingester(
            store=store,
            extractor=extractor,
            clock=clock,
            is_watched=config.watched_keys().__contains__,
            rules=rules,
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
                    event = _event(store, change, at, rules)
                    result.events.append(event)
                    emit(event)
        changed = {e.alert.pair.key: e.alert.pair for e in result.events}
        for pair in sorted(changed.values(), key=lambda p: p.key):
            end = _pair_end(store, pair, clock.current, rules)
            result.pairs.append(end)
            emit(end)
    finally:
        store.close()
    return result


def _levels(levels: tuple[tuple[Level, datetime], ...]) -> list[dict[str, str]]:
    return [{"level": level.value, "at": at.isoformat()} for level, at in levels]


def pair_end_to_json(end: PairEnd) -> dict[str, object]:
    """A pair's end state as ``replay --format json`` prints it."""
    return {
        "event": "pair",
        "pair": list(end.pair.codes),
        "established": end.established,
        "reported": end.reported,
        "changes": [
            {
                "kind": c.kind,
                "before": c.before,
                "after": c.after,
                "status": c.status.value,
                "levels": _levels(c.levels),
            }
            for c in end.changes
        ],
    }


def _words_line(established: str | None, reported: str | None) -> str:
    line = f"established: {established or '(none yet)'}"
    return line + (f" · reported, unconfirmed: {reported}" if reported else "")


def print_event(out: TextIO, fmt: str) -> Callable[[ReplayEvent | PairEnd], None]:
    """An ``emit`` that prints events as text or as one JSON object per line."""

    def emit(event: ReplayEvent | PairEnd) -> None:
        if isinstance(event, PairEnd):
            if fmt == "json":
                out.write(json.dumps(pair_end_to_json(event), ensure_ascii=False) + "\n")
            else:
                out.write(f"{event.pair.label} at the end: ")
                out.write(_words_line(event.established, event.reported) + "\n")
                for c in event.changes:
                    steps = " → ".join(level.value for level, _ in c.levels)
                    out.write(f"  {c.kind} “{c.after}”: {c.status.value} ({steps})\n")
                out.write("\n")
            out.flush()
            return
        a = event.alert
        if fmt == "json":
            record = {
                "event": event.kind,
                **alert_to_json(a),
                "status": event.status.value,
                "levels": _levels(event.levels),
                "established": event.established,
                "reported": event.reported,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif event.kind == "alert":
            out.write(render_text(a) + "\n")
            out.write(_words_line(event.established, event.reported) + "\n\n")
        else:
            latest = a.sources[-1] if a.sources else None
            via = f" (+ {latest.feed})" if latest else ""
            out.write(f"update {a.alert_id}: {a.title} · {level_line(a)}{via}\n\n")
        out.flush()

    return emit
