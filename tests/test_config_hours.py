"""Quiet hours and the daily digest set for a channel in the config file (issue 10, point 7)."""

from __future__ import annotations

import sqlite3
from datetime import time
from pathlib import Path

from bot.chat import commands
from bot.chat.commands import Caller, CommandDeps
from bot.chat.decide import QuietHours
from bot.chat.store import ChatStore, config_hours
from bot.config import load_config
from tests.fakes import FakeClock, FakeCountries, FakeHistory
from tests.feeds import config_problems

CHANNEL = """
[[subscriptions]]
platform = "slack"
channel = "C0123"
pairs = [["India", "Russia"]]
"""


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(CHANNEL + extra, encoding="utf-8")
    return path


def test_the_file_sets_a_channels_quiet_hours_and_digest_in_its_zone(tmp_path: Path) -> None:
    path = write(tmp_path, 'quiet = "22:00-07:00"\ndigest = "09:30"\ntimezone = "Asia/Kolkata"\n')
    (spec,) = load_config(path, FakeCountries()).subscriptions
    assert spec.hours is not None
    assert spec.hours.quiet == QuietHours(time(22), time(7), "Asia/Kolkata")
    assert (spec.hours.digest_at, spec.hours.zone) == (time(9, 30), "Asia/Kolkata")


def test_bad_hours_are_named_by_file_and_key_all_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, 'quiet = "late"\ndigest = "25:00"\ntimezone = "Mars/Olympus"\n')
    problems = config_problems(path)
    assert {p.key for p in problems} == {
        "subscriptions[0].quiet",
        "subscriptions[0].digest",
        "subscriptions[0].timezone",
    }
    assert all(p.file == str(path) for p in problems)


def test_the_channel_follows_the_file_and_chat_cannot_change_what_it_sets(tmp_path: Path) -> None:
    store = ChatStore(sqlite3.connect(":memory:"))
    deps = CommandDeps(store, FakeCountries(), FakeHistory(), FakeClock())
    ctx = deps.context("slack", "C0123", Caller("U1", can_manage=True))
    path = write(tmp_path, 'quiet = "22:00-07:00"\ndigest = "off"\ntimezone = "Europe/Paris"\n')
    store.load_config_hours(config_hours(load_config(path, FakeCountries()).subscriptions))
    assert store.schedule("slack", "C0123").quiet == QuietHours(time(22), time(7), "Europe/Paris")
    assert not store.digest("slack", "C0123")
    refused = commands.quiet(ctx, "off")
    assert refused.ephemeral and "set in the config file" in refused.text
    assert commands.digest(ctx, "on").ephemeral
    assert store.schedule("slack", "C0123").quiet is not None and not store.digest("slack", "C0123")

    # the file no longer sets the digest: chat may switch it, the quiet hours stay the file's
    path = write(tmp_path, 'quiet = "23:00-06:00"\n')
    store.load_config_hours(config_hours(load_config(path, FakeCountries()).subscriptions))
    assert store.schedule("slack", "C0123").quiet == QuietHours(time(23), time(6), "UTC")
    assert not commands.digest(ctx, "on").ephemeral and store.digest("slack", "C0123")
    assert commands.quiet(ctx, "off").ephemeral
