"""A rendered alert reaches Discord as an embed, as the bot and through a webhook.

This joins the renderer (``bot.render.discord``) and the Discord outlet at the wire: the
fake API receives exactly the embed the renderer made, whichever way it was sent, and a
later source edits the same message.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from discord.http import Route

from bot.alert import alert_from_change, with_sources
from bot.discord.delivery import (
    DEFAULT_API_BASE,
    ChannelPacer,
    DiscordDelivery,
    DiscordWebhookDelivery,
)
from bot.discord.outlet import DiscordOutlet
from bot.render.discord import render_discord
from bot.subscriptions import SubscriptionStore
from tests.fake_discord import FakeDiscord
from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Country, Level, Pair, Source

CHANNEL = "1200000000000000001"
WEBHOOK_ID = "1250000000000000001"
WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{'w' * 68}"

BEFORE = "special and privileged strategic partnership"
AFTER = "particularly privileged strategic partnership"
SENTENCE = (
    "Speaking in Moscow, the foreign minister praised the particularly privileged strategic "
    "partnership between Russia and India."
)


def india_russia_change() -> Change:
    start = SENTENCE.index(AFTER)
    return Change(
        pair=Pair.of(Country("IND", "India"), Country("RUS", "Russia")),
        kind=ChangeKind.REWORDING,
        before=BEFORE,
        after=AFTER,
        diff=tuple(word_diff(BEFORE, AFTER)),
        quote=SENTENCE,
        sources=(Source("World desk", "https://news.example.org/a/1", "Minister on India", None),),
        detected_at=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
        speaker="RUS",
        span=(start, start + len(AFTER)),
        change_id="ind-rus-1",
    )


@pytest.fixture
def store() -> Iterator[SubscriptionStore]:
    conn = sqlite3.connect(":memory:")
    s = SubscriptionStore(conn)
    s.ensure_schema()
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


def _embed(fake: FakeDiscord, method: str, path: str) -> dict[str, Any]:
    (request,) = fake.sent(method, path)
    embeds: list[dict[str, Any]] = request.body["embeds"]
    assert len(embeds) == 1
    return embeds[0]


async def test_the_bot_posts_the_rendered_embed(fake: FakeDiscord, outlet: DiscordOutlet) -> None:
    payload = render_discord(alert_from_change(india_russia_change()))
    message_id = await outlet.post(CHANNEL, payload)

    embed = _embed(fake, "POST", f"/channels/{CHANNEL}/messages")
    assert embed == payload["embeds"][0]
    assert embed["title"].startswith("India–Russia")
    assert "~~special and~~" in embed["description"]
    assert "**particularly**" in embed["description"]
    assert message_id in fake.messages[CHANNEL]


async def test_the_webhook_sends_the_same_embed(fake: FakeDiscord, outlet: DiscordOutlet) -> None:
    payload = render_discord(alert_from_change(india_russia_change()))
    await outlet.post("analysts", payload)

    # The webhook path goes through discord.Embed and back: nothing may be lost on the way.
    sent = _embed(fake, "POST", f"/webhooks/{WEBHOOK_ID}/.*")
    rendered = payload["embeds"][0]
    assert {k: sent[k] for k in rendered if k != "timestamp"} == {
        k: v for k, v in rendered.items() if k != "timestamp"
    }
    assert datetime.fromisoformat(sent["timestamp"]) == datetime.fromisoformat(
        rendered["timestamp"]
    )
    (request,) = fake.sent("POST", f"/webhooks/{WEBHOOK_ID}/.*")
    assert request.body["content"] == payload["content"]


async def test_a_later_source_edits_the_posted_alert(
    fake: FakeDiscord, outlet: DiscordOutlet
) -> None:
    alert = alert_from_change(india_russia_change())
    message_id = await outlet.post(CHANNEL, render_discord(alert))
    assert message_id is not None

    official = Source("MFA", "https://mfa.example.org/statement", "Joint statement", None, True)
    updated = with_sources(alert, (*alert.sources, official), Level.OFFICIAL)
    assert await outlet.update(CHANNEL, message_id, render_discord(updated)) == message_id

    stored = fake.messages[CHANNEL][message_id]["embeds"][0]
    assert stored == render_discord(updated)["embeds"][0]
    assert stored != render_discord(alert)["embeds"][0]
