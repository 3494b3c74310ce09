"""The Discord notifier the router posts through (``bot.chat.deliver.Notifier``).

It renders each alert with ``bot.render.discord`` and sends it through the channel's
webhook when the config gives it one, else as the bot. Failures come out as
``DeliveryError``; the router pauses a channel whose error is ``permanent``.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.alert import Alert
from bot.platforms.discord.delivery import DiscordSender
from bot.render.digest import Digest, render_digest_discord
from bot.render.discord import render_discord
from watchers.errors import DeliveryError, MessageGone


class DiscordNotifier:
    """Posts, updates and digests alerts in Discord channels."""

    def __init__(
        self,
        *,
        bot: DiscordSender | None,
        webhooks: Mapping[str, DiscordSender] | None = None,
    ) -> None:
        self._bot = bot
        self._webhooks = dict(webhooks or {})

    def sender_for(self, channel: str) -> DiscordSender | None:
        """The channel's webhook sender, else the bot's, else None."""
        return self._webhooks.get(channel, self._bot)

    async def post(self, channel: str, alert: Alert) -> str:
        """Post a new alert; returns the message id, to update it later."""
        return await self._sender(channel).post(channel, render_discord(alert))

    async def update(self, channel: str, message_ref: str, alert: Alert) -> str | None:
        """Edit the posted alert; if it was deleted, post anew and return the new id."""
        sender = self._sender(channel)
        payload = render_discord(alert)
        try:
            await sender.edit(channel, message_ref, payload)
        except MessageGone:
            # Someone deleted the alert; the update still deserves to be seen.
            return await sender.post(channel, payload)
        return None

    async def digest(self, channel: str, digest: Digest) -> None:
        """Post a digest of held alerts."""
        await self._sender(channel).post(channel, render_digest_discord(digest))

    async def close(self) -> None:
        """Close the webhook senders (the bot's sender belongs to the bot)."""
        for sender in self._webhooks.values():
            await sender.close()

    def _sender(self, channel: str) -> DiscordSender:
        sender = self.sender_for(channel)
        if sender is None:
            raise DeliveryError(
                channel, "no Discord bot is running (DISCORD_TOKEN unset) and no webhook is set"
            )
        return sender
