"""The chat store: chat and config subscriptions, channel settings, routing, migration."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.chat.decide import Channel, Delivered, QuietHours, Schedule
from bot.chat.store import (
    MIGRATIONS,
    ChatStore,
    ConfigSubscription,
    Origin,
    Resumed,
    Waiting,
    config_subscriptions,
)
from bot.config import SubscriptionSpec
from watchers.errors import StoreError
from watchers.migrations import DatabaseLedger, migrate
from watchers.model import Country, Level, Pair
from watchers.store import MIGRATIONS as HISTORY_MIGRATIONS
from watchers.store import Store

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
MADE = NOW
"""When the release 0.1 file below was written, by its own clock."""


def test_tables_are_prefixed_and_opening_again_changes_nothing(conn: sqlite3.Connection) -> None:
    store = ChatStore(conn)
    store.add("discord", "1", "IND-RUS", now=NOW)
    ChatStore(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {
        "schema_versions",
        "chat_subscriptions",
        "chat_settings",
        "chat_deliveries",
        "chat_decisions",
        "chat_queue",
        "chat_digest_waits",
        "chat_retries",
    }
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]
    assert DatabaseLedger(conn).version("chat") == len(MIGRATIONS)


def test_a_newer_schema_is_refused(conn: sqlite3.Connection) -> None:
    ChatStore(conn)
    with conn:
        conn.execute("UPDATE schema_versions SET version = 99 WHERE component = 'chat'")
    with pytest.raises(StoreError, match="newer"):
        ChatStore(conn)


def test_chat_subscription_survives_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "pw.sqlite"
    first = sqlite3.connect(path)
    s = ChatStore(first)
    s.add("discord", "42", "IND-RUS", now=NOW, created_by="7")
    first.close()

    second = sqlite3.connect(path)
    again = ChatStore(second)
    sub = again.get("discord", "42", "IND-RUS")
    second.close()
    assert sub is not None
    assert (sub.source, sub.min_level, sub.created_by, sub.created_at) == (
        Origin.CHAT,
        Level.REPORTED,
        "7",
        NOW,
    )


def test_routing_lists_every_unpaused_channel_of_a_pair(store: ChatStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.add("slack", "C9", "IND-RUS", now=NOW)
    store.add("discord", "2", "IND-RUS", now=NOW)
    store.add("discord", "3", "USA-VNM", now=NOW)
    store.pause_channel("discord", "2", "channel deleted", now=NOW)

    routed = store.channels_for("IND-RUS")
    assert [(s.platform, s.channel) for s in routed] == [("discord", "1"), ("slack", "C9")]
    everything = store.channels_for("IND-RUS", include_paused=True)
    assert [s.paused_reason for s in everything] == [None, "channel deleted", None]


def test_routing_carries_level_mute_and_digest(store: ChatStore) -> None:
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


def test_naive_times_are_refused(store: ChatStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.add("discord", "1", "IND-RUS", now=datetime(2025, 1, 1))


def test_pause_and_resume_a_channel(store: ChatStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.add("discord", "1", "USA-VNM", now=NOW)
    assert store.pause_channel("discord", "1", "missing permissions", now=NOW) == 2
    assert store.pause_channel("discord", "1", "missing permissions", now=NOW) == 0
    assert store.channels_for("IND-RUS") == []
    assert store.resume_channel("discord", "1") == 2
    assert [s.channel for s in store.channels_for("IND-RUS")] == ["1"]


def test_adding_a_paused_subscription_resumes_it(store: ChatStore) -> None:
    store.add("discord", "1", "IND-RUS", now=NOW)
    store.pause_channel("discord", "1", "gone", now=NOW)
    sub = store.add("discord", "1", "IND-RUS", now=NOW + timedelta(days=1))
    assert sub.paused_reason is None
    assert sub.created_at == NOW
    assert len(store.all()) == 1


def test_remove_leaves_config_subscriptions(store: ChatStore) -> None:
    store.load_config([ConfigSubscription("discord", "1", "IND-RUS")], now=NOW)
    store.add("discord", "1", "USA-VNM", now=NOW)
    assert store.remove("discord", "1", "IND-RUS") is False
    assert store.remove("discord", "1", "USA-VNM") is True
    assert store.remove("discord", "1", "USA-VNM") is False
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]


def test_config_reload_replaces_config_rows_and_keeps_mutes(store: ChatStore) -> None:
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


def test_chat_subscriptions_outlive_a_config_reload(store: ChatStore) -> None:
    store.add("discord", "1", "USA-VNM", now=NOW)
    store.load_config([], now=NOW)
    assert [s.pair_key for s in store.all()] == ["USA-VNM"]


def test_config_file_subscriptions_expand_per_pair(store: ChatStore) -> None:
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


def test_route_channels_give_the_router_every_setting(store: ChatStore) -> None:
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
    store: ChatStore,
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


def at_version(conn: sqlite3.Connection, version: int) -> None:
    """Bring an empty database's chat tables to an old version, as that release left them."""
    migrate(DatabaseLedger(conn), "chat", MIGRATIONS[:version])


