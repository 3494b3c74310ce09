"""A platform that is briefly down loses nothing: the alert waits and is retried.

At the wire: the real router, the real Discord and Slack senders and the local fakes, which
answer 503 for a while and then recover. The clock is a fake one, moved by hand past the
retry schedule (1 min, 5 min, 30 min, 2 h, then give up).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.alert import Alert, alert_from_change
from bot.chat.decide import Delivered
from bot.chat.deliver import Router
from bot.chat.history import latest_decision
from bot.chat.ports import Notifier
from bot.chat.store import ChatStore
from bot.platforms.discord.delivery import DiscordDelivery
from bot.platforms.discord.platform import discord_notifier
from bot.platforms.discord.senders import DiscordSenders
from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.delivery import SlackDelivery, make_web_client
from bot.platforms.slack.platform import slack_notifier
from bot.render.digest import Digest
from bot.render.discord import render_discord
from bot.render.slack import render_slack
from tests.fake_discord import FakeDiscord
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import PARTICULARLY, FakeClock, pair, rewording
from watchers.model import Change, Level, Pair, Source
from watchers.store import Store

DISCORD_CHANNEL = "1200000000000000007"
DISCORD_POSTS = f"/channels/{DISCORD_CHANNEL}/messages"
SLACK_CHANNEL = "C0DESK"
PAIR = pair("IND", "RUS")
START = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)


def pair_of(key: str) -> Pair | None:
    return PAIR if key == PAIR.key else None


def shown(api: FakeDiscord) -> list[dict[str, object]]:
    """The embeds of each message in the Discord channel, oldest first."""
    return [m["embeds"][0] for m in api.messages.get(DISCORD_CHANNEL, {}).values()]


def embed(change: Change) -> dict[str, object]:
    """The embed the renderer makes for ``change``."""
    out: dict[str, object] = render_discord(alert_from_change(change))["embeds"][0]
    return out


def posts(api: FakeDiscord) -> int:
    """How many times the bot asked to post in the Discord channel."""
    return len(api.sent("POST", DISCORD_POSTS))


class World:
    """A store on disk, its subscriptions and a router posting through one notifier."""

    def __init__(self, path: Path, notifier: tuple[str, Notifier], clock: FakeClock) -> None:
        self.path = path
        self.notifier = notifier
        self.clock = clock
        self.open()

    def open(self) -> None:
        """Open the store and build a router over it, as a fresh start of the program does."""
        self.store = Store.open(self.path)
        self.chat = ChatStore(self.store.connection)
        platform, notifier = self.notifier
        self.router = Router(
            chat=self.chat,
            history=self.store,
            notifiers={platform: notifier},
            clock=self.clock,
        )

    def subscribe(self, platform: str, channel: str) -> None:
        self.chat.add(platform, channel, PAIR.key, now=self.clock.now())

    def stored(self, change: Change) -> Change:
        """The change as the pipeline hands it over: recorded, with its id."""
        return replace(change, change_id=str(self.store.record_change(change)))

    async def deliver(self, change: Change) -> list[str]:
        return [r.decision for _, r in await self.router.deliver(change)]

    async def retry_after(self, **wait: float) -> int:
        self.clock.advance(**wait)
        return await self.router.retry_waiting(pair_of)

    def why(self, platform: str, channel: str) -> tuple[str, str] | None:
        return latest_decision(self.store, self.chat, PAIR.key, platform, channel)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def discord_world(
    discord_bot: DiscordDelivery, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[World]:
    notifier = discord_notifier(DiscordSenders(bot=discord_bot))
    world = World(tmp_path / "store.sqlite3", ("discord", notifier), clock)
    world.subscribe("discord", DISCORD_CHANNEL)
    yield world
    world.store.close()


@pytest.fixture
def slack_api(slack_api: FakeSlack, clock: FakeClock) -> FakeSlack:
    """The shared fake, with the channel alerts go to, and the test's clock as Slack's."""
    slack_api.add_channel(SLACK_CHANNEL)
    slack_api.clock = lambda: clock.now().timestamp()
    return slack_api


@pytest.fixture
def slack_world(slack_delivery: SlackDelivery, tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    notifier = slack_notifier(slack_delivery)
    world = World(tmp_path / "store.sqlite3", ("slack", notifier), clock)
    world.subscribe("slack", SLACK_CHANNEL)
    yield world
    world.store.close()


async def test_discord_down_for_a_while_gets_the_alert_exactly_once(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    discord_api.fail("POST", DISCORD_POSTS, 503, times=2)
    change = discord_world.stored(rewording())

    assert await discord_world.deliver(change) == ["waiting to retry"]
    decision, reason = discord_world.why("discord", DISCORD_CHANNEL) or ("", "")
    assert decision == "waiting to retry"
    assert "HTTP 503" in reason and "next try at 2025-03-14 10:01 UTC" in reason

    assert await discord_world.retry_after(seconds=30) == 0  # not due yet: nothing asked
    assert posts(discord_api) == 1
    assert await discord_world.retry_after(seconds=30) == 0  # due, and still down
    assert await discord_world.retry_after(minutes=4) == 0  # the next wait is 5 minutes
    assert posts(discord_api) == 2
    assert await discord_world.retry_after(minutes=1) == 1  # Discord is back

    assert shown(discord_api) == [embed(change)]
    assert discord_world.why("discord", DISCORD_CHANNEL) == ("alerted", "rewording")
    assert await discord_world.retry_after(hours=3) == 0
    assert await discord_world.deliver(change) == ["alerted"]  # it has it already
    assert posts(discord_api) == 3


async def test_an_update_while_the_post_waits_is_posted_once_in_its_latest_state(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    discord_api.fail("POST", DISCORD_POSTS, 503, times=1)
    first = discord_world.stored(rewording())
    await discord_world.deliver(first)

    official = Source("MFA", "https://mfa.example.org/statement", "Joint statement", None, True)
    later = replace(first, sources=(*first.sources, official), level=Level.OFFICIAL, revision=1)
    discord_world.store.update_change(later, discord_world.clock.now())
    assert await discord_world.deliver(later) == ["waiting to retry"]
    assert posts(discord_api) == 1  # nothing sent meanwhile

    assert await discord_world.retry_after(minutes=1) == 1

    assert shown(discord_api) == [embed(later)]
    # A 503 may come after Discord made the message: the retry's answer may be that message
    # as it was, so it is edited to the alert's present state.
    assert len(discord_api.sent("PATCH", DISCORD_POSTS + "/.*")) == 1
    assert await discord_world.deliver(later) == ["alerted"]
    assert posts(discord_api) == 2


async def test_alerts_that_wait_go_out_in_their_order(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    words = (PARTICULARLY, "comprehensive strategic partnership")
    first, second = (discord_world.stored(rewording(w)) for w in words)
    discord_api.fail("POST", DISCORD_POSTS, 503, times=2)

    assert await discord_world.deliver(first) == ["waiting to retry"]
    # Whether or not Discord is back, the second must not overtake the first.
    assert await discord_world.deliver(second) == ["waiting to retry"]
    assert posts(discord_api) == 1
    assert await discord_world.retry_after(minutes=1) == 0  # the first fails again...
    assert posts(discord_api) == 2  # ...and the second waits behind it

    assert await discord_world.retry_after(minutes=5) == 2
    assert shown(discord_api) == [embed(first), embed(second)]


async def test_a_restart_still_retries(discord_api: FakeDiscord, discord_world: World) -> None:
    discord_api.fail("POST", DISCORD_POSTS, 503, times=1)
    change = discord_world.stored(rewording())
    await discord_world.deliver(change)

    discord_world.store.close()
    discord_world.open()  # a new process: new store connection, new router

    assert await discord_world.retry_after(minutes=1) == 1
    assert shown(discord_api) == [embed(change)]


async def test_a_platform_down_for_hours_is_given_up_with_a_warning_per_try(
    discord_api: FakeDiscord, discord_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    discord_api.fail("POST", DISCORD_POSTS, 503, times=None)
    change = discord_world.stored(rewording())
    await discord_world.deliver(change)

    for wait in (1, 5, 30, 120):
        assert await discord_world.retry_after(minutes=wait) == 0
    assert await discord_world.retry_after(days=1) == 0

    assert posts(discord_api) == 5
    *tries, warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    # Each failed try says what the platform answered and when the next one is.
    assert [t.getMessage().count("HTTP 503") for t in tries] == [1, 1, 1, 1]
    assert "next attempt at 2025-03-14 10:01:00 UTC" in tries[0].getMessage()
    assert "next attempt at 2025-03-14 12:36:00 UTC" in tries[3].getMessage()
    assert "gave up" in warning.getMessage() and DISCORD_CHANNEL in warning.getMessage()
    assert "IND-RUS" in warning.getMessage() and PARTICULARLY in warning.getMessage()
    decision, reason = discord_world.why("discord", DISCORD_CHANNEL) or ("", "")
    assert decision == "not delivered" and reason.startswith("gave up after 5 tries")
    sub = discord_world.chat.get("discord", DISCORD_CHANNEL, PAIR.key)
    assert sub is not None and sub.paused_reason is None  # a passing outage pauses nothing


async def test_slack_down_for_a_while_gets_the_alert_exactly_once(
    slack_api: FakeSlack, slack_world: World
) -> None:
    for _ in range(2):
        slack_api.fail_next("chat.postMessage", "service_unavailable", status=503)
    change = slack_world.stored(rewording())

    assert await slack_world.deliver(change) == ["waiting to retry"]
    decision, reason = slack_world.why("slack", SLACK_CHANNEL) or ("", "")
    assert decision == "waiting to retry" and "service_unavailable" in reason
    assert await slack_world.retry_after(minutes=1) == 0
    assert await slack_world.retry_after(minutes=5) == 1
    assert await slack_world.retry_after(hours=3) == 0

    (message,) = slack_api.posted(SLACK_CHANNEL)
    assert message.blocks == render_slack(alert_from_change(change))["blocks"]
    assert len(slack_api.calls_to("chat.postMessage")) == 3


async def test_slack_archived_channel_is_paused_once_and_not_retried(
    slack_api: FakeSlack, slack_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    slack_api.add_channel(SLACK_CHANNEL, archived=True)

    assert await slack_world.deliver(slack_world.stored(rewording())) == ["not delivered"]
    later = slack_world.stored(rewording("comprehensive strategic partnership"))
    assert await slack_world.deliver(later) == ["paused"]
    assert await slack_world.retry_after(hours=1) == 0

    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert len([r for r in caplog.records if " paused: " in r.getMessage()]) == 1
    sub = slack_world.chat.get("slack", SLACK_CHANNEL, PAIR.key)
    assert sub is not None and sub.paused_reason is not None
    assert "is_archived" in sub.paused_reason


async def test_slack_a_deleted_alert_is_posted_anew_for_a_later_source_then_edited(
    slack_api: FakeSlack, slack_world: World
) -> None:
    change = slack_world.stored(rewording())
    await slack_world.deliver(change)
    slack_api.messages.clear()  # someone deleted the alert
    second = replace(change, level=Level.MULTI_SOURCE, revision=1)

    assert await slack_world.deliver(second) == ["updated"]
    (anew,) = slack_api.posted(SLACK_CHANNEL)
    assert anew.blocks == render_slack(alert_from_change(second))["blocks"]
    assert await slack_world.deliver(replace(second, level=Level.OFFICIAL, revision=2)) == [
        "updated"
    ]
    (edited,) = slack_api.posted(SLACK_CHANNEL)
    assert edited.ts == anew.ts and edited.edits == 1


def slack_world_with(slack_api: FakeSlack, tmp_path: Path, clock: FakeClock) -> World:
    """A world posting to the fake Slack with a client that gives up after a second."""
    client = make_web_client(BOT_TOKEN, slack_api.api_base, timeout=1)
    delivery = SlackDelivery(
        client, pacer=ChannelPacer(interval=0), clock=lambda: clock.now().timestamp()
    )
    world = World(tmp_path / "store.sqlite3", ("slack", slack_notifier(delivery)), clock)
    world.subscribe("slack", SLACK_CHANNEL)
    return world


@pytest.mark.parametrize("lost", ["connection dropped", "timed out"])
async def test_slack_a_post_whose_answer_was_lost_is_found_by_the_retry_not_posted_again(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock, lost: str
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    if lost == "timed out":
        slack_api.answer_late("chat.postMessage", 2)
    else:
        slack_api.drop_after_taking("chat.postMessage")
    change = world.stored(rewording())

    assert await world.deliver(change) == ["waiting to retry"]  # Slack took it all the same
    assert await world.retry_after(minutes=1) == 1

    (message,) = slack_api.posted(SLACK_CHANNEL)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert len(slack_api.calls_to("conversations.history")) == 1
    assert world.chat.owed() == []
    # The message found is the alert's: a later source edits it.
    second = replace(change, level=Level.MULTI_SOURCE, revision=1)
    assert await world.deliver(second) == ["updated"]
    (edited,) = slack_api.posted(SLACK_CHANNEL)
    assert edited.ts == message.ts
    assert edited.blocks == render_slack(alert_from_change(second))["blocks"]
    world.store.close()


async def test_slack_an_update_while_a_lost_post_waits_edits_the_message_slack_took(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    change = world.stored(rewording())
    assert await world.deliver(change) == ["waiting to retry"]

    # The retry carries revision 1; the key names the alert, not its revision.
    second = replace(change, level=Level.MULTI_SOURCE, revision=1)
    world.store.update_change(second, clock.now())
    assert await world.deliver(second) == ["waiting to retry"]
    assert await world.retry_after(minutes=1) == 1

    (message,) = slack_api.posted(SLACK_CHANNEL)
    assert message.blocks == render_slack(alert_from_change(second))["blocks"]
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert world.chat.owed() == []
    world.store.close()


async def test_slack_a_lost_post_found_but_deleted_since_is_posted_anew(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    change = world.stored(rewording())
    assert await world.deliver(change) == ["waiting to retry"]
    # Someone deleted it between the history read and the edit of what was found.
    slack_api.fail_next("chat.update", "message_not_found")

    assert await world.retry_after(minutes=1) == 1

    first, anew = slack_api.posted(SLACK_CHANNEL)
    channel = world.chat.route_channels(PAIR.key)[0]
    delivered = world.chat.delivered(channel, str(change.change_id))
    assert delivered is not None and delivered.message_ref == anew.ts != first.ts
    world.store.close()


async def test_slack_a_post_tried_for_the_first_time_does_not_read_the_history(
    slack_api: FakeSlack, slack_world: World
) -> None:
    await slack_world.deliver(slack_world.stored(rewording()))

    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    assert slack_api.calls_to("conversations.history") == []


async def test_slack_without_the_history_scope_a_lost_post_is_sent_again_and_the_log_says_why(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    slack_api.fail_next("conversations.history", "missing_scope")

    assert await world.deliver(world.stored(rewording())) == ["waiting to retry"]
    assert await world.retry_after(minutes=1) == 1

    assert len(slack_api.posted(SLACK_CHANNEL)) == 2  # the duplicate nothing could prevent
    assert any("channels:history" in r.getMessage() for r in caplog.records)
    world.store.close()


async def test_slack_history_down_keeps_the_lost_post_owed_without_posting_it_again(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    slack_api.fail_next("conversations.history", "internal_error", status=500)

    assert await world.deliver(world.stored(rewording())) == ["waiting to retry"]
    assert await world.retry_after(minutes=1) == 0  # cannot tell: it waits
    assert await world.retry_after(minutes=5) == 1  # found at the next try

    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    assert world.chat.owed() == []
    world.store.close()


class DiesWhileSending:
    """The real notifier, in a process that is killed around its first post: before the
    platform gets it (``after=False``) or once the platform took it (``after=True``)."""

    def __init__(self, notifier: Notifier, *, after: bool) -> None:
        self.notifier = notifier
        self.after = after

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        if self.after:
            await self.notifier.post(channel, alert)
        raise asyncio.CancelledError  # what stopping the event loop does to a send

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        raise asyncio.CancelledError

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        raise asyncio.CancelledError


async def test_a_change_found_by_a_run_that_died_before_routing_it_is_sent_at_the_next_start(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    # The watcher's transaction committed the change; the process died before routing it.
    change = discord_world.stored(rewording())
    discord_world.store.close()
    discord_world.open()

    assert await discord_world.router.deliver_unrouted(pair_of) == 1
    assert await discord_world.router.deliver_unrouted(pair_of) == 0  # routed once only
    assert shown(discord_api) == [embed(change)]


@pytest.mark.parametrize("after", [False, True], ids=["before-platform", "after-platform"])
async def test_a_run_killed_while_sending_owes_the_alert_and_the_next_start_sends_it_once(
    discord_api: FakeDiscord, discord_world: World, after: bool
) -> None:
    platform, notifier = discord_world.notifier
    discord_world.router.notifiers = {platform: DiesWhileSending(notifier, after=after)}
    change = discord_world.stored(rewording())
    with pytest.raises(asyncio.CancelledError):
        await discord_world.router.deliver(change)
    discord_world.store.close()
    discord_world.open()  # the next start, with the platform's real notifier

    assert await discord_world.router.deliver_unrouted(pair_of) == 0  # routed before it died
    await discord_world.router.retry_waiting(pair_of, all_now=True)

    # Killed after Discord took it: the post is made again with the same nonce, and Discord
    # answers with the message it has instead of showing the alert twice.
    assert shown(discord_api) == [embed(change)]
    assert posts(discord_api) == (2 if after else 1)
    assert discord_world.chat.owed() == []


@pytest.mark.parametrize("status", [400, 503], ids=["refused", "server-error"])
async def test_discord_a_retried_post_whose_edit_fails_is_still_the_post(
    discord_api: FakeDiscord, discord_world: World, status: int
) -> None:
    platform, notifier = discord_world.notifier
    discord_world.router.notifiers = {platform: DiesWhileSending(notifier, after=True)}
    change = discord_world.stored(rewording())
    with pytest.raises(asyncio.CancelledError):
        await discord_world.router.deliver(change)
    discord_world.store.close()
    discord_world.open()

    # Discord answers the retry with the message it made, then will not let us edit it.
    discord_api.fail("PATCH", r"/channels/\d+/messages/\d+", status, times=None)
    await discord_world.router.retry_waiting(pair_of, all_now=True)
    assert discord_world.chat.owed() == []

    # Long after, Discord has forgotten the nonce: nothing is retried, nothing shown twice.
    discord_api.nonces.clear()
    await discord_world.router.retry_waiting(pair_of, all_now=True)
    assert shown(discord_api) == [embed(change)]
    assert posts(discord_api) == 2


async def test_slack_a_run_killed_once_slack_took_the_post_leaves_one_message(
    slack_api: FakeSlack, slack_world: World
) -> None:
    platform, notifier = slack_world.notifier
    slack_world.router.notifiers = {platform: DiesWhileSending(notifier, after=True)}
    change = slack_world.stored(rewording())
    with pytest.raises(asyncio.CancelledError):
        await slack_world.router.deliver(change)
    slack_world.store.close()
    slack_world.open()  # the next start, with the platform's real notifier

    await slack_world.router.retry_waiting(pair_of, all_now=True)

    (message,) = slack_api.posted(SLACK_CHANNEL)
    assert message.blocks == render_slack(alert_from_change(change))["blocks"]
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert slack_world.chat.owed() == []


async def test_discord_a_post_killed_after_discord_took_it_and_updated_meanwhile_shows_once(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    platform, notifier = discord_world.notifier
    discord_world.router.notifiers = {platform: DiesWhileSending(notifier, after=True)}
    change = discord_world.stored(rewording())
    with pytest.raises(asyncio.CancelledError):
        await discord_world.router.deliver(change)
    discord_world.store.close()
    discord_world.open()

    # A later source came before the retry: the post now carries revision 1, and its nonce
    # is still the one Discord saw, so Discord answers with the message it has.
    await discord_world.router.deliver(replace(change, level=Level.MULTI_SOURCE, revision=1))

    # Discord answered with the first revision's message: it is brought up to date.
    assert shown(discord_api) == [embed(replace(change, level=Level.MULTI_SOURCE, revision=1))]
    assert posts(discord_api) == 2
    assert discord_world.chat.owed() == []


class WaitsFor:
    """A platform that answers only once another platform got its post (a slow one)."""

    def __init__(self, other: asyncio.Event) -> None:
        self.other = other

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        await asyncio.wait_for(self.other.wait(), timeout=5)
        return "slow-1"

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        return None

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        return None


class Quick:
    """A platform that answers at once, and says so."""

    def __init__(self, posted: asyncio.Event) -> None:
        self.posted = posted

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        self.posted.set()
        return "quick-1"

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        return None

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        return None


async def test_a_slow_platform_does_not_hold_up_the_others(
    tmp_path: Path, clock: FakeClock
) -> None:
    slack_posted = asyncio.Event()
    store = Store.open(tmp_path / "store.sqlite3")
    chat = ChatStore(store.connection)
    chat.add("discord", DISCORD_CHANNEL, PAIR.key, now=clock.now())
    chat.add("slack", SLACK_CHANNEL, PAIR.key, now=clock.now())
    router = Router(
        chat=chat,
        history=store,
        notifiers={"discord": WaitsFor(slack_posted), "slack": Quick(slack_posted)},
        clock=clock,
    )
    change = replace(rewording(), change_id=str(store.record_change(rewording())))

    decided = await router.deliver(change)  # one after the other, Discord would time out

    assert sorted((c.platform, r.decision) for c, r in decided) == [
        ("discord", "alerted"),
        ("slack", "alerted"),
    ]
    assert chat.owed() == []
    store.close()


OTHER_SLACK_CHANNEL = "C0WIRE"


async def test_slack_a_rate_limited_look_up_waits_its_turn_without_holding_up_other_channels(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    world.router.pair_of = pair_of  # as the program's router: a line is sent whole
    slack_api.add_channel(OTHER_SLACK_CHANNEL)
    slack_api.drop_after_taking("chat.postMessage")
    first = world.stored(rewording())
    assert await world.deliver(first) == ["waiting to retry"]  # Slack took it all the same
    world.subscribe("slack", OTHER_SLACK_CHANNEL)
    # Slack allows about one history call a minute: the look-up is refused for a while.
    slack_api.rate_limit_next("conversations.history", retry_after=3)

    second = world.stored(rewording("comprehensive strategic partnership"))
    clock.advance(minutes=1)  # the lost post's retry is due
    outcomes: list[str] = []
    world.router.observe = lambda platform, outcome, seconds: outcomes.append(outcome)
    decided = dict((c.channel, r.decision) for c, r in await world.router.deliver(second))

    # Asked once, not waited out: the other channel has its alert meanwhile.
    assert len(slack_api.calls_to("conversations.history")) == 1
    assert decided == {SLACK_CHANNEL: "waiting to retry", OTHER_SLACK_CHANNEL: "alerted"}
    assert sorted(outcomes) == ["deferred", "sent"]  # the metrics count no failed delivery
    (other,) = slack_api.posted(OTHER_SLACK_CHANNEL)
    assert other.blocks == render_slack(alert_from_change(second))["blocks"]
    # Not posted blind, not counted as a failed try, and still known to be tried.
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    lost, behind = world.chat.waiting("slack", SLACK_CHANNEL)
    assert lost.change_id == first.change_id and lost.tried_at is not None
    assert lost.failures == 1 and "rate limited" in lost.error
    assert lost.next_at == clock.now() + timedelta(seconds=3)
    assert behind.change_id == second.change_id

    assert await world.retry_after(seconds=3) == 2
    found, posted = slack_api.posted(SLACK_CHANNEL)
    assert found.blocks == render_slack(alert_from_change(first))["blocks"]
    assert posted.blocks == render_slack(alert_from_change(second))["blocks"]
    assert world.chat.owed() == []
    world.store.close()


async def test_slack_a_refused_post_is_tried_again_without_reading_the_history(
    slack_api: FakeSlack, slack_world: World
) -> None:
    slack_api.fail_next("chat.postMessage", "invalid_blocks")
    change = slack_world.stored(rewording())

    assert await slack_world.deliver(change) == ["waiting to retry"]
    assert await slack_world.retry_after(minutes=1) == 1

    # Slack said no: nothing of the first try can be in the channel, so nothing is looked for.
    assert slack_api.calls_to("conversations.history") == []
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1


async def test_slack_a_found_post_whose_edit_is_refused_is_the_post(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    change = world.stored(rewording())
    assert await world.deliver(change) == ["waiting to retry"]
    slack_api.fail_next("chat.update", "invalid_blocks")

    assert await world.retry_after(minutes=1) == 1  # found: its edit was refused, it stays
    assert await world.retry_after(minutes=5) == 0  # nothing owed, nothing looked for again

    assert len(slack_api.calls_to("conversations.history")) == 1
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    assert world.chat.owed() == []
    world.store.close()


async def test_discord_a_refused_post_is_tried_again_as_a_first_try(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    discord_api.fail("POST", DISCORD_POSTS, 400, message="Invalid Form Body", code=50035)
    change = discord_world.stored(rewording())

    assert await discord_world.deliver(change) == ["waiting to retry"]
    assert await discord_world.retry_after(minutes=1) == 1

    assert shown(discord_api) == [embed(change)]
    assert discord_api.sent("PATCH", DISCORD_POSTS + "/.*") == []  # nothing to bring up to date


class DiesAfter:
    """The real notifier, in a process killed once the platform took its first ``step``
    (``"update"`` or ``"digest"``)."""

    def __init__(self, notifier: Notifier, step: str) -> None:
        self.notifier = notifier
        self.step = step

    def _dies_after(self, step: str) -> None:
        if step == self.step:
            raise asyncio.CancelledError  # what stopping the event loop does to a send

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        return await self.notifier.post(channel, alert, tried_at=tried_at)

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        ref = await self.notifier.update(channel, message_ref, alert, tried_at=tried_at)
        self._dies_after("update")
        return ref

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        await self.notifier.digest(channel, digest, tried_at=tried_at)
        self._dies_after("digest")


NEXT_MORNING = {"hours": 22, "minutes": 5}
"""From START (10:00 UTC) to just past the next daily digest (08:00 UTC)."""


async def test_slack_a_digest_whose_answer_was_lost_is_found_by_the_next_flush_not_posted_again(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    world.chat.set_digest("slack", SLACK_CHANNEL, True)
    first = world.stored(rewording())
    assert await world.deliver(first) == ["queued for the daily digest"]
    clock.advance(**NEXT_MORNING)
    slack_api.drop_after_taking("chat.postMessage")

    assert await world.router.flush_digests(pair_of) == 0  # Slack took it all the same
    # Queued after that try: the digest found is brought up to date with it.
    second = world.stored(rewording("comprehensive strategic partnership"))
    world.chat.queue(world.chat.route_channels(PAIR.key)[0], second, clock.now())
    clock.advance(minutes=5)
    assert await world.router.flush_digests(pair_of) == 1

    (digest,) = slack_api.posted(SLACK_CHANNEL)
    assert digest.text.startswith("Digest: 2 alerts") and digest.edits == 1
    assert len(slack_api.calls_to("conversations.history")) == 1
    assert world.chat.queued("slack", SLACK_CHANNEL) == []
    clock.advance(days=1)
    assert await world.router.flush_digests(pair_of) == 0
    world.store.close()


async def test_slack_a_refused_digest_is_posted_next_time_without_reading_the_history(
    slack_api: FakeSlack, slack_world: World, clock: FakeClock
) -> None:
    slack_world.chat.set_digest("slack", SLACK_CHANNEL, True)
    await slack_world.deliver(slack_world.stored(rewording()))
    clock.advance(**NEXT_MORNING)
    slack_api.fail_next("chat.postMessage", "invalid_blocks")

    assert await slack_world.router.flush_digests(pair_of) == 0
    clock.advance(minutes=1)  # the wait after a first failed try
    assert await slack_world.router.flush_digests(pair_of) == 1

    assert slack_api.calls_to("conversations.history") == []
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1


async def killed_once_discord_took_a_digest(world: World, clock: FakeClock) -> None:
    """A run that held an alert for the daily digest and was killed once Discord took the
    digest, then the next start, with the platform's real notifier."""
    world.chat.set_digest("discord", DISCORD_CHANNEL, True)
    await world.deliver(world.stored(rewording()))
    clock.advance(**NEXT_MORNING)
    platform, notifier = world.notifier
    world.router.notifiers = {platform: DiesAfter(notifier, "digest")}
    with pytest.raises(asyncio.CancelledError):
        await world.router.flush_digests(pair_of)
    world.store.close()
    world.open()

