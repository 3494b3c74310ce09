"""The Discord notifier: webhook or bot per channel, edits, digests, failures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.alert import Alert, alert_from_change
from bot.chat.ports import PlatformNotifier
from bot.platforms.discord.platform import discord_notifier
from bot.platforms.discord.senders import DiscordSenders
from bot.render.digest import Digest
from tests.fake_discord import WEBHOOK_ID, FakeDiscord
from watchers.diff import word_diff
from watchers.errors import DeliveryError
from watchers.model import Change, ChangeKind, Country, Level, Pair, Source

CHANNEL = "1200000000000000001"

DiscordNotifier = PlatformNotifier[DiscordSenders]


def usa_vietnam() -> Alert:
    before, after = "comprehensive partnership", "comprehensive strategic partnership"
    return alert_from_change(
        Change(
            pair=Pair.of(Country("USA", "United States"), Country("VNM", "Vietnam")),
            kind=ChangeKind.UPGRADE,
            before=before,
            after=after,
            diff=tuple(word_diff(before, after)),
            quote="The two countries raised ties to a comprehensive strategic partnership.",
            sources=(Source("Desk", "https://news.example.org/1", "Hanoi visit", None),),
            detected_at=datetime(2023, 9, 10, 12, 0, tzinfo=UTC),
            change_id="usa-vnm-1",
        )
    )


async def test_webhook_channels_use_their_webhook_and_others_the_bot(
    discord_api: FakeDiscord, discord_alerts: DiscordNotifier
) -> None:
    by_bot = await discord_alerts.post(CHANNEL, usa_vietnam())
    by_hook = await discord_alerts.post("analysts", usa_vietnam())
    assert by_bot in discord_api.messages[CHANNEL]
    assert by_hook in discord_api.messages[f"webhook:{WEBHOOK_ID}"]


async def test_update_edits_the_posted_alert(
    discord_api: FakeDiscord, discord_alerts: DiscordNotifier
) -> None:
    alert = usa_vietnam()
    first = await discord_alerts.post(CHANNEL, alert)
    assert first is not None
    more = (*alert.sources, Source("Wire", "https://wire.example.org/2", "Upgrade", None))
    later = replace(alert, sources=more, level=Level.MULTI_SOURCE, revision=1)
    await discord_alerts.update(CHANNEL, first, later)

    assert list(discord_api.messages[CHANNEL]) == [first]
    fields = discord_api.messages[CHANNEL][first]["embeds"][0]["fields"]
    assert any(f["name"] == "Sources (2)" for f in fields)


async def test_update_of_a_deleted_message_posts_anew(
    discord_api: FakeDiscord, discord_alerts: DiscordNotifier
) -> None:
    await discord_alerts.update(CHANNEL, "1300000000000009999", usa_vietnam())
    (message,) = discord_api.messages[CHANNEL].values()
    assert message["embeds"][0]["title"].startswith("United States–Vietnam")


async def test_digest_is_one_embed(
    discord_api: FakeDiscord, discord_alerts: DiscordNotifier
) -> None:
    await discord_alerts.digest(CHANNEL, Digest("daily digest", (usa_vietnam(), usa_vietnam())))
    (message,) = discord_api.messages[CHANNEL].values()
    assert message["embeds"][0]["title"] == "Digest: 2 alerts (daily digest)"


async def test_a_forbidden_channel_raises_a_permanent_error(
    discord_api: FakeDiscord, discord_alerts: DiscordNotifier
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 403)
    with pytest.raises(DeliveryError) as caught:
        await discord_alerts.post(CHANNEL, usa_vietnam())
    assert caught.value.permanent is True


async def test_without_bot_or_webhook_nothing_can_be_sent() -> None:
    notifier = discord_notifier(DiscordSenders(bot=None))
    with pytest.raises(DeliveryError, match="DISCORD_TOKEN unset") as caught:
        await notifier.post(CHANNEL, usa_vietnam())
    assert caught.value.permanent is False
