"""Discord delivery at the wire: discord.py's real HTTP code against a local fake API."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from bot.chat.ports import Refused
from bot.config import SubscriptionSpec
from bot.platforms.discord.delivery import (
    DiscordDelivery,
    DiscordWebhookDelivery,
    use_api_base,
    webhook_senders,
    webhook_url_from_env,
)
from bot.platforms.pacing import ChannelPacer
from tests.fake_discord import WEBHOOK_ID, WEBHOOK_TOKEN, WEBHOOK_URL, FakeDiscord
from tests.fakes import FakeMonotonic
from watchers.errors import ConfigError, DeliveryError, MessageGone
from watchers.model import Country, Pair

CHANNEL = "1200000000000000001"
OTHER = "1200000000000000002"

ALERT: dict[str, Any] = {
    "content": "",
    "embeds": [
        {
            "title": "India–Russia: rewording",
            "description": "~~special and~~ **particularly** privileged strategic partnership",
            "color": 0xF1C40F,
            "fields": [{"name": "Level", "value": "reported", "inline": True}],
        }
    ],
}


async def test_post_sends_the_payload_with_the_bot_token(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    message_id = await discord_bot.post(CHANNEL, ALERT)

    (request,) = discord_api.sent("POST", f"/channels/{CHANNEL}/messages")
    assert request.headers["Authorization"] == "Bot fake-bot-token"
    assert request.body["embeds"] == ALERT["embeds"]
    assert (
        discord_api.messages[CHANNEL][message_id]["embeds"][0]["title"] == "India–Russia: rewording"
    )
    # login checked the token first
    assert discord_api.requests[0].path == "/users/@me"


async def test_one_alert_posted_to_two_channels_is_in_both_and_once_in_each(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    # Discord answers a nonce its author used lately with the message made then, whatever
    # the channel: each channel's post of the alert needs a nonce of its own.
    alert = {**ALERT, "nonce": "pw17r0", "enforce_nonce": True}
    first = await discord_bot.post(CHANNEL, alert)
    other = await discord_bot.post(OTHER, alert)
    again = await discord_bot.post(CHANNEL, alert)  # we died before recording the first

    assert len(discord_api.messages[CHANNEL]) == 1 and len(discord_api.messages[OTHER]) == 1
    assert again == first != other
    nonces = [r.body["nonce"] for r in discord_api.sent("POST", r"/channels/\d+/messages")]
    assert nonces[0] == nonces[2] != nonces[1] and all(len(n) <= 25 for n in nonces)


async def test_feed_text_never_pings(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    payload = {"content": "@everyone look", "allowed_mentions": {"parse": ["everyone"]}}
    await discord_bot.post(CHANNEL, payload)
    (request,) = discord_api.sent("POST", f"/channels/{CHANNEL}/messages")
    assert request.body["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_edit_replaces_the_message(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    message_id = await discord_bot.post(CHANNEL, ALERT)
    updated = {
        **ALERT,
        "embeds": [{**ALERT["embeds"][0], "title": "India–Russia: rewording (3 outlets)"}],
    }

    await discord_bot.edit(CHANNEL, message_id, updated)

    (patch,) = discord_api.sent("PATCH", f"/channels/{CHANNEL}/messages/{message_id}")
    assert patch.body["embeds"][0]["title"] == "India–Russia: rewording (3 outlets)"
    stored = discord_api.messages[CHANNEL][message_id]
    assert stored["embeds"][0]["title"] == "India–Russia: rewording (3 outlets)"
    assert stored["edited_timestamp"] is not None


async def test_editing_a_deleted_message_is_not_a_gone_channel(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    with pytest.raises(MessageGone) as caught:
        await discord_bot.edit(CHANNEL, "1300000000000009999", ALERT)
    assert caught.value.permanent is False
    assert "Unknown Message" in caught.value.message


async def test_a_429_is_retried_by_the_library(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 429, retry_after=0.01)
    message_id = await discord_bot.post(CHANNEL, ALERT)
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 2
    assert list(discord_api.messages[CHANNEL]) == [message_id]


async def test_a_429_without_via_is_not_retried(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    # Without Via discord.py assumes a Cloudflare ban: it gives up, and so do we, for now.
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 429, retry_after=0.01, via=False)
    with pytest.raises(DeliveryError) as caught:
        await discord_bot.post(CHANNEL, ALERT)
    assert caught.value.permanent is False
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 1


@pytest.mark.parametrize(
    ("status", "text"), [(403, "Missing Permissions"), (404, "Unknown Channel")]
)
async def test_forbidden_or_missing_channel_is_permanent(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery, status: int, text: str
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", status)
    with pytest.raises(DeliveryError) as caught:
        await discord_bot.post(CHANNEL, ALERT)
    error = caught.value
    assert error.permanent is True
    assert error.channel == CHANNEL
    assert text in error.message
    assert isinstance(error.__cause__, discord.HTTPException)
    # the library does not retry these, and neither do we
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 1


async def test_a_rejected_payload_is_not_permanent(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 400)
    with pytest.raises(DeliveryError) as caught:
        await discord_bot.post(CHANNEL, ALERT)
    assert caught.value.permanent is False
    assert "Invalid Form Body" in caught.value.message
    assert isinstance(caught.value, Refused)  # Discord made no message


async def test_a_server_error_may_come_after_the_message_was_made(
    discord_api: FakeDiscord, discord_bot: DiscordDelivery
) -> None:
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 503)
    with pytest.raises(DeliveryError) as caught:
        await discord_bot.post(CHANNEL, ALERT)
    assert not isinstance(caught.value, Refused) and not caught.value.permanent


async def test_an_unreachable_api_is_not_permanent(discord_api: FakeDiscord) -> None:
    sender = await DiscordDelivery.login(discord_api.token, api_base=discord_api.api_base)
    await discord_api.close()
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.post(CHANNEL, ALERT)
        assert caught.value.permanent is False
        assert "network error" in caught.value.message
    finally:
        await sender.close()


async def test_a_wrong_token_fails_login(discord_api: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        await DiscordDelivery.login("not-the-token", api_base=discord_api.api_base)


async def test_the_token_is_never_logged(
    discord_api: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    discord_api.fail("POST", f"/channels/{CHANNEL}/messages", 403)
    sender = await DiscordDelivery.login(
        discord_api.token, api_base=discord_api.api_base, pacer=ChannelPacer(interval=0)
    )
    try:
        with pytest.raises(DeliveryError):
            await sender.post(CHANNEL, ALERT)
        await sender.post(CHANNEL, ALERT)
    finally:
        await sender.close()
    assert caplog.records, "discord.py logs requests at DEBUG"
    assert discord_api.token not in caplog.text


async def test_each_channel_is_paced(discord_api: FakeDiscord) -> None:
    time = FakeMonotonic()
    pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)
    sender = await DiscordDelivery.login(
        discord_api.token, api_base=discord_api.api_base, pacer=pacer
    )
    try:
        await sender.post(CHANNEL, ALERT)
        await sender.post(OTHER, ALERT)
        await sender.post(CHANNEL, ALERT)
        await sender.post(CHANNEL, ALERT)
        assert time.sleeps == [1.0, 1.0]
        time.now += 5
        await sender.post(CHANNEL, ALERT)
        assert time.sleeps == [1.0, 1.0]
    finally:
        await sender.close()
    assert len(discord_api.sent("POST", f"/channels/{CHANNEL}/messages")) == 4


# Webhook mode


@pytest.fixture
async def webhook(discord_api: FakeDiscord) -> AsyncIterator[DiscordWebhookDelivery]:
    use_api_base(discord_api.api_base)
    sender = DiscordWebhookDelivery(WEBHOOK_URL, pacer=ChannelPacer(interval=0))
    yield sender
    await sender.close()


async def test_webhook_send_waits_for_the_message(
    discord_api: FakeDiscord, webhook: DiscordWebhookDelivery
) -> None:
    message_id = await webhook.post("analysts", ALERT)

    (request,) = discord_api.sent("POST", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    assert request.query["wait"] == "1"
    assert "Authorization" not in request.headers
    assert request.body["embeds"][0]["title"] == "India–Russia: rewording"
    assert request.body["embeds"][0]["fields"] == ALERT["embeds"][0]["fields"]
    assert request.body["allowed_mentions"] == {"parse": []}
    assert message_id in discord_api.messages[f"webhook:{WEBHOOK_ID}"]


async def test_webhook_edit(discord_api: FakeDiscord, webhook: DiscordWebhookDelivery) -> None:
    message_id = await webhook.post("analysts", ALERT)
    await webhook.edit("analysts", message_id, {"content": "updated", "embeds": ALERT["embeds"]})

    (patch,) = discord_api.sent(
        "PATCH", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}/messages/{message_id}"
    )
    assert patch.body["content"] == "updated"
    assert discord_api.messages[f"webhook:{WEBHOOK_ID}"][message_id]["content"] == "updated"


async def test_webhook_429_is_retried(
    discord_api: FakeDiscord, webhook: DiscordWebhookDelivery
) -> None:
    discord_api.fail("POST", f"/webhooks/{WEBHOOK_ID}/.*", 429, retry_after=0.01)
    await webhook.post("analysts", ALERT)
    assert len(discord_api.sent("POST", f"/webhooks/{WEBHOOK_ID}/.*")) == 2


@pytest.mark.parametrize(("status", "code"), [(404, 10015), (403, 50013), (401, 50027)])
async def test_a_deleted_or_revoked_webhook_is_permanent(
    discord_api: FakeDiscord, webhook: DiscordWebhookDelivery, status: int, code: int
) -> None:
    discord_api.fail(
        "POST", f"/webhooks/{WEBHOOK_ID}/.*", status, code=code, message="Unknown Webhook"
    )
    with pytest.raises(DeliveryError) as caught:
        await webhook.post("analysts", ALERT)
    assert caught.value.permanent is True
    assert caught.value.channel == "analysts"
    assert WEBHOOK_TOKEN not in str(caught.value)


async def test_a_failing_webhook_never_tells_its_token(
    discord_api: FakeDiscord, webhook: DiscordWebhookDelivery
) -> None:
    # The error's text is logged and shown by /watch why; the URL in it must not carry the token.
    discord_api.fail("POST", f"/webhooks/{WEBHOOK_ID}/.*", 307, times=None)
    with pytest.raises(DeliveryError) as caught:
        await webhook.post("analysts", ALERT)
    assert "TooManyRedirects" in caught.value.message
    assert caught.value.permanent is False
    assert WEBHOOK_TOKEN not in str(caught.value)
    assert WEBHOOK_TOKEN not in "".join(traceback.format_exception(caught.value))


def test_webhook_url_comes_from_the_named_variable() -> None:
    env = {"PW_DISCORD_WEBHOOK_ANALYSTS": WEBHOOK_URL}
    assert webhook_url_from_env("PW_DISCORD_WEBHOOK_ANALYSTS", env) == WEBHOOK_URL
    sender = DiscordWebhookDelivery(webhook_url_from_env("PW_DISCORD_WEBHOOK_ANALYSTS", env))
    assert WEBHOOK_TOKEN not in repr(sender)


def test_a_missing_or_malformed_webhook_variable_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as missing:
        webhook_url_from_env("PW_HOOK", {})
    assert str(missing.value) == "environment: PW_HOOK: is not set (Discord webhook URL)"
    bad = "https://example.org/hooks/secret-value"
    with pytest.raises(ConfigError) as malformed:
        webhook_url_from_env("PW_HOOK", {"PW_HOOK": bad})
    assert "secret-value" not in str(malformed.value)
    assert "is not a Discord webhook URL" in str(malformed.value)


def test_webhook_senders_for_the_config_channels() -> None:
    india, russia = Country("IND", "India"), Country("RUS", "Russia")
    pairs = (Pair.of(india, russia),)
    specs = [
        SubscriptionSpec("discord", "analysts", pairs, webhook_env="PW_HOOK_ANALYSTS"),
        SubscriptionSpec("discord", "1200000000000000001", pairs),
        SubscriptionSpec("slack", "C1", pairs),
    ]
    senders = webhook_senders(specs, {"PW_HOOK_ANALYSTS": WEBHOOK_URL})
    assert list(senders) == ["analysts"]


def test_webhook_senders_list_every_missing_variable() -> None:
    pairs = (Pair.of(Country("IND", "India"), Country("RUS", "Russia")),)
    specs = [
        SubscriptionSpec("discord", "a", pairs, webhook_env="PW_HOOK_A"),
        SubscriptionSpec("discord", "b", pairs, webhook_env="PW_HOOK_B"),
    ]
    with pytest.raises(ConfigError) as caught:
        webhook_senders(specs, {"PW_HOOK_B": "https://example.org/not-a-hook"})
    assert [(p.key, p.reason) for p in caught.value.problems] == [
        ("PW_HOOK_A", "is not set (Discord webhook URL)"),
        ("PW_HOOK_B", "is not a Discord webhook URL"),
    ]
