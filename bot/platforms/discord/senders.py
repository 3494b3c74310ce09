"""Which Discord sender a channel's alerts go through: its webhook, else the bot.

A channel the config gives a ``webhook_env`` is written to through that webhook (no bot in
the server needed); every other channel through the bot. Together they are the one
``bot.chat.ports.Sender`` of Discord, behind the platform's ``PlatformNotifier``.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.chat.ports import Payload, Sender
from bot.platforms.discord.delivery import DiscordWebhookDelivery
from watchers.errors import DeliveryError


class DiscordSenders:
    """Posts and edits in Discord channels, each through its webhook or as the bot."""

    def __init__(
        self,
        *,
        bot: Sender | None,
        webhooks: Mapping[str, DiscordWebhookDelivery] | None = None,
    ) -> None:
        self._bot = bot
        self._webhooks = dict(webhooks or {})

    def sender_for(self, channel: str) -> Sender | None:
        """The channel's webhook sender, else the bot's, else None."""
        return self._webhooks.get(channel, self._bot)

    def answers_repeats(self, channel: str, payload: Payload) -> bool:
        """Whether this payload posted again in this channel is answered with the message
        the first post made: the bot's posts with a nonce Discord enforces are; a webhook's
        posts, and posts without one, make a new message."""
        bot = channel not in self._webhooks and self._bot is not None
        return bot and bool(payload.get("enforce_nonce")) and payload.get("nonce") is not None

    async def post(self, channel: str, payload: Payload) -> str:
        """Send a new message; returns its id."""
        return await self._sender(channel).post(channel, payload)

    async def edit(self, channel: str, message_ref: str, payload: Payload) -> None:
        """Replace a message we sent; ``MessageGone`` when it was deleted."""
        await self._sender(channel).edit(channel, message_ref, payload)

    async def close(self) -> None:
        """Close the webhook senders (the bot's sender belongs to the bot)."""
        for sender in self._webhooks.values():
            await sender.close()

    def _sender(self, channel: str) -> Sender:
        sender = self.sender_for(channel)
        if sender is None:
            raise DeliveryError(
                channel, "no Discord bot is running (DISCORD_TOKEN unset) and no webhook is set"
            )
        return sender
