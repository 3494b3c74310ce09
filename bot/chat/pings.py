"""Opt-in pings: ``/watch notify @role downgrade upgrade`` makes a channel's alerts of those
kinds ping that Discord role or user, or that Slack user group or user. Off by default.

A channel may name several targets, each with its own kinds; a later ``notify`` of the same
target replaces its kinds, and ``notify off`` (or ``notify TARGET off``) stops it. Only the
first post of an alert pings: its updates (later sources) and digests do not.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.alert import PingTarget
from watchers import migrations
from watchers.db import Database, as_database
from watchers.model import ChangeKind

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chat_pings (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        kinds TEXT NOT NULL,
        set_at TEXT NOT NULL,
        set_by TEXT,
        PRIMARY KEY (platform, channel, target_kind, target_id)
    )
    """,
)
"""The ``pings`` component's steps (``watchers.migrations``)."""

PINGABLE = (
    ChangeKind.NEW,
    ChangeKind.UPGRADE,
    ChangeKind.DOWNGRADE,
    ChangeKind.REWORDING,
    ChangeKind.ASYMMETRY,
    ChangeKind.REAFFIRMED,
)

# What a mention looks like when the platform hands us a command's text.
_DISCORD = (("role", re.compile(r"<@&(\d{5,25})>")), ("user", re.compile(r"<@!?(\d{5,25})>")))
_SLACK = (
    ("group", re.compile(r"<!subteam\^([A-Z0-9]{2,30})(?:\|[^>]*)?>")),
    ("user", re.compile(r"<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>")),
    # typed as a bare id, where the app does not get mentions escaped
    ("group", re.compile(r"(S[A-Z0-9]{2,30})")),
    ("user", re.compile(r"([UW][A-Z0-9]{2,30})")),
)


def parse_target(platform: str, text: str) -> PingTarget | None:
    """The role, group or user a typed mention names on ``platform``, or None."""
    forms = _DISCORD if platform == "discord" else _SLACK if platform == "slack" else ()
    typed = text.strip()
    for kind, pattern in forms:
        if m := pattern.fullmatch(typed):
            return PingTarget(kind, m.group(1))
    return None


def parse_kinds(words: Iterable[str]) -> tuple[ChangeKind, ...] | None:
    """The change kinds named (``downgrade upgrade``, or ``all``), in order; None if any is not."""
    found: list[ChangeKind] = []
    for word in words:
        key = word.strip().lower().rstrip("s").replace("-", "")
        if key == "all":
            found.extend(PINGABLE)
            continue
        kind = next((k for k in PINGABLE if k.value == key), None)
        if kind is None:
            return None
        found.append(kind)
    return tuple(dict.fromkeys(found))


def target_label(target: PingTarget, platform: str) -> str:
    """How a reply names a target: as a mention Discord shows without pinging, else by id."""
    if platform == "discord":
        return f"<@&{target.id}>" if target.kind == "role" else f"<@{target.id}>"
    return f"user group {target.id}" if target.kind == "group" else f"user {target.id}"


class PingStore:
    """Who each channel's alerts ping, by kind of change (in the chat store's connection)."""

    def __init__(self, connection: Database | sqlite3.Connection) -> None:
        self.connection = connection = as_database(connection)
        migrations.migrate(migrations.DatabaseLedger(connection), "pings", MIGRATIONS)

    def set(
        self,
        platform: str,
        channel: str,
        target: PingTarget,
        kinds: Iterable[ChangeKind],
        *,
        now: datetime,
        by: str | None = None,
    ) -> None:
        """Ping ``target`` for these kinds of change in the channel (replacing its kinds)."""
        with self.connection:
            self.connection.execute(
                """INSERT INTO chat_pings (platform, channel, target_kind, target_id, kinds,
                   set_at, set_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (platform, channel, target_kind, target_id) DO UPDATE SET
                     kinds = excluded.kinds, set_at = excluded.set_at, set_by = excluded.set_by""",
                (
                    platform,
                    channel,
                    target.kind,
                    target.id,
                    ",".join(k.value for k in kinds),
                    now.isoformat(),
                    by,
                ),
            )

    def clear(self, platform: str, channel: str, target: PingTarget | None = None) -> int:
        """Stop pinging ``target`` (or anyone) in the channel; how many targets were dropped."""
        query = "DELETE FROM chat_pings WHERE platform = ? AND channel = ?"
        args: tuple[str, ...] = (platform, channel)
        if target is not None:
            query += " AND target_kind = ? AND target_id = ?"
            args += (target.kind, target.id)
        with self.connection:
            return self.connection.execute(query, args).rowcount

    def for_channel(self, platform: str, channel: str) -> list[tuple[PingTarget, tuple[str, ...]]]:
        """The channel's targets and the kinds each is pinged for."""
        rows = self.connection.execute(
            """SELECT target_kind, target_id, kinds FROM chat_pings
               WHERE platform = ? AND channel = ? ORDER BY set_at, target_id""",
            (platform, channel),
        )
        return [(PingTarget(r[0], r[1]), tuple(r[2].split(","))) for r in rows]

    def targets(self, platform: str, channel: str, kind: ChangeKind) -> tuple[PingTarget, ...]:
        """Whom an alert of this kind pings in the channel."""
        return tuple(
            target for target, kinds in self.for_channel(platform, channel) if kind.value in kinds
        )
