"""Discord: the bot (the gateway, ``/watch``), and alerts sent as the bot or by webhooks.

This package's own module imports no discord.py: the wiring asks it whether Discord is to
start, and only then opens it (``bot.platforms.discord.platform``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.chat.ports import Notifier, Opening
    from bot.config import Config

TOKEN_VARIABLE = "DISCORD_TOKEN"


class DiscordPlatform:
    """Discord as the chat layer opens it."""

    kind = "discord"

    def not_started(self, config: Config, environ: Mapping[str, str]) -> str | None:
        """Why Discord is not started: no token, and no channel with a webhook."""
        webhooks = any(s.platform == self.kind and s.webhook_env for s in config.subscriptions)
        if environ.get(TOKEN_VARIABLE, "").strip() or webhooks:
            return None
        return f"Discord bot not started: {TOKEN_VARIABLE} is not set"

    async def open(self, opening: Opening) -> Notifier:
        """The bot (with ``/watch`` when serving commands) and the webhooks."""
        from bot.platforms.discord.platform import open_discord

        return await open_discord(opening)


PLATFORM = DiscordPlatform()
