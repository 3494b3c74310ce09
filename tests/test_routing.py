"""Channel controls: levels, mutes, quiet hours, daily digests, updates and "why"."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.alert import Alert
from bot.chat.commands import Caller, CommandContext, CommandDeps
from bot.chat.decide import (
    Action,
    Channel,
    Delivered,
    QuietHours,
    digest_due,
    next_try,
    route,
)
from bot.chat.deliver import Router
from bot.chat.history import StoreHistoryReader, latest_decision
from bot.chat.ports import Payload, PlatformNotifier
from bot.chat.store import ChatStore
from bot.platforms.slack.parse import dispatch
from bot.render.digest import (
    Digest,
    render_digest_discord,
    render_digest_slack,
)
from bot.status import format_status, read_status
from tests.fakes import FakeClock, FakeCountries, FakeNotifier, pair
from tests.payload_limits import discord_problems, slack_problems
from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Level, Source
from watchers.store import Store

T0 = datetime(2023, 9, 10, 12, 0, tzinfo=UTC)
USVN = pair("USA", "VNM")


def change(level: Level = Level.REPORTED, revision: int = 0, sources: int = 1) -> Change:
    return Change(
        pair=USVN,
        kind=ChangeKind.UPGRADE,
        before="comprehensive partnership",
        after="comprehensive strategic partnership",
        diff=word_diff("comprehensive partnership", "comprehensive strategic partnership"),
        quote="On Sunday they agreed a comprehensive strategic partnership.",
        sources=tuple(
            Source(f"feed-{i}", f"https://news{i}.example/a", f"Story {i}", T0)
            for i in range(sources)
        ),
        detected_at=T0,
        level=level,
        change_id="1",
        revision=revision,
    )


def channel(**kw: object) -> Channel:
    return replace(Channel("discord", "c1", USVN.key), **kw)  # type: ignore[arg-type]


# --- the pure decision ------------------------------------------------------------------------


def test_a_plain_subscription_gets_the_alert_then_updates() -> None:
    r = route(change(), channel(), None, T0)
    assert (r.action, r.decision) == (Action.POST, "alerted")
    r = route(change(Level.OFFICIAL, 1, 2), channel(), Delivered(0, "m1"), T0)
    assert r.action is Action.UPDATE and "official" in r.reason
    r = route(change(Level.OFFICIAL, 1, 2), channel(), Delivered(1, "m1"), T0)
    assert r.action is Action.DROP


def test_a_minimum_level_alerts_once_when_reached() -> None:
    wants = channel(min_level=Level.OFFICIAL)
    r = route(change(), wants, None, T0)
    assert (r.action, r.decision) == (Action.HOLD, "below the channel's level")
    r = route(change(Level.MULTI_SOURCE, 1, 2), wants, None, T0)
    assert r.action is Action.HOLD
    r = route(change(Level.OFFICIAL, 2, 3), wants, None, T0)
    assert r.action is Action.POST and "on reaching official" in r.reason
    # ...and from then on it is an update, never a second alert.
    r = route(change(Level.OFFICIAL, 3, 4), wants, Delivered(2, "m"), T0)
    assert r.action is Action.UPDATE


def test_muted_and_paused_channels_get_nothing() -> None:
    muted = channel(muted_until=T0 + timedelta(hours=2))
    r = route(change(), muted, None, T0)
    assert (r.action, r.decision) == (Action.DROP, "muted")
    assert route(change(), muted, None, T0 + timedelta(hours=3)).action is Action.POST
    paused = channel(paused="channel_not_found")
    assert route(change(), paused, None, T0).decision == "paused"


def test_quiet_hours_hold_alerts_for_a_digest_when_they_end() -> None:
    quiet = QuietHours.parse("22:00-07:00", "Asia/Ho_Chi_Minh")  # UTC+7
    c = channel(quiet=quiet)
    night = datetime(2023, 9, 10, 16, 0, tzinfo=UTC)  # 23:00 in Hanoi
    r = route(change(), c, None, night)
    assert r.action is Action.QUEUE and "2023-09-11 00:00 UTC" in r.reason
    assert digest_due(c, night, night + timedelta(hours=7, minutes=59)) is None
    assert digest_due(c, night, night + timedelta(hours=8)) == "quiet hours ended"
    day = datetime(2023, 9, 10, 5, 0, tzinfo=UTC)  # 12:00 in Hanoi
    assert route(change(), c, None, day).action is Action.POST


def test_a_daily_digest_goes_out_once_a_day() -> None:
    c = channel(digest=True, digest_at=time(8, 0))
    r = route(change(), c, None, T0)
    assert r.action is Action.QUEUE and r.decision == "queued for the daily digest"
    next_morning = datetime(2023, 9, 11, 8, 0, tzinfo=UTC)
    assert digest_due(c, T0, next_morning - timedelta(minutes=1)) is None
    assert digest_due(c, T0, next_morning) == "daily digest"


@pytest.mark.parametrize(
    "text", ["22:00", "25:00-07:00", "08:00-08:00", "x-y", "22:00+05:00-07:00", "22:00:30-07:00"]
)
def test_quiet_hours_must_be_a_span(text: str) -> None:
    with pytest.raises(ValueError, match="quiet hours"):
        QuietHours.parse(text)


def test_quiet_hours_in_an_unknown_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="known zone"):
        QuietHours.parse("22:00-07:00", "Mars/Olympus")


def test_retries_back_off_then_give_up() -> None:
    waits = [next_try(n, T0) for n in range(1, 6)]
    assert [w - T0 if w else None for w in waits] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        None,
    ]


# --- the router, with a fake notifier ---------------------------------------------------------


class Setup:
    def __init__(self, channels: list[Channel]) -> None:
        self.store = Store.open(":memory:")
        self.routes = ChatStore(self.store.connection)
        self.clock = FakeClock(T0)
        self.notifier = FakeNotifier()
        self.channels = channels
        self.gone: list[tuple[str, str]] = []
        self.router = Router(
            chat=self.routes,
            history=self.store,
            channels=lambda key: [c for c in self.channels if c.pair_key == key],
            notifiers={"discord": self.notifier},
            clock=self.clock,
            on_gone=lambda c, reason: self.gone.append((c.channel, reason)),
        )

    def stored(self, level: Level = Level.REPORTED, revision: int = 0, sources: int = 1) -> Change:
        c = change(level, revision, sources)
        if revision == 0:
            return replace(c, change_id=str(self.store.record_change(c)))
        self.store.update_change(c, self.clock.now())
        return c


async def test_one_alert_per_channel_and_later_sources_edit_it() -> None:
    s = Setup([channel(channel="a"), channel(channel="b", min_level=Level.OFFICIAL)])
    first = s.stored()
    await s.router.deliver(first)
    assert [c for c, _ in s.notifier.posts] == ["a"]
    s.clock.advance(minutes=30)
    await s.router.deliver(
        replace(first, level=Level.MULTI_SOURCE, revision=1, sources=change(sources=2).sources)
    )
    s.clock.advance(hours=4)
    await s.router.deliver(
        replace(first, level=Level.OFFICIAL, revision=2, sources=change(sources=3).sources)
    )
    assert [c for c, _ in s.notifier.posts] == ["a", "b"]  # b once, on reaching official
    assert [(c, ref, a.level) for c, ref, a in s.notifier.updates] == [
        ("a", "msg-1", Level.MULTI_SOURCE),
        ("a", "msg-1", Level.OFFICIAL),
    ]
    assert s.routes.delivered(s.channels[1], "1") == Delivered(2, "msg-2")


async def test_quiet_hours_queue_then_one_digest_with_the_latest_state() -> None:
    s = Setup([channel()])
    s.routes.set_quiet_hours("discord", "c1", QuietHours.parse("10:00-14:00"))
    first = s.stored()
    await s.router.deliver(first)
    assert s.notifier.posts == []
    await s.router.deliver(s.stored(Level.OFFICIAL, 1, 2))  # an update while queued
    assert s.notifier.updates == []
    assert await s.router.flush_digests(lambda key: USVN) == 0  # still quiet
    s.clock.advance(hours=2)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    ((target, digest),) = s.notifier.digests
    assert target == "c1" and digest.reason == "quiet hours ended"
    (alert,) = digest.alerts
    assert alert.level is Level.OFFICIAL and len(alert.sources) == 2
    assert await s.router.flush_digests(lambda key: USVN) == 0  # sent once


@pytest.mark.parametrize("controls", ["quiet hours", "daily digest"])
async def test_a_change_sent_in_a_digest_is_not_alerted_again_by_later_sources(
    controls: str,
) -> None:
    s = Setup([channel(digest=controls == "daily digest", digest_at=time(14, 0))])
    if controls == "quiet hours":
        s.routes.set_quiet_hours("discord", "c1", QuietHours.parse("10:00-14:00"))
    await s.router.deliver(s.stored())
    s.clock.advance(hours=2)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    s.clock.advance(hours=1)  # the official statement attaches to the change
    ((_, r),) = await s.router.deliver(s.stored(Level.OFFICIAL, 1, 2))
    assert (r.action, r.decision) == (Action.DROP, "alerted")
    s.clock.advance(days=1)
    assert await s.router.flush_digests(lambda key: USVN) == 0
    assert (s.notifier.posts, s.notifier.updates, len(s.notifier.digests)) == ([], [], 1)


async def test_a_digest_still_goes_out_when_its_first_pair_was_unsubscribed() -> None:
    inru = pair("IND", "RUS")
    s = Setup([channel(), channel(pair_key=inru.key)])
    s.routes.set_quiet_hours("discord", "c1", QuietHours.parse("10:00-14:00"))
    await s.router.deliver(s.stored())
    s.clock.advance(minutes=5)
    other = replace(change(), pair=inru, quote="India and Russia keep a special partnership.")
    other = replace(other, change_id=str(s.store.record_change(other)))
    await s.router.deliver(other)
    assert len(s.routes.queued("discord", "c1")) == 2
    s.channels = [channel(pair_key=inru.key)]  # /watch remove United States Vietnam
    s.clock.advance(hours=2)
    pairs = {USVN.key: USVN, inru.key: inru}
    assert await s.router.flush_digests(pairs.get) == 1
    ((target, digest),) = s.notifier.digests
    assert target == "c1" and [a.pair for a in digest.alerts] == [inru]
    assert s.routes.queued("discord", "c1") == []


async def test_held_changes_that_cannot_be_read_back_make_no_empty_digest() -> None:
    s = Setup([channel(digest=True)])
    await s.router.deliver(s.stored())
    s.clock.advance(days=1)
    # The pair's country left the table meanwhile (an edited countries file).
    assert await s.router.flush_digests(lambda key: None) == 0
    assert s.notifier.digests == []
    assert s.routes.queued("discord", "c1") == []


async def test_a_gone_channel_is_reported_once_and_the_decision_kept() -> None:
    s = Setup([channel()])
    s.notifier.gone.add("c1")
    ((_, r),) = await s.router.deliver(s.stored())
    assert r.decision == "not delivered" and "channel_not_found" in r.reason
    assert s.gone == [("c1", "channel 'c1': channel_not_found")]


async def test_an_unexpected_failure_in_one_channel_spares_the_others_and_is_retried() -> None:
    s = Setup([channel(channel="a"), channel(channel="b")])
    s.notifier.broken.add("a")
    decided = await s.router.deliver(s.stored())
    assert [(c.channel, r.decision) for c, r in decided] == [
        ("a", "waiting to retry"),
        ("b", "alerted"),
    ]
    assert decided[0][1].reason.startswith("unexpected error: KeyError")
    s.notifier.broken.clear()
    s.clock.advance(minutes=1)
    assert await s.router.retry_waiting(lambda key: USVN) == 1
    assert [c for c, _ in s.notifier.posts] == ["b", "a"]


async def test_an_unexpected_failure_of_one_digest_spares_the_others() -> None:
    s = Setup([channel(channel="a", digest=True), channel(channel="b", digest=True)])
    await s.router.deliver(s.stored())
    s.notifier.broken.add("a")
    s.clock.advance(days=1)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    assert [c for c, _ in s.notifier.digests] == ["b"]
    s.notifier.broken.clear()
    assert await s.router.flush_digests(lambda key: USVN) == 0  # a waits a minute first
    s.clock.advance(minutes=1)
    assert await s.router.flush_digests(lambda key: USVN) == 1  # a's held alert is still there
    assert [c for c, _ in s.notifier.digests] == ["b", "a"]


class LeakyNotifier(FakeNotifier):
    """A notifier whose digest fails with an error that carries a webhook's secret."""

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        if channel in self.broken:
            raise RuntimeError("POST https://hooks.example/services/T000/B000/s3cr3t-token failed")
        await super().digest(channel, digest, tried_at=tried_at)