async def test_discord_a_run_killed_once_discord_took_its_digest_leaves_one_digest(
    discord_api: FakeDiscord, discord_world: World, clock: FakeClock
) -> None:
    await killed_once_discord_took_a_digest(discord_world, clock)

    assert await discord_world.router.flush_digests(pair_of) == 1

    (digest,) = discord_api.messages[DISCORD_CHANNEL].values()
    assert digest["content"].startswith("Digest: 1 alert")
    assert posts(discord_api) == 2  # the second answered with the first one's message
    assert discord_world.chat.queued("discord", DISCORD_CHANNEL) == []


async def test_discord_a_retried_digest_whose_edit_fails_is_still_the_digest(
    discord_api: FakeDiscord, discord_world: World, clock: FakeClock
) -> None:
    await killed_once_discord_took_a_digest(discord_world, clock)

    # Discord answers with the digest it made, then fails the edit that would refresh it.
    discord_api.fail("PATCH", r"/channels/\d+/messages/\d+", 503, times=None)
    assert await discord_world.router.flush_digests(pair_of) == 1
    assert discord_world.chat.queued("discord", DISCORD_CHANNEL) == []

    discord_api.nonces.clear()  # long after: Discord no longer answers the nonce
    await discord_world.router.flush_digests(pair_of)
    (digest,) = discord_api.messages[DISCORD_CHANNEL].values()
    assert digest["content"].startswith("Digest: 1 alert")


