"""The subscription store: chat and config subscriptions, settings, routing, migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import SubscriptionSpec
from bot.subscriptions import (
    ConfigSubscription,
    Origin,
    Resumed,
    SubscriptionStore,
    config_subscriptions,
)
from watchers.errors import StoreError
from watchers.model import Country, Level, Pair

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(":memory:")
    yield c
    c.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> SubscriptionStore:
    s = SubscriptionStore(conn)
    s.ensure_schema()
    return s


def test_tables_are_prefixed_and_schema_is_idempotent(conn: sqlite3.Connection) -> None:
    store = SubscriptionStore(conn)
    store.ensure_schema()
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.ensure_schema()
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"sub_schema", "sub_subscriptions", "sub_channels"}
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]


def test_a_newer_schema_is_refused(conn: sqlite3.Connection) -> None:
    SubscriptionStore(conn).ensure_schema()
    with conn:
        conn.execute("INSERT INTO sub_schema (version) VALUES (99)")
    with pytest.raises(StoreError, match="newer"):
        SubscriptionStore(conn).ensure_schema()


def test_chat_subscription_survives_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "pw.sqlite"
    first = sqlite3.connect(path)
    s = SubscriptionStore(first)
    s.ensure_schema()
    s.add("discord", "42", "IND-RUS", now=NOW, created_by="7")
    first.close()

    second = sqlite3.connect(path)
    again = SubscriptionStore(second)
    again.ensure_schema()
    sub = again.get("discord", "42", "IND-RUS")
    second.close()
    assert sub is not None
    assert (sub.source, sub.min_level, sub.created_by, sub.created_at) == (
        Origin.CHAT,
        Level.REPORTED,
        "7",
        NOW,
    )


def test_routing_lists_every_unpaused_channel_of_a_pair(store: SubscriptionStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.add("slack", "C9", "IND-RUS", now=NOW)
    store.add("discord", "2", "IND-RUS", now=NOW)
    store.add("discord", "3", "USA-VNM", now=NOW)
    store.pause_channel("discord", "2", "channel deleted", now=NOW)

    routed = store.channels_for("IND-RUS")
    assert [(s.platform, s.channel) for s in routed] == [("discord", "1"), ("slack", "C9")]
    everything = store.channels_for("IND-RUS", include_paused=True)
    assert [s.paused_reason for s in everything] == [None, "channel deleted", None]


def test_routing_carries_level_mute_and_digest(store: SubscriptionStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.set_level("discord", "1", "IND-RUS", Level.OFFICIAL)
    store.mute("discord", "1", "IND-RUS", NOW + timedelta(hours=2))
    store.set_digest("discord", "1", True)

    (sub,) = store.channels_for("IND-RUS")
    assert sub.min_level is Level.OFFICIAL
    assert sub.digest is True
    assert sub.muted(NOW + timedelta(hours=1))
    assert not sub.muted(NOW + timedelta(hours=2))

    store.mute("discord", "1", "IND-RUS", None)
    store.set_digest("discord", "1", False)
    (sub,) = store.channels_for("IND-RUS")
    assert (sub.muted_until, sub.digest) == (None, False)


def test_naive_times_are_refused(store: SubscriptionStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.add("discord", "1", "IND-RUS", now=datetime(2025, 1, 1))


def test_pause_and_resume_a_channel(store: SubscriptionStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.add("discord", "1", "USA-VNM", now=NOW)
    assert store.pause_channel("discord", "1", "missing permissions", now=NOW) == 2
    assert store.pause_channel("discord", "1", "missing permissions", now=NOW) == 0
    assert store.channels_for("IND-RUS") == []
    assert store.resume_channel("discord", "1") == 2
    assert [s.channel for s in store.channels_for("IND-RUS")] == ["1"]


def test_adding_a_paused_subscription_resumes_it(store: SubscriptionStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.pause_channel("discord", "1", "gone", now=NOW)
    sub = store.add("discord", "1", "IND-RUS", now=NOW + timedelta(days=1))
    assert sub.paused_reason is None
    assert sub.created_at == NOW
    assert len(store.all()) == 1


def test_remove_leaves_config_subscriptions(store: SubscriptionStore) -> None:
    store.load_config([ConfigSubscription("discord", "1", "IND-RUS")], now=NOW)
    store.add("discord", "1", "USA-VNM", now=NOW)
    assert store.remove("discord", "1", "IND-RUS") is False
    assert store.remove("discord", "1", "USA-VNM") is True
    assert store.remove("discord", "1", "USA-VNM") is False
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]


def test_config_reload_replaces_config_rows_and_keeps_mutes(store: SubscriptionStore) -> None:
    store.load_config(
        [
            ConfigSubscription("discord", "1", "IND-RUS", Level.MULTI_SOURCE),
            ConfigSubscription("slack", "C1", "CHN-RUS"),
        ],
        now=NOW,
    )
    store.mute("discord", "1", "IND-RUS", NOW + timedelta(days=1))
    store.add("discord", "1", "USA-VNM", now=NOW)

    # The edit drops CHN-RUS, raises IND-RUS to official, and adopts the chat USA-VNM.
    store.load_config(
        [
            ConfigSubscription("discord", "1", "IND-RUS", Level.OFFICIAL),
            ConfigSubscription("discord", "1", "USA-VNM"),
        ],
        now=NOW,
    )
    subs = {(s.platform, s.channel, s.pair_key): s for s in store.all()}
    assert set(subs) == {("discord", "1", "IND-RUS"), ("discord", "1", "USA-VNM")}
    ind_rus = subs[("discord", "1", "IND-RUS")]
    assert ind_rus.min_level is Level.OFFICIAL
    assert ind_rus.muted_until == NOW + timedelta(days=1)
    assert subs[("discord", "1", "USA-VNM")].source is Origin.CONFIG


def test_chat_subscriptions_outlive_a_config_reload(store: SubscriptionStore) -> None:
    store.add("discord", "1", "USA-VNM", now=NOW)
    store.load_config([], now=NOW)
    assert [s.pair_key for s in store.all()] == ["USA-VNM"]


def test_config_file_subscriptions_expand_per_pair(store: SubscriptionStore) -> None:
    india, russia, china = (
        Country("IND", "India"),
        Country("RUS", "Russia"),
        Country("CHN", "China"),
    )
    specs = [
        SubscriptionSpec("discord", "1", (Pair.of(india, russia), Pair.of(china, russia))),
        SubscriptionSpec("slack", "C1", (Pair.of(china, russia),), Level.OFFICIAL),
    ]
    store.load_config(config_subscriptions(specs), now=NOW)
    assert [(s.platform, s.channel, s.pair_key, s.min_level, s.source) for s in store.all()] == [
        ("discord", "1", "CHN-RUS", Level.REPORTED, Origin.CONFIG),
        ("discord", "1", "IND-RUS", Level.REPORTED, Origin.CONFIG),
        ("slack", "C1", "CHN-RUS", Level.OFFICIAL, Origin.CONFIG),
    ]


def test_route_channels_give_the_router_every_setting(store: SubscriptionStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.add("slack", "C1", "IND-RUS", now=NOW)
    store.set_level("discord", "1", "IND-RUS", Level.OFFICIAL)
    store.mute("discord", "1", "IND-RUS", NOW + timedelta(hours=1))
    store.set_digest("discord", "1", True)
    store.pause_channel("slack", "C1", "channel_not_found", now=NOW)

    discord_channel, slack_channel = store.route_channels("IND-RUS")
    assert (discord_channel.platform, discord_channel.channel) == ("discord", "1")
    assert discord_channel.min_level is Level.OFFICIAL
    assert discord_channel.muted_until == NOW + timedelta(hours=1)
    assert discord_channel.digest is True
    assert discord_channel.paused is None
    assert slack_channel.paused == "channel_not_found"


def test_a_start_resumes_paused_config_subscriptions_not_chat_ones(
    store: SubscriptionStore,
) -> None:
    store.load_config(
        [
            ConfigSubscription("discord", "1", "IND-RUS"),
            ConfigSubscription("discord", "1", "USA-VNM"),
            ConfigSubscription("slack", "C1", "IND-RUS"),
        ],
        now=NOW,
    )
    store.add("discord", "1", "CHN-RUS", now=NOW)
    store.add("discord", "2", "CHN-RUS", now=NOW)
    store.pause_channel("discord", "1", "Missing Permissions", now=NOW)
    store.pause_channel("discord", "2", "Unknown Channel", now=NOW + timedelta(hours=1))

    (resumed,) = store.resume_config_pauses()

    assert resumed == Resumed("discord", "1", ("IND-RUS", "USA-VNM"), NOW, "Missing Permissions")
    paused = {(s.channel, s.pair_key): s.paused_reason for s in store.all() if s.paused}
    # Chat subscriptions wait for someone in the channel to /watch add again.
    assert paused == {("1", "CHN-RUS"): "Missing Permissions", ("2", "CHN-RUS"): "Unknown Channel"}
    assert [s.channel for s in store.channels_for("IND-RUS")] == ["1", "C1"]
    assert store.resume_config_pauses() == []


def test_a_pause_from_before_its_time_was_kept_is_resumed_too(conn: sqlite3.Connection) -> None:
    store = SubscriptionStore(conn)
    store.ensure_schema()
    store.load_config([ConfigSubscription("discord", "1", "IND-RUS")], now=NOW)
    store.pause_channel("discord", "1", "Missing Permissions", now=NOW)
    # Back to version 1, which kept the reason of a pause but not its time.
    conn.execute("ALTER TABLE sub_subscriptions DROP COLUMN paused_at")
    conn.execute("DELETE FROM sub_schema WHERE version = 2")

    store.ensure_schema()

    assert store.get("discord", "1", "IND-RUS").paused_reason == "Missing Permissions"  # type: ignore[union-attr]
    (resumed,) = store.resume_config_pauses()
    assert (resumed.paused_since, resumed.reason) == (None, "Missing Permissions")
