"""Opening Discord: the bot when a token is set, the config's webhooks, one notifier."""

from __future__ import annotations

import logging

from bot.alert import Alert
from bot.chat.ports import Opening, Payload, PlatformNotifier, Sender
from bot.platforms.discord.client import DiscordBot, sign_in, token_from_env
from bot.platforms.discord.delivery import DiscordDelivery, use_api_base, webhook_senders
from bot.platforms.discord.senders import DiscordSenders
from bot.render.digest import Digest, render_digest_discord
from bot.render.discord import render_discord

log = logging.getLogger(__name__)


async def open_discord(opening: Opening) -> PlatformNotifier[DiscordSenders]:
    """Sign in (serving ``/watch`` under ``run``) and return the notifier of Discord."""
    config, stack = opening.config, opening.stack
    api_base = config.discord.api_base
    # Webhooks build their URLs from the same base as the bot: a webhook-only setup
    # pointed at a proxy or a test server must not reach discord.com.
    use_api_base(api_base)
    webhooks = webhook_senders(config.subscriptions, opening.environ)
    token = token_from_env(opening.environ)
    bot: Sender | None = None
    if token is None:
        log.info("Discord bot not started: DISCORD_TOKEN is not set; webhooks only")
    elif opening.serve_commands:
        client = DiscordBot(
            opening.commands, manage_roles=config.discord.manage_roles, api_base=api_base
        )
        stack.push_async_callback(client.close)  # also closes what a failed start opened
        await sign_in(client.start(token), api_base)
        bot = client.delivery()
    else:
        delivery = await sign_in(DiscordDelivery.login(token, api_base=api_base), api_base)
        stack.push_async_callback(delivery.close)
        bot = delivery
    notifier = discord_notifier(DiscordSenders(bot=bot, webhooks=webhooks))
    stack.push_async_callback(notifier.sender.close)
    return notifier


def discord_notifier(senders: DiscordSenders) -> PlatformNotifier[DiscordSenders]:
    """Alerts rendered as Discord messages, sent through the channel's webhook or the bot."""
    return PlatformNotifier(
        senders,
        render=render_with_nonce,
        render_digest=digest_with_nonce,
        answers_repeats=senders.answers_repeats,
        anew=in_place_of,
    )


def render_with_nonce(alert: Alert) -> Payload:
    """The alert's message, with a nonce Discord enforces for the bot's posts.

    A post of the same alert again (we died after Discord took it, before we recorded it)
    then returns the message already posted instead of making a second one. The nonce names
    the alert, not its revision: a retry that carries an update made meanwhile is the same
    post, and the message it is answered with is then edited to show that update. Discord
    remembers nonces for a few minutes; webhooks and edits do not use them.
    The bot's sender makes the nonce the channel's own (``nonce_for_channel``).
    """
    nonce = f"pw{alert.alert_id}"[:25]
    return {**render_discord(alert), "nonce": nonce, "enforce_nonce": True}


def digest_with_nonce(digest: Digest) -> Payload:
    """The digest's message, with a nonce naming the digest when it has a key: a digest
    posted again after a lost answer returns the one already posted, as an alert does."""
    payload = render_digest_discord(digest)
    if not digest.key:
        return payload
    return {**payload, "nonce": f"pw{digest.key}"[:25], "enforce_nonce": True}


def in_place_of(payload: Payload, deleted: str) -> Payload:
    """A payload posted in place of the deleted message ``deleted``: with the first post's
    nonce, Discord would answer with the deleted message instead of making a new one. Its
    own nonce names the message it replaces, so a repeat of this post after a lost answer
    is answered with the one it made, as a first post's repeat is."""
    nonce = payload.get("nonce")
    if nonce is None:
        return payload
    # The bot's sender hashes it with the channel into the 25 characters Discord takes.
    return {**payload, "nonce": f"{nonce}~{deleted}"}