async def test_slack_a_look_up_rate_limited_again_and_again_is_never_given_up_nor_posted_blind(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    slack_api.drop_after_taking("chat.postMessage")
    change = world.stored(rewording())
    assert await world.deliver(change) == ["waiting to retry"]
    clock.advance(minutes=1)
    slack_api.rate_limit_next("conversations.history", retry_after=60, times=8)

    # More rounds than the retry schedule has tries: Slack is up, it only asks us to wait.
    for _ in range(8):
        assert await world.router.retry_waiting(pair_of) == 0
        clock.advance(minutes=1)
    assert await world.router.retry_waiting(pair_of) == 1

    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    assert len(slack_api.calls_to("conversations.history")) == 9
    assert world.chat.owed() == []
    world.store.close()


async def test_slack_an_update_posted_anew_whose_answer_was_lost_is_found_not_posted_again(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    world = slack_world_with(slack_api, tmp_path, clock)
    world.router.pair_of = pair_of
    change = world.stored(rewording())
    assert await world.deliver(change) == ["alerted"]
    slack_api.messages.clear()  # someone deleted the alert
    second = replace(change, level=Level.MULTI_SOURCE, revision=1)
    world.store.update_change(second, clock.now())
    slack_api.drop_after_taking("chat.postMessage")

    assert await world.deliver(second) == ["waiting to retry"]  # posted anew, answer lost
    assert await world.retry_after(minutes=1) == 1

    (anew,) = slack_api.posted(SLACK_CHANNEL)
    assert anew.blocks == render_slack(alert_from_change(second))["blocks"]
    channel = world.chat.route_channels(PAIR.key)[0]
    assert world.chat.delivered(channel, str(change.change_id)) == Delivered(1, anew.ts)
    world.store.close()


async def test_discord_an_update_posted_anew_when_a_run_was_killed_shows_once(
    discord_api: FakeDiscord, discord_world: World
) -> None:
    change = discord_world.stored(rewording())
    assert await discord_world.deliver(change) == ["alerted"]
    discord_api.messages[DISCORD_CHANNEL].clear()  # someone deleted the alert
    platform, notifier = discord_world.notifier
    discord_world.router.notifiers = {platform: DiesAfter(notifier, "update")}
    second = replace(change, level=Level.MULTI_SOURCE, revision=1)
    discord_world.store.update_change(second, discord_world.clock.now())
    with pytest.raises(asyncio.CancelledError):
        await discord_world.router.deliver(second)  # posted anew, then killed
    discord_world.store.close()
    discord_world.open()  # the next start, with the platform's real notifier

    await discord_world.router.retry_waiting(pair_of, all_now=True)

    assert shown(discord_api) == [embed(second)]
    assert discord_world.chat.owed() == []


async def test_slack_a_digest_whose_look_up_is_rate_limited_stays_held_and_goes_once_later(
    slack_api: FakeSlack, tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    world = slack_world_with(slack_api, tmp_path, clock)
    world.chat.set_digest("slack", SLACK_CHANNEL, True)
    await world.deliver(world.stored(rewording()))
    clock.advance(**NEXT_MORNING)
    slack_api.drop_after_taking("chat.postMessage")
    assert await world.router.flush_digests(pair_of) == 0  # Slack took it all the same
    slack_api.rate_limit_next("conversations.history", retry_after=30)

    clock.advance(minutes=1)
    assert await world.router.flush_digests(pair_of) == 0  # cannot look: it waits
    assert [r.levelname for r in caplog.records if "waits" in r.getMessage()] == ["INFO"]
    assert len(world.chat.queued("slack", SLACK_CHANNEL)) == 1
    clock.advance(seconds=30)
    assert await world.router.flush_digests(pair_of) == 1

    assert len(slack_api.posted(SLACK_CHANNEL)) == 1
    assert len(slack_api.calls_to("conversations.history")) == 2
    world.store.close()
