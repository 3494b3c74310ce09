"""Opt-in pings (``/watch notify``): set from chat, and sent at the wire only where a channel
asked, for the kinds it asked, naming exactly that role, group or user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.chat.commands import Caller, CommandContext, CommandDeps
from bot.chat.deliver import Router
from bot.chat.pings import PingStore, parse_kinds, parse_target
from bot.chat.ports import Notifier
from bot.chat.store import ChatStore
from bot.config import SlackSettings
from bot.platforms.discord.delivery import DiscordDelivery
from bot.platforms.discord.platform import discord_notifier
from bot.platforms.discord.senders import DiscordSenders
from bot.platforms.slack.app import SlackSecrets, make_delivery
from bot.platforms.slack.parse import dispatch
from bot.platforms.slack.platform import slack_notifier
from tests.fake_discord import CHANNEL, MANAGE_CHANNELS, FakeDiscord, interact, option
from tests.fake_slack import BOT_TOKEN, FakeSlack, http_app, watch
from tests.fakes import FakeClock, FakeCountries, FakeHistory, india_russia_change
from watchers.model import ChangeKind
from watchers.store import Store

ROLE = "1300000000000000007"
PINGED = "1200000000000000001"
QUIET = "1200000000000000002"
NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
# feed text that tries to ping: escaped, never in allowed_mentions
HOSTILE = "Russia's minister <@&1300000000000000099> @everyone spoke of a particularly privileged "


def ctx(
    store: ChatStore, pings: PingStore, platform: str, *, manager: bool = True
) -> CommandContext:
    deps = CommandDeps(store, FakeCountries(), FakeHistory(), FakeClock(NOW), pings=pings)
    return deps.context(platform, "C1", Caller("U1", can_manage=manager))


def test_targets_are_read_as_each_platform_writes_mentions() -> None:
    role = parse_target("discord", f"<@&{ROLE}>")
    assert role is not None and (role.kind, role.id) == ("role", ROLE)
    user = parse_target("discord", "<@!1300000000000000008>")
    assert user is not None and user.kind == "user"
    group = parse_target("slack", "<!subteam^S0ANALYSTS|@analysts>")
    assert group is not None and (group.kind, group.id) == ("group", "S0ANALYSTS")
    person = parse_target("slack", "<@U0ANALYST|ana>")
    assert person is not None and (person.kind, person.id) == ("user", "U0ANALYST")
    assert parse_target("discord", "@everyone") is None
    assert parse_target("slack", "<!channel>") is None
    assert parse_kinds(["Downgrades", "upgrade"]) == (ChangeKind.DOWNGRADE, ChangeKind.UPGRADE)
    assert parse_kinds(["sideways"]) is None


def test_notify_sets_replaces_and_stops_pings(history_store: Store) -> None:
    store, pings = ChatStore(history_store.connection), PingStore(history_store.connection)
    c = ctx(store, pings, "slack")
    group = "<!subteam^S0ANALYSTS|@analysts>"
    said = dispatch(c, f"notify {group} downgrade upgrade")
    assert not said.ephemeral
    assert (
        said.text
        == "Alerts in this channel now ping user group S0ANALYSTS for: downgrade, upgrade."
    )
    assert [t.id for t in pings.targets("slack", "C1", ChangeKind.UPGRADE)] == ["S0ANALYSTS"]
    dispatch(c, f"notify {group} downgrade")
    assert pings.targets("slack", "C1", ChangeKind.UPGRADE) == ()
    assert dispatch(c, "notify off").text == "This channel's alerts ping nobody now."
    assert pings.targets("slack", "C1", ChangeKind.DOWNGRADE) == ()


def test_only_managers_set_pings_and_bad_words_are_explained(history_store: Store) -> None:
    store, pings = ChatStore(history_store.connection), PingStore(history_store.connection)
    refused = dispatch(ctx(store, pings, "discord", manager=False), f"notify <@&{ROLE}> all")
    assert refused.ephemeral and "needs" in refused.text
    c = ctx(store, pings, "discord")
    assert "is not a role or a user" in dispatch(c, "notify @everyone downgrade").text
    assert "Name the kinds" in dispatch(c, f"notify <@&{ROLE}> sideways").text
    assert pings.for_channel("discord", "C1") == []


# ---- Discord at the wire


def ping_router(
    store: Store, platform: str, notifier: Notifier, channels: tuple[str, ...]
) -> tuple[Router, PingStore]:
    """A router to ``channels`` of ``platform``, each watching India–Russia, and the store of
    whom their alerts ping."""
    subs, pings = ChatStore(store.connection), PingStore(store.connection)
    for channel in channels:
        subs.add(platform, channel, "IND-RUS", now=NOW)
    router = Router(
        chat=subs,
        history=store,
        notifiers={platform: notifier},
        clock=FakeClock(NOW),
        pings=pings.targets,
    )
    return router, pings


@pytest.fixture
async def discord_router(
    discord_bot: DiscordDelivery, history_store: Store
) -> AsyncIterator[tuple[Router, PingStore]]:
    notifier = discord_notifier(DiscordSenders(bot=discord_bot, webhooks={}))
    yield ping_router(history_store, "discord", notifier, (PINGED, QUIET))
    await notifier.sender.close()


def ping_role_on_downgrades(pings: PingStore) -> None:
    """What ``/watch notify @role downgrade`` in the PINGED channel stores."""
    role = parse_target("discord", f"<@&{ROLE}>")
    assert role is not None
    pings.set("discord", PINGED, role, [ChangeKind.DOWNGRADE], now=NOW)


def posted(fake: FakeDiscord, channel: str) -> list[dict[str, Any]]:
    return [r.body for r in fake.sent("POST", rf"/channels/{channel}/messages")]


async def test_a_downgrade_pings_exactly_the_role_the_channel_asked_for(
    discord_api: FakeDiscord, discord_router: tuple[Router, PingStore]
) -> None:
    router, pings = discord_router
    ping_role_on_downgrades(pings)
    downgrade = replace(
        india_russia_change(), kind=ChangeKind.DOWNGRADE, quote=HOSTILE + "strategic partnership."
    )
    await router.deliver(downgrade)

    (pinged,) = posted(discord_api, PINGED)
    assert pinged["content"].startswith(f"<@&{ROLE}> India–Russia")
    assert pinged["allowed_mentions"] == {"parse": [], "replied_user": False, "roles": [ROLE]}
    (quiet,) = posted(discord_api, QUIET)
    assert f"<@&{ROLE}>" not in quiet["content"]
    assert quiet["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_a_kind_the_channel_did_not_ask_for_pings_nobody(
    discord_api: FakeDiscord, discord_router: tuple[Router, PingStore]
) -> None:
    router, pings = discord_router
    ping_role_on_downgrades(pings)
    await router.deliver(replace(india_russia_change(), kind=ChangeKind.UPGRADE))
    (message,) = posted(discord_api, PINGED)
    assert message["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "<@&" not in message["content"]


async def test_discord_notify_command_stores_the_role(
    discord_api: FakeDiscord, history_store: Store
) -> None:
    from bot.platforms.discord.client import DiscordBot

    subs, pings = ChatStore(history_store.connection), PingStore(history_store.connection)
    deps = CommandDeps(subs, FakeCountries(), FakeHistory(), FakeClock(NOW), pings=pings)
    bot = DiscordBot(deps, api_base=discord_api.api_base)
    await bot.login(discord_api.token)
    try:
        options = option("target", f"<@&{ROLE}>"), option("kinds", "downgrade")
        request = await interact(bot, discord_api, "notify", *options, permissions=MANAGE_CHANNELS)
    finally:
        await bot.close()
    data = request.body["data"]
    assert data["content"] == f"Alerts in this channel now ping <@&{ROLE}> for: downgrade."
    assert data["allowed_mentions"] == {"parse": []}  # the confirmation pings nobody
    assert [t.id for t in pings.targets("discord", CHANNEL, ChangeKind.DOWNGRADE)] == [ROLE]


# ---- Slack at the wire


async def test_a_slack_downgrade_pings_the_user_group_asked_for(
    slack_api: FakeSlack, history_store: Store
) -> None:
    slack_api.add_channel("C0PINGED")
    slack_api.add_channel("C0QUIET")
    delivery = make_delivery(
        SlackSettings(api_base=slack_api.api_base), SlackSecrets(bot_token=BOT_TOKEN)
    )
    notifier = slack_notifier(delivery)
    router, pings = ping_router(history_store, "slack", notifier, ("C0PINGED", "C0QUIET"))
    group = parse_target("slack", "<!subteam^S0ANALYSTS|@analysts>")
    assert group is not None
    pings.set("slack", "C0PINGED", group, [ChangeKind.DOWNGRADE], now=NOW)
    downgrade = replace(
        india_russia_change(), kind=ChangeKind.DOWNGRADE, quote=HOSTILE + "partnership."
    )
    await router.deliver(downgrade)
    (pinged,) = slack_api.posted("C0PINGED")
    (quiet,) = slack_api.posted("C0QUIET")
    assert pinged.text.startswith("<!subteam^S0ANALYSTS> India–Russia")
    assert pinged.blocks[0]["text"]["text"] == "<!subteam^S0ANALYSTS>"
    assert "<!subteam" not in quiet.text
    # feed text's mentions stay escaped in both
    for message in (pinged, quiet):
        assert "<@&1300000000000000099>" not in str(message.blocks)
        assert "<!everyone>" not in str(message.blocks)


async def test_slack_notify_reads_the_escaped_group_mention(
    slack_api: FakeSlack, history_store: Store
) -> None:
    slack_api.add_user("U0ADMIN", admin=True)
    subs, pings = ChatStore(history_store.connection), PingStore(history_store.connection)
    deps = CommandDeps(subs, FakeCountries(), FakeHistory(), FakeClock(NOW), pings=pings)
    async with http_app(slack_api, deps) as app:
        answer = await watch(
            slack_api, app, "U0ADMIN", "notify <!subteam^S0ANALYSTS|@analysts> downgrade upgrade"
        )
    assert answer["response_type"] == "in_channel"
    assert answer["text"] == (
        "Alerts in this channel now ping user group S0ANALYSTS for: downgrade, upgrade."
    )
    assert [t.id for t in pings.targets("slack", "C0ALERTS", ChangeKind.UPGRADE)] == ["S0ANALYSTS"]


def test_list_says_who_the_channels_alerts_ping(history_store: Store) -> None:
    store, pings = ChatStore(history_store.connection), PingStore(history_store.connection)
    c = ctx(store, pings, "discord")
    store.add("discord", "C1", "IND-RUS", now=NOW)
    assert "ping" not in dispatch(c, "list").text
    dispatch(c, f"notify <@&{ROLE}> downgrade upgrade")
    assert dispatch(c, "list").text.splitlines()[-1] == (
        f"Alerts here ping <@&{ROLE}> for downgrade, upgrade."
    )
