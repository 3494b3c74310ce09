"""A change reaches Discord through the real router: rendered, posted, edited, paused.

This joins the router (``bot.chat.deliver``), the subscription store, the renderer and the
Discord notifier at the wire: the fake API receives exactly the embed the renderer made,
whichever way it was sent, a later source edits the same message, and a channel that
forbids us is paused once and then left alone.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from bot.alert import alert_from_change
from bot.chat.deliver import Router
from bot.chat.ports import PlatformNotifier
from bot.chat.store import ChatStore
from bot.platforms.discord.senders import DiscordSenders
from bot.render.discord import render_discord
from tests.fake_discord import WEBHOOK_ID, FakeDiscord
from tests.fakes import FakeClock, india_russia_change
from watchers.model import Level, Source
from watchers.store import Store

CHANNEL = "1200000000000000001"


DiscordNotifier = PlatformNotifier[DiscordSenders]


@pytest.fixture
def subscriptions(history_store: Store, clock: FakeClock) -> ChatStore:
    s = ChatStore(history_store.connection)
    s.add("discord", CHANNEL, "IND-RUS", now=clock.now())
    s.add("discord", "analysts", "IND-RUS", now=clock.now())
    return s


@pytest.fixture
def router(
    history_store: Store,
    subscriptions: ChatStore,
    discord_alerts: DiscordNotifier,
    clock: FakeClock,
) -> Router:
    return Router(
        chat=subscriptions,
        history=history_store,
        notifiers={"discord": discord_alerts},
        clock=clock,
    )


def _embed(discord_api: FakeDiscord, method: str, path: str) -> dict[str, Any]:
    (request,) = discord_api.sent(method, path)
    embeds: list[dict[str, Any]] = request.body["embeds"]
    assert len(embeds) == 1
    return embeds[0]


async def test_a_change_is_posted_as_the_rendered_embed(
    discord_api: FakeDiscord, router: Router
) -> None:
    change = india_russia_change()
    decided = await router.deliver(change)

    assert [(c.channel, r.decision) for c, r in decided] == [
        ("1200000000000000001", "alerted"),
        ("analysts", "alerted"),
    ]
    rendered = render_discord(alert_from_change(change))["embeds"][0]
    by_bot = _embed(discord_api, "POST", f"/channels/{CHANNEL}/messages")
    assert by_bot == rendered
    assert by_bot["title"].startswith("India–Russia")
    assert "~~special and~~" in by_bot["description"]
    assert "**particularly**" in by_bot["description"]

    # The webhook path goes through discord.Embed and back: nothing may be lost on the way
    # (discord.py adds "flags": 0, the default, and writes the timestamp its own way).
    by_hook = _embed(discord_api, "POST", f"/webhooks/{WEBHOOK_ID}/.*")
    assert by_hook.get("flags", 0) == 0
    assert {k: by_hook[k] for k in rendered if k != "timestamp"} == {
        k: v for k, v in rendered.items() if k != "timestamp"
    }
    assert datetime.fromisoformat(by_hook["timestamp"]) == change.detected_at


async def test_a_later_source_edits_the_same_message(
    discord_api: FakeDiscord, router: Router
) -> None:
    change = india_russia_change()
    await router.deliver(change)
    (message_id,) = discord_api.messages[CHANNEL]

    official = Source("MFA", "https://mfa.example.org/statement", "Joint statement", None, True)
    later = replace(change, sources=(*change.sources, official), level=Level.OFFICIAL, revision=1)
    decided = await router.deliver(later)

    assert {r.decision for _, r in decided} == {"updated"}
    assert list(discord_api.messages[CHANNEL]) == [message_id]
    shown = discord_api.messages[CHANNEL][message_id]["embeds"][0]
    assert shown == render_discord(alert_from_change(later))["embeds"][0]
    assert len(discord_api.sent("PATCH", f"/channels/{CHANNEL}/messages/{message_id}")) == 1


async def test_a_forbidden_channel_is_paused_once(
    discord_api: FakeDiscord,
    router: Router,
    subscriptions: ChatStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 403, times=None)
    caplog.set_level(logging.WARNING)
    change = india_russia_change()

    first = await router.deliver(change)
    second = await router.deliver(replace(change, change_id="ind-rus-2"))

    assert [(c.channel, r.decision) for c, r in first] == [
        (CHANNEL, "not delivered"),
        ("analysts", "alerted"),
    ]
    assert [(c.channel, r.decision) for c, r in second] == [
        (CHANNEL, "paused"),
        ("analysts", "alerted"),
    ]
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 1
    assert len([r for r in caplog.records if " paused: " in r.getMessage()]) == 1
    sub = subscriptions.get("discord", CHANNEL, "IND-RUS")
    assert sub is not None and "Missing Permissions" in str(sub.paused_reason)


async def test_an_answer_that_makes_no_sense_is_retried_and_spares_the_other_channels(
    discord_api: FakeDiscord, router: Router, clock: FakeClock, history_store: Store
) -> None:
    # A proxy in the way answers 200 with something that is not a message.
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 200, message="maintenance page")
    change = india_russia_change()
    change = replace(change, change_id=str(history_store.record_change(change)))

    decided = await router.deliver(change)

    assert [(c.channel, r.decision) for c, r in decided] == [
        (CHANNEL, "waiting to retry"),
        ("analysts", "alerted"),
    ]
    assert decided[0][1].reason.startswith("Discord answered without the message it posted")
    clock.advance(minutes=1)
    assert await router.retry_waiting(lambda key: change.pair) == 1
    (message,) = discord_api.messages[CHANNEL].values()
    assert message["embeds"][0] == render_discord(alert_from_change(change))["embeds"][0]


async def test_after_the_alert_was_deleted_later_sources_edit_the_one_posted_anew(
    discord_api: FakeDiscord, router: Router
) -> None:
    change = india_russia_change()
    await router.deliver(change)
    discord_api.messages[CHANNEL].clear()  # someone deleted the alert
    official = Source("MFA", "https://mfa.example.org/statement", "Joint statement", None, True)
    second = replace(change, sources=(*change.sources, official), level=Level.OFFICIAL, revision=1)
    await router.deliver(second)
    (anew,) = discord_api.messages[CHANNEL]

    third_source = Source("Wire", "https://wire.example.org/b", "Wire copy", None)
    third = replace(second, sources=(*second.sources, third_source), revision=2)
    await router.deliver(third)

    assert list(discord_api.messages[CHANNEL]) == [anew]
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 2
    assert len(discord_api.sent("PATCH", f"/channels/{CHANNEL}/messages/{anew}")) == 1
