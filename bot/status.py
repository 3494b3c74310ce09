"""``partnership-watch status``: how each feed and each channel stands, read from the store.

Per feed: the last success, the last failure (kept after a later success), when it is next
polled and what it gave so far. Per channel: the alerts it is owed (in the outbox: not yet
accepted by its platform) and since when, with the first one's last error and next attempt,
and what is held for its digest. ``read_status`` reads; ``format_status`` is pure.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.chat.store import ChatStore, Owed
from bot.output import plural
from watchers.db import Database, as_database
from watchers.model import from_iso, to_iso
from watchers.watcher import FeedSpec


@dataclass(frozen=True)
class FeedStatus:
    """One feed as the store knows it."""

    name: str
    last_ok: datetime | None
    last_failed: datetime | None
    last_failure: str | None
    next_poll: datetime | None
    """The last poll plus the feed's interval; None before its first poll (at the next start)."""
    entries: int
    mentions: int
    changes: int


@dataclass(frozen=True)
class Held:
    """Alerts a channel holds for its digest (or the end of its quiet hours)."""

    platform: str
    channel: str
    count: int
    since: datetime
    error: str = ""
    """Why its last digest did not go out; empty when none failed."""
    next_at: datetime | None = None
    """When a digest that failed is tried again."""


@dataclass(frozen=True)
class Status:
    """Everything ``status`` prints."""

    feeds: tuple[FeedStatus, ...]
    owed: tuple[Owed, ...]
    held: tuple[Held, ...]
    unrouted: int
    """Changes found but not yet turned into owed deliveries (a run died in between)."""


def read_status(connection: Database | sqlite3.Connection, feeds: Sequence[FeedSpec]) -> Status:
    """The status of the configured feeds and of every channel, from the store."""
    connection = as_database(connection)
    chat = ChatStore(connection)
    counts = {
        "entries": dict(
            connection.execute("SELECT feed, COUNT(*) FROM seen_entries GROUP BY feed").fetchall()
        ),
        "mentions": dict(
            connection.execute("SELECT feed, COUNT(*) FROM mentions GROUP BY feed").fetchall()
        ),
        "changes": dict(
            connection.execute(
                "SELECT feed, COUNT(DISTINCT change_id) FROM change_sources GROUP BY feed"
            ).fetchall()
        ),
    }
    rows = {
        r[0]: r[1:]
        for r in connection.execute(
            "SELECT feed, last_ok_at, last_failed_at, last_failure, last_polled_at FROM feed_state"
        )
    }
    out = []
    for feed in feeds:
        ok, failed, failure, polled = rows.get(feed.name, (None, None, None, None))
        last = from_iso(polled or None)
        out.append(
            FeedStatus(
                name=feed.name,
                last_ok=from_iso(ok or None),
                last_failed=from_iso(failed or None),
                last_failure=failure,
                next_poll=last + timedelta(seconds=feed.poll_interval) if last else None,
                entries=int(counts["entries"].get(feed.name, 0)),
                mentions=int(counts["mentions"].get(feed.name, 0)),
                changes=int(counts["changes"].get(feed.name, 0)),
            )
        )
    held = tuple(
        Held(r[0], r[1], int(r[2]), from_iso(r[3]), r[4] or "", from_iso(r[5] or None))
        for r in connection.execute(
            """SELECT q.platform, q.channel, COUNT(*), MIN(q.queued_at),
                      MIN(w.error), MIN(w.next_at)
               FROM chat_queue AS q LEFT JOIN chat_digest_waits AS w
                 ON w.platform = q.platform AND w.channel = q.channel
               GROUP BY q.platform, q.channel ORDER BY q.platform, q.channel"""
        )
    )
    return Status(tuple(out), tuple(chat.owed()), held, len(chat.unrouted()))


def _at(t: datetime | None, now: datetime) -> str:
    if t is None:
        return "never"
    t = t.astimezone(UTC)
    seconds = (now - t).total_seconds()
    stamp = t.strftime("%Y-%m-%d %H:%M UTC")
    if seconds >= 0:
        return f"{stamp} ({_span(seconds)} ago)"
    return f"{stamp} (in {_span(-seconds)})"


def _span(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def format_status(status: Status, now: datetime) -> str:
    """The status as the terminal shows it."""
    lines = [f"feeds ({len(status.feeds)})"]
    for f in status.feeds:
        lines.append(f"  {f.name}")
        lines.append(f"    last success: {_at(f.last_ok, now)}")
        if f.last_failed is not None:
            lines.append(f"    last failure: {_at(f.last_failed, now)}: {f.last_failure}")
        else:
            lines.append("    last failure: none")
        nxt = _at(f.next_poll, now) if f.next_poll else "at the next start"
        if f.next_poll is not None and f.next_poll <= now:
            nxt = f"due since {_at(f.next_poll, now)} (is `run` running?)"
        lines.append(f"    next poll:    {nxt}")
        lines.append(
            f"    so far:       {plural(f.entries, 'entry', 'entries')}, "
            f"{plural(f.mentions, 'mention')}, {plural(f.changes, 'change')}"
        )
    lines.append("channels")
    if not status.owed and not status.held:
        lines.append("  nothing owed: every alert was accepted by its platform")
    for o in status.owed:
        state = "not tried yet" if not o.error else f"last error: {o.error}"
        lines.append(
            f"  {o.platform} {o.channel}: {o.count} alert(s) owed since {_at(o.since, now)}; "
            f"first in line {state}; next attempt {_at(o.next_at, now)}"
        )
    for h in status.held:
        lines.append(
            f"  {h.platform} {h.channel}: {h.count} alert(s) held for its digest since "
            f"{_at(h.since, now)}"
            + (f"; last error: {h.error}; next attempt {_at(h.next_at, now)}" if h.error else "")
        )
    if status.unrouted:
        lines.append(
            f"  {status.unrouted} change(s) found but not yet routed to channels "
            "(the next poll or start does it)"
        )
    return "\n".join(lines)


def status_json(status: Status) -> dict[str, Any]:
    """The status as one JSON object (times in ISO 8601, UTC)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return to_iso(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    result: dict[str, Any] = plain(asdict(status))
    return result
