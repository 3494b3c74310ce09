"""Slack: the bolt app (Socket Mode or HTTP), the ``/watch`` command, and alert delivery.

This package's own module imports neither slack_bolt nor slack_sdk: the wiring asks it
whether Slack is to start, and only then opens it (``bot.platforms.slack.platform``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.chat.ports import Notifier, Opening
    from bot.config import Config

BOT_TOKEN_VARIABLE = "SLACK_BOT_TOKEN"


class SlackPlatform:
    """Slack as the chat layer opens it."""

    kind = "slack"

    def not_started(self, config: Config, environ: Mapping[str, str]) -> str | None:
        """Why Slack is not started: no bot token."""
        if environ.get(BOT_TOKEN_VARIABLE, "").strip():
            return None
        return f"Slack app not started: {BOT_TOKEN_VARIABLE} is not set"

    async def open(self, opening: Opening) -> Notifier:
        """The app (with ``/watch`` when serving commands), or only its Web API client."""
        from bot.platforms.slack.platform import open_slack

        return await open_slack(opening)


PLATFORM = SlackPlatform()