async def test_a_digest_that_fails_unexpectedly_keeps_only_the_kind_of_error() -> None:
    s = Setup([channel(digest=True)])
    s.notifier = LeakyNotifier()
    s.router.notifiers["discord"] = s.notifier
    await s.router.deliver(s.stored())
    s.notifier.broken.add("c1")
    s.clock.advance(days=1)
    assert await s.router.flush_digests(lambda key: USVN) == 0
    wait = s.routes.digest_wait("discord", "c1")
    assert wait is not None and "unexpected error: RuntimeError" in wait.error
    shown = format_status(read_status(s.store.connection, []), s.clock.now())
    assert "unexpected error: RuntimeError" in shown
    assert "s3cr3t" not in wait.error and "s3cr3t" not in shown


async def test_a_digest_failure_the_store_cannot_note_spares_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Setup([channel(channel="a", digest=True), channel(channel="b", digest=True)])
    await s.router.deliver(s.stored())
    s.notifier.broken.add("a")
    s.clock.advance(days=1)

    def store_down(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(s.routes, "digest_waits", store_down)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    assert [c for c, _ in s.notifier.digests] == ["b"]
    assert len(s.routes.queued("discord", "a")) == 1  # a's alert is still held
    monkeypatch.undo()
    s.notifier.broken.clear()
    assert await s.router.flush_digests(lambda key: USVN) == 1  # no wait was noted: tried at once
    assert [c for c, _ in s.notifier.digests] == ["b", "a"]


async def test_a_digest_whose_platform_is_down_is_tried_less_often_and_never_dropped() -> None:
    s = Setup([channel(digest=True)])
    await s.router.deliver(s.stored())
    s.notifier.down.add("c1")
    s.clock.advance(days=1)
    tried_at = []
    for minute in range(6 * 60):  # six hours of flushes, one a minute
        tries = len(s.notifier.digest_tries)
        await s.router.flush_digests(lambda key: USVN)
        if len(s.notifier.digest_tries) > tries:
            tried_at.append(minute)
        s.clock.advance(minutes=1)
    # 1, 5 and 30 minutes, then two hours between tries, as for an alert; never given up.
    assert tried_at == [0, 1, 6, 36, 156, 276]
    assert len(s.routes.queued("discord", "c1")) == 1
    wait = s.routes.digest_wait("discord", "c1")
    assert wait is not None and wait.failures == 6 and "service_unavailable" in wait.error
    shown = format_status(read_status(s.store.connection, []), s.clock.now())
    assert (
        "discord c1: 1 alert(s) held for its digest since 2023-09-10 12:00 UTC (30.0 h ago); "
        "last error: channel 'c1': service_unavailable; next attempt 2023-09-11 18:36 UTC "
        "(in 36 min)"
    ) in shown

    s.notifier.down.clear()  # the platform is back: the next try after the wait goes out
    s.clock.advance(hours=2)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    assert [c for c, _ in s.notifier.digests] == ["c1"]
    assert s.routes.digest_wait("discord", "c1") is None


async def test_an_alert_that_waits_follows_the_channel_controls_when_retried() -> None:
    s = Setup([channel(channel="a"), channel(channel="b"), channel(channel="c")])
    s.notifier.down.update({"a", "b", "c"})
    decided = await s.router.deliver(s.stored())
    assert {r.decision for _, r in decided} == {"waiting to retry"}
    # Meanwhile a is muted, b switches to the daily digest, c unsubscribes.
    s.channels = [
        channel(channel="a", muted_until=T0 + timedelta(days=1)),
        channel(channel="b", digest=True),
    ]
    s.notifier.down.clear()
    s.clock.advance(minutes=1)
    assert await s.router.retry_waiting(lambda key: USVN) == 0
    assert s.notifier.posts == []
    assert latest_decision(s.store, s.routes, USVN.key, "discord", "a") == (
        "muted",
        "muted until 2023-09-11 12:00 UTC",
    )
    assert s.routes.queued("discord", "b")[0][0] == "1"
    assert s.routes.waiting_channels() == []


async def test_a_platform_that_is_not_connected_is_said_so() -> None:
    s = Setup([replace(channel(), platform="slack")])
    ((_, r),) = await s.router.deliver(s.stored())
    assert (r.decision, r.reason) == ("not delivered", "slack is not connected")
    assert s.routes.waiting_channels() == []


async def test_why_tells_the_last_decision_and_its_reason() -> None:
    s = Setup([channel(min_level=Level.OFFICIAL)])
    assert latest_decision(s.store, s.routes, USVN.key, "discord", "c1") is None
    await s.router.deliver(s.stored())
    assert latest_decision(s.store, s.routes, USVN.key, "discord", "c1") == (
        "below the channel's level",
        "reported so far; this channel waits for official",
    )
    # A later mention the rules set aside (flip-flop) is the newer news.
    s.store.record_decision(USVN.key, T0 + timedelta(hours=1), "flip-flop", "used lately", None)
    decided = latest_decision(s.store, s.routes, USVN.key, "discord", "c1")
    assert decided == ("flip-flop", "used lately")
    s.clock.advance(hours=2)
    muted = [channel(muted_until=T0 + timedelta(days=1))]
    s.channels = muted
    await s.router.deliver(replace(change(), change_id="1", revision=0))
    decision, reason = latest_decision(s.store, s.routes, USVN.key, "discord", "c1") or ("", "")
    assert decision == "muted" and reason.startswith("muted until 2023-09-11")


# --- digest rendering -------------------------------------------------------------------------


def _alerts(n: int) -> tuple[Alert, ...]:
    from bot.alert import alert_from_change

    return tuple(alert_from_change(replace(change(), change_id=str(i))) for i in range(n))


@pytest.mark.parametrize("n", [1, 3, 80])
def test_digests_stay_within_limits_and_say_how_many(n: int) -> None:
    digest = Digest("daily digest", _alerts(n))
    discord = render_digest_discord(digest)
    slack = render_digest_slack(digest)
    assert discord_problems(discord) == [] and slack_problems(slack) == []
    assert f"Digest: {n} alert" in discord["embeds"][0]["title"]
    lines = discord["embeds"][0]["description"].splitlines()
    shown = sum(line.startswith("• ") for line in lines)
    more = int(lines[-1].split()[2]) if lines[-1].startswith("…") else 0
    assert shown + more == n  # every alert is in it, or counted in "… and N more"
    if n == 80:
        assert "more" in discord["embeds"][0]["description"].splitlines()[-1]
        assert "more" in slack["blocks"][1]["text"]["text"].splitlines()[-1]


def test_the_daily_digest_goes_out_at_its_own_time_and_zone() -> None:
    c = channel(digest=True, digest_at=time(9, 0), digest_zone="Asia/Kolkata")  # UTC+5:30
    assert digest_due(c, T0, datetime(2023, 9, 11, 3, 29, tzinfo=UTC)) is None
    assert digest_due(c, T0, datetime(2023, 9, 11, 3, 30, tzinfo=UTC)) == "daily digest"


def command_context(s: Setup) -> CommandContext:
    """/watch in channel c1, by someone allowed to change it, over the router's own store."""
    history = StoreHistoryReader(s.store, s.routes, FakeCountries())
    deps = CommandDeps(s.routes, FakeCountries(), history, s.clock)
    return deps.context("discord", "c1", Caller("U1", can_manage=True))


async def test_quiet_hours_set_in_chat_hold_alerts_until_they_end() -> None:
    s = Setup([channel()])
    dispatch(command_context(s), "quiet 12:00-14:00 Europe/London")  # 11:00-13:00 UTC in summer

    await s.router.deliver(s.stored())  # 12:00 UTC: 13:00 in London

    assert s.notifier.posts == []
    s.clock.advance(minutes=59)
    assert await s.router.flush_digests(lambda key: USVN) == 0
    s.clock.advance(minutes=1)
    assert await s.router.flush_digests(lambda key: USVN) == 1
    ((_, digest),) = s.notifier.digests
    assert digest.reason == "quiet hours ended"


async def test_the_digest_time_set_in_chat_is_when_the_digest_goes_out() -> None:
    s = Setup([channel(digest=True)])
    dispatch(command_context(s), "digest on 18:00 Asia/Kolkata")  # 12:30 UTC

    await s.router.deliver(s.stored())  # 12:00 UTC

    s.clock.advance(minutes=29)
    assert await s.router.flush_digests(lambda key: USVN) == 0
    s.clock.advance(minutes=1)
    assert await s.router.flush_digests(lambda key: USVN) == 1


# --- bridges: subscriptions in, payloads out, "why" for the commands --------------------------


async def test_subscriptions_feed_the_router_and_payloads_reach_the_outlet() -> None:
    from bot.render.digest import render_digest_discord
    from bot.render.discord import render_discord

    store = Store.open(":memory:")
    subs = ChatStore(store.connection)
    subs.add("discord", "123", USVN.key, now=T0)
    subs.add("discord", "456", USVN.key, now=T0, min_level=Level.OFFICIAL)
    subs.mute("discord", "123", USVN.key, None)
    sent: list[tuple[str, str, Payload]] = []

    class Outlet:
        async def post(self, channel: str, payload: Payload) -> str:
            sent.append(("post", channel, payload))
            return f"m{len(sent)}"

        async def edit(self, channel: str, ref: str, payload: Payload) -> None:
            sent.append(("edit:" + ref, channel, payload))

    notifier = PlatformNotifier(
        Outlet(), render=render_discord, render_digest=render_digest_discord
    )
    router = Router(
        chat=subs,
        history=store,
        notifiers={"discord": notifier},
        clock=FakeClock(T0),
    )
    first = change()
    first = replace(first, change_id=str(store.record_change(first)))
    await router.deliver(first)
    later = replace(first, level=Level.OFFICIAL, revision=1, sources=change(sources=2).sources)
    store.update_change(later, T0)
    await router.deliver(later)
    assert [(what, channel) for what, channel, _ in sent] == [
        ("post", "123"),
        ("edit:m1", "123"),
        ("post", "456"),
    ]
    assert sent[0][2]["allowed_mentions"] == {"parse": []}
    history = StoreHistoryReader(store, subs, FakeCountries())
    assert history.last_decision(USVN.key, "discord", "456") == (
        "alerted",
        "upgrade on reaching official",
    )
    assert [c.after for c in history.recent_changes(USVN.key, 5)] == [first.after]
