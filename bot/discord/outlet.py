"""Where a Discord alert goes: the channel's webhook if it has one, else the bot.

The outlet also applies the rule for channels we cannot reach: when Discord says the
channel is gone or closed to us, its subscriptions are paused and the problem is logged
once (the first time), instead of being retried on every alert.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.discord.delivery import DiscordSender, MessageGone
from bot.subscriptions import SubscriptionStore
from watchers.errors import DeliveryError

log = logging.getLogger(__name__)

PLATFORM = "discord"


class DiscordOutlet:
    """Sends rendered alerts to Discord channels and pauses the ones that are gone."""

    def __init__(
        self,
        store: SubscriptionStore,
        *,
        bot: DiscordSender | None,
        webhooks: Mapping[str, DiscordSender] | None = None,
    ) -> None:
        self._store = store
        self._bot = bot
        self._webhooks = dict(webhooks or {})

    def sender_for(self, channel: str) -> DiscordSender | None:
        """The channel's webhook sender, else the bot's, else None."""
        return self._webhooks.get(channel, self._bot)

    async def post(self, channel: str, payload: dict[str, Any]) -> str | None:
        """Post a new alert; the message id, or None when the channel was paused."""
        sender = self._require(channel)
        try:
            return await sender.post(channel, payload)
        except DeliveryError as e:
            self._pause_if_gone(channel, e)
            return None

    async def update(
        self, channel: str, message_id: str, payload: dict[str, Any], *, edit: bool = True
    ) -> str | None:
        """Edit the posted alert (or answer it when ``edit`` is false).

        Returns the id of the message now carrying the update: the same one after an edit,
        a new one after a reply or when the original had been deleted; None when paused.
        """
        sender = self._require(channel)
        try:
            if not edit:
                return await sender.reply(channel, message_id, payload)
            try:
                await sender.edit(channel, message_id, payload)
                return message_id
            except MessageGone:
                return await sender.post(channel, payload)
        except DeliveryError as e:
            self._pause_if_gone(channel, e)
            return None

    async def close(self) -> None:
        """Close the webhook senders (the bot's sender belongs to the bot)."""
        for sender in self._webhooks.values():
            await sender.close()

    def _require(self, channel: str) -> DiscordSender:
        sender = self.sender_for(channel)
        if sender is None:
            raise DeliveryError(
                channel, "no Discord bot is running (DISCORD_TOKEN unset) and no webhook is set"
            )
        return sender

    def _pause_if_gone(self, channel: str, error: DeliveryError) -> None:
        if not error.permanent:
            raise error
        paused = self._store.pause_channel(PLATFORM, channel, error.message)
        if paused:
            log.warning(
                "Discord channel %s cannot be reached (%s); its %d subscription(s) are paused",
                channel,
                error.message,
                paused,
            )