def test_a_pause_from_before_its_time_was_kept_is_resumed_too(conn: sqlite3.Connection) -> None:
    at_version(conn, 1)  # kept the reason of a pause but not its time
    with conn:
        conn.execute(
            """INSERT INTO sub_subscriptions (platform, channel, pair_key, source, min_level,
               paused_reason, created_at) VALUES ('discord', '1', 'IND-RUS', 'config',
               'reported', 'Missing Permissions', ?)""",
            (NOW.isoformat(),),
        )

    store = ChatStore(conn)

    assert store.get("discord", "1", "IND-RUS").paused_reason == "Missing Permissions"  # type: ignore[union-attr]
    (resumed,) = store.resume_config_pauses()
    assert (resumed.paused_since, resumed.reason) == (None, "Missing Permissions")


def test_delivery_tables_of_version_3_gain_the_retry_line(conn: sqlite3.Connection) -> None:
    at_version(conn, 3)  # the first version of the delivery tables
    with conn:
        conn.execute(
            """INSERT INTO route_deliveries (platform, channel, change_id, revision,
               message_ref, delivered_at) VALUES ('discord', 'c1', '1', 0, 'm1', ?)""",
            (NOW.isoformat(),),
        )

    store = ChatStore(conn)

    channel = Channel("discord", "c1", "IND-RUS")
    assert store.delivered(channel, "1") == Delivered(0, "m1")
    assert store.waiting("discord", "c1") == []


def test_owed_posts_of_version_7_were_never_tried_as_far_as_anyone_knows(
    conn: sqlite3.Connection,
) -> None:
    at_version(conn, 7)  # kept no time of a first try
    with conn:
        conn.execute(
            """INSERT INTO chat_retries (platform, channel, change_id, pair_key, queued_at,
               failures, next_at, error) VALUES ('slack', 'C1', '1', 'IND-RUS', ?, 1, ?, '')""",
            (NOW.isoformat(), NOW.isoformat()),
        )

    store = ChatStore(conn)

    (owed,) = store.waiting("slack", "C1")
    assert (owed.failures, owed.tried_at) == (1, None)


def test_a_digest_time_of_version_4_stays_in_the_quiet_hours_zone(
    conn: sqlite3.Connection,
) -> None:
    at_version(conn, 4)  # read the digest time in the quiet hours' zone
    with conn:
        conn.execute(
            """INSERT INTO route_channels (platform, channel, quiet_start, quiet_end, zone,
               digest_at) VALUES ('slack', 'C1', '22:00', '07:00', 'Asia/Kolkata', '09:00')"""
        )

    store = ChatStore(conn)

    schedule = store.schedule("slack", "C1")
    assert (schedule.digest_at, schedule.digest_zone) == (time(9, 0), "Asia/Kolkata")
    # Lifting the quiet hours no longer moves the digest to UTC.
    store.set_quiet_hours("slack", "C1", None)
    assert store.schedule("slack", "C1").digest_zone == "Asia/Kolkata"


RELEASE_0_1 = Path(__file__).parent / "data" / "store-0.1.sqlite3"
"""A store file written by release 0.1, whose subscription and delivery tables were two
stores with two schema tables, and whose history version was the file's user_version. Made
with that release's own stores: a config subscription at multi-source, paused; a chat one
muted, at official, with a digest time in Asia/Kolkata, an alert waiting for a retry after
two failures and its earlier revision delivered as message msg-1; another channel with the
digest on, quiet hours in Europe/Paris and the change queued for its digest."""


