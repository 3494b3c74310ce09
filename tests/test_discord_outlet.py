"""Routing alerts to a channel's webhook or the bot, and pausing channels that are gone."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from discord.http import Route

from bot.discord.delivery import (
    DEFAULT_API_BASE,
    ChannelPacer,
    DiscordDelivery,
    DiscordWebhookDelivery,
)
from bot.discord.outlet import DiscordOutlet
from bot.subscriptions import SubscriptionStore
from tests.fake_discord import FakeDiscord
from watchers.errors import DeliveryError

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
CHANNEL = "1200000000000000001"
WEBHOOK_ID = "1250000000000000001"
WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{'w' * 68}"
ALERT = {"embeds": [{"title": "India–Russia: rewording", "description": "diff"}]}


@pytest.fixture
def store() -> Iterator[SubscriptionStore]:
    conn = sqlite3.connect(":memory:")
    s = SubscriptionStore(conn)
    s.ensure_schema()
    s.add("discord", CHANNEL, "IND-RUS", now=NOW)
    s.add("discord", CHANNEL, "USA-VNM", now=NOW)
    s.add("discord", "analysts", "IND-RUS", now=NOW)
    yield s
    conn.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()
    Route.BASE = DEFAULT_API_BASE


@pytest.fixture
async def outlet(fake: FakeDiscord, store: SubscriptionStore) -> AsyncIterator[DiscordOutlet]:
    bot = await DiscordDelivery.login(
        fake.token, api_base=fake.api_base, pacer=ChannelPacer(interval=0)
    )
    hook = DiscordWebhookDelivery(WEBHOOK_URL, pacer=ChannelPacer(interval=0))
    out = DiscordOutlet(store, bot=bot, webhooks={"analysts": hook})
    yield out
    await out.close()
    await bot.close()


async def test_webhook_channels_use_their_webhook_and_others_the_bot(
    fake: FakeDiscord, outlet: DiscordOutlet
) -> None:
    by_bot = await outlet.post(CHANNEL, ALERT)
    by_hook = await outlet.post("analysts", ALERT)
    assert by_bot in fake.messages[CHANNEL]
    assert by_hook in fake.messages[f"webhook:{WEBHOOK_ID}"]


async def test_update_edits_or_replies(fake: FakeDiscord, outlet: DiscordOutlet) -> None:
    first = await outlet.post(CHANNEL, ALERT)
    assert first is not None
    assert await outlet.update(CHANNEL, first, {"content": "3 outlets"}) == first
    reply = await outlet.update(CHANNEL, first, {"content": "official now"}, edit=False)
    assert reply not in (None, first)
    assert fake.messages[CHANNEL][first]["content"] == "3 outlets"
    assert fake.messages[CHANNEL][str(reply)]["message_reference"]["message_id"] == first


async def test_update_of_a_deleted_message_posts_anew(
    fake: FakeDiscord, outlet: DiscordOutlet
) -> None:
    new = await outlet.update(CHANNEL, "1300000000000009999", {"content": "update"})
    assert new is not None and fake.messages[CHANNEL][new]["content"] == "update"


async def test_a_forbidden_channel_is_paused_and_reported_once(
    fake: FakeDiscord,
    outlet: DiscordOutlet,
    store: SubscriptionStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.fail("POST", f"/channels/{CHANNEL}/messages", 403, times=None)
    caplog.set_level(logging.WARNING, logger="bot.discord.outlet")

    assert await outlet.post(CHANNEL, ALERT) is None
    assert await outlet.post(CHANNEL, ALERT) is None

    reports = [r for r in caplog.records if r.name == "bot.discord.outlet"]
    assert len(reports) == 1
    assert "Missing Permissions" in reports[0].getMessage()
    assert "2 subscription(s) are paused" in reports[0].getMessage()
    assert [s.channel for s in store.channels_for("IND-RUS")] == ["analysts"]
    assert store.channels_for("USA-VNM") == []


async def test_a_transient_failure_is_raised_for_a_later_retry(
    fake: FakeDiscord, outlet: DiscordOutlet, store: SubscriptionStore
) -> None:
    fake.fail("POST", f"/channels/{CHANNEL}/messages", 400)
    with pytest.raises(DeliveryError) as caught:
        await outlet.post(CHANNEL, ALERT)
    assert caught.value.permanent is False
    assert len(store.channels_for("IND-RUS")) == 2


async def test_without_bot_or_webhook_nothing_can_be_sent(store: SubscriptionStore) -> None:
    outlet = DiscordOutlet(store, bot=None)
    with pytest.raises(DeliveryError, match="DISCORD_TOKEN unset"):
        await outlet.post(CHANNEL, ALERT)