def test_a_store_written_by_release_0_1_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(RELEASE_0_1, path)

    history = Store.open(path)
    store = ChatStore(history.connection)

    subscriptions = {(s.platform, s.channel, s.pair_key): s for s in store.all()}
    assert sorted(subscriptions) == [
        ("discord", "111", "IND-RUS"),
        ("discord", "222", "IND-RUS"),
        ("discord", "222", "USA-VNM"),
        ("slack", "C0CONFIG", "IND-RUS"),
    ]
    config = subscriptions["slack", "C0CONFIG", "IND-RUS"]
    assert (config.source, config.min_level, config.paused_reason, config.paused_at) == (
        Origin.CONFIG,
        Level.MULTI_SOURCE,
        "channel_not_found",
        MADE,
    )
    muted = subscriptions["discord", "111", "IND-RUS"]
    assert (muted.source, muted.min_level, muted.muted_until, muted.created_by) == (
        Origin.CHAT,
        Level.OFFICIAL,
        MADE + timedelta(days=2),
        "u1",
    )
    assert [s.digest for s in store.for_channel("discord", "222")] == [True, True]
    assert not muted.digest
    assert store.schedule("discord", "222") == Schedule(
        QuietHours(time(22, 0), time(7, 0), "Europe/Paris"), time(8, 0), "UTC"
    )
    assert store.schedule("discord", "111") == Schedule(None, time(18, 30), "Asia/Kolkata")

    (change,) = history.changes_of(Pair.of(Country("IND", "India"), Country("RUS", "Russia")))
    assert change.after == "particularly privileged strategic partnership"
    cid = str(change.change_id)
    (waits,) = store.waiting("discord", "111")
    assert (waits.change_id, waits.failures, waits.error, waits.next_at) == (
        cid,
        2,
        "HTTP 503",
        MADE + timedelta(minutes=5),
    )
    assert store.delivered(muted.as_channel(), cid) == Delivered(0, "msg-1")
    assert [q[0] for q in store.queued("discord", "222")] == [cid]
    assert store.last_decision("discord", "111", "IND-RUS") == ("alerted", "reported", MADE)
    assert DatabaseLedger(history.connection).version("history") == len(HISTORY_MIGRATIONS)
    assert DatabaseLedger(history.connection).version("chat") == len(MIGRATIONS)
    history.close()


def test_tries_of_posts_and_digests_are_noted_and_forgotten_alike_on_either_database(
    store_url: str,
) -> None:
    store = Store.open(store_url)
    chat = ChatStore(store.connection)
    later = NOW + timedelta(minutes=5)
    channel = Channel("slack", "C1", "IND-RUS")
    chat.wait(channel, Waiting("1", "IND-RUS", 0, NOW, ""), NOW)
    chat.trying("slack", "C1", "1", NOW)

    # Another passing failure keeps the first try's time; a refusal forgets it.
    chat.failed_again("slack", "C1", Waiting("1", "IND-RUS", 1, later, "503"))
    assert chat.waiting("slack", "C1")[0].tried_at == NOW
    chat.failed_again("slack", "C1", Waiting("1", "IND-RUS", 2, later, "no"), refused=True)
    (owed,) = chat.waiting("slack", "C1")
    assert (owed.failures, owed.error, owed.tried_at) == (2, "no", None)

    # A digest is tried on the changes it holds: a later try keeps the first one's time.
    for change_id in ("7", "8"):
        store.connection.execute(
            """INSERT INTO chat_queue (platform, channel, change_id, pair_key, queued_at)
               VALUES ('slack', 'C1', ?, 'IND-RUS', ?)""",
            (change_id, NOW.isoformat()),
        )
    assert chat.digest_tried("slack", "C1") is None
    chat.trying_digest("slack", "C1", ["7"], NOW)
    chat.trying_digest("slack", "C1", ["7", "8"], later)
    assert chat.digest_tried("slack", "C1") == NOW
    chat.digest_refused("slack", "C1")
    assert chat.digest_tried("slack", "C1") is None
    store.close()
